import { type ClusterOps } from '../aws/access';
import { type Clock } from '../clock';
import { type ClusterConfig } from '../config/schema';
import { type Logger } from '../logger';
import { type StateStore } from '../state/table';
import { type Plan, type StepRecord } from './types';

/**
 * The shape every approval-gated operation has: a plan read from the live state (asked for in
 * the worker when the command is typed), and, once approved, steps computed from a fresh read
 * that must still agree with the approved plan.
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

export interface Step {
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

export interface GatedOperation<P extends Plan = Plan> {
  /** Re-reads the live state: the steps to run, or why the approved plan no longer holds. */
  prepare(env: ExecutionEnv, plan: P): Promise<Preparation>;
  /** The closing sentence of a run that finished every step. */
  summary(plan: P, steps: StepRecord[], tookMs: number): string;
}
