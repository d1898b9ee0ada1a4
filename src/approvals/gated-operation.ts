import { z } from 'zod';
import { type Level } from '../levels';
import { type OwnershipGuard } from '../auth/ownership-guard';
import { type ClusterOps } from '../aws/access';
import { type Clock } from '../clock';
import { type ClusterConfig } from '../config/schema';
import { type Logger } from '../logger';
import { type StateStore } from '../state/table';

/**
 * The shape every approval-gated operation has (one module each in ./operations): a plan read
 * from the live state (asked for in the worker when the command is typed), and, once approved,
 * steps computed from a fresh read that must still agree with the approved plan. Each step says
 * what kind of step it is, so a summary counts steps by kind, never by the words of its label.
 */

export interface ApprovalTiming {
  /** At most one chat.update of a progress message this often (Slack allows about one a second). */
  progressIntervalMs: number;
  /** How often a step that waits (services draining, tasks stopping) looks again. */
  pollMs: number;
  /** How long a step waits before it gives up and stops the run. */
  waitTimeoutMs: number;
  /**
   * A run stops before its next step (or its next poll) when less than this is left of the
   * worker's time: enough for one step's AWS calls with their retries, the last progress update
   * and the record of how it ended.
   */
  stopMarginMs: number;
}

export const DEFAULT_APPROVAL_TIMING: ApprovalTiming = {
  progressIntervalMs: 1000,
  pollMs: 5000,
  waitTimeoutMs: 10 * 60_000,
  stopMarginMs: 60_000,
};

/** Everything a step may use: the role-bound AWS operations and where to remember things. */
export interface ExecutionEnv {
  requestId: string;
  alias: string;
  cluster: ClusterConfig;
  aws: ClusterOps;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  timing: ApprovalTiming;
  /** Who it runs for, in words (the reason given to StopTask). */
  reason: string;
  /** How long the worker may still run (Infinity when nothing limits it). */
  timeLeftMs(): number;
}

/** Thrown by a step that must stop because the worker's time is nearly up (see ApprovalTiming.stopMarginMs). */
export class OutOfTime extends Error {
  constructor() {
    super('the worker is about to reach its time limit');
    this.name = 'OutOfTime';
  }
}

/** What a step does, whatever its label says: summaries count done steps by kind. */
export const StepKind = z.enum([
  'delete service',
  'wait for drain',
  'stop task',
  'deregister container instance',
  'terminate EC2 instance',
  'delete cluster',
  'delete repository',
  'deregister task definition',
  'delete image',
  'roll back deployment',
]);
export type StepKind = z.infer<typeof StepKind>;

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepState>;

/**
 * One line of the progress list, as it ended (stored with the request). `kind` is optional:
 * requests stored before steps had kinds lack it.
 */
export const StepRecord = z.object({
  kind: StepKind.optional(),
  label: z.string(),
  state: StepState,
  note: z.string().optional(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export interface Step {
  kind: StepKind;
  /** One line of the progress list: "Scale `web` to 0 and delete it". */
  label: string;
  /** Does it; returns a short note on how it went ("already gone", "shutting down"). */
  run(progress: StepProgress): Promise<string | undefined>;
}

/** A long step reports in between (a wait), so the message keeps moving. */
export interface StepProgress {
  note(text: string): Promise<void>;
}

export type Preparation = { ok: true; steps: Step[] } | { ok: false; reason: string };

export interface GatedOperation<P> {
  /** The level whose role runs it once approved; admin by default (the deletes). */
  level?: Level;
  /**
   * Throws the refusal (NotOwnedError) when the cluster no longer owns what the plan deletes: the
   * config may have changed since the plan was read. Runs before `prepare`.
   */
  checkOwnership?(plan: P, ownership: OwnershipGuard): Promise<void>;
  /** Re-reads the live state: the steps to run, or why the approved plan no longer holds. */
  prepare(env: ExecutionEnv, plan: P): Promise<Preparation>;
  /** The closing sentence of a run that finished every step. */
  summary(plan: P, steps: StepRecord[], tookMs: number): string;
}

/** How many steps of this kind are done. */
export function doneSteps(steps: StepRecord[], kind: StepKind): number {
  return steps.filter((s) => s.state === 'done' && s.kind === kind).length;
}
