import { type Level } from '../levels';
import { type UserAccess } from '../auth/policy';
import { type OwnershipGuard } from '../auth/ownership-guard';
import { type ClusterOps } from '../aws/access';
import { type Clock } from '../clock';
import { type VerbGrammar } from '../commands/grammar';
import { type Config, type ClusterConfig } from '../config/schema';
import { type Logger } from '../logger';
import { type SlackMessage } from '../slack/message';
import { type Replier } from '../slack/reply';
import { type StateStore } from '../state/table';
import { type ChatClient } from '../approvals/progress';
import { type ApprovalTiming } from '../approvals/gated-operation';
import { type FollowUpTiming } from './follow-up';

/**
 * What a verb is at run time: its grammar (src/commands/grammar.ts) plus what it does, and the
 * context the worker gives it.
 */

export interface CommandUser {
  id: string;
  name?: string;
  /** Slack workspace (team) id. */
  teamId: string;
}

/**
 * How long the worker watches after a change (src/verbs/follow-up.ts), and how it follows the live
 * message of a deployment the change started (src/notifications/deployments/).
 */
export type CommandTiming = FollowUpTiming & {
  /**
   * How often a live deployment message may read ECS (DescribeServiceDeployments); by default the
   * service's notification update interval (60 s).
   */
  deploymentPollMs?: number;
  /** How long the job that started a deployment follows its live message; by default `deployments.watch`. */
  deploymentWatchMs?: number;
};

/** Everything a verb's `run` gets: one cluster, one level, clients bound to that role. */
export interface CommandContext {
  alias: string;
  cluster: ClusterConfig;
  level: Level;
  user: CommandUser;
  channelId: string;
  aws: ClusterOps;
  reply: Replier;
  config: Config;
  clock: Clock;
  logger: Logger;
  timing: CommandTiming;
  /** Starts another command as a job (e.g. a follow-up); same authorization as typed commands. */
  source: 'slash' | 'button' | 'modal';
  /** The team whose grant allowed the command (its role session carries it). */
  team?: string;
  /** The state table, when the deployment has one (approval requests live there). */
  state?: StateStore;
  /** The Slack Web API with the bot token, for messages the bot posts itself and edits later. */
  slack?: ChatClient;
  /**
   * For verbs with `scope: 'allClusters'`: every cluster the user may use at the verb's level here,
   * each on that cluster's own role, in config order (`alias`/`aws` above are the first of them).
   */
  clusters?: readonly ClusterOps[];
  /**
   * Whether this cluster owns a task definition family, ECR repository or image registry
   * (src/auth/ownership.ts); each throws the refusal. Verbs call it before anything that changes.
   */
  ownership: OwnershipGuard;
  /**
   * Another cluster of the config on its own read role, for the user of this job: how a gated
   * delete's plan finds the services of the other clusters in the account that still use a thing.
   */
  readCluster?: (alias: string) => Promise<ClusterOps>;
  /** Approval progress and waits (an ungated approval verb runs its steps in this job). */
  approvalTiming?: Partial<ApprovalTiming>;
  /** How long this job may still run (the worker Lambda's remaining time); absent: no limit. */
  remainingTimeMs?: () => number;
}

/** What a verb answered in the ack path (help, whoami) gets: no AWS, just config and the user. */
export interface LocalContext {
  config: Config;
  user: CommandUser;
  channelId: string;
  access: UserAccess;
  verbs: readonly AnyVerbSpec[];
}

/**
 * One verb: its grammar, and what it does. `run` executes in the worker; `local` answers in the
 * ack path with no AWS call (help, whoami).
 */
export interface VerbSpec<A = unknown> extends VerbGrammar<A> {
  /**
   * Beyond the level: a refusal (mrkdwn) when the config says this user may not run the verb on this
   * cluster, decided in the ack path like the level (e.g. `deployments.continue.teams`).
   */
  mayRun?: (config: Config, access: UserAccess, alias: string) => string | undefined;
  local?: (ctx: LocalContext, args: A) => Promise<SlackMessage>;
  run?: (ctx: CommandContext, args: A) => Promise<void>;
}

/** Type-erased VerbSpec for the registry (variance of A). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry stores specs of every argument type; each spec validates its own args with zod before use
export type AnyVerbSpec = VerbSpec<any>;

export function defineVerb<A>(spec: VerbSpec<A>): VerbSpec<A> {
  return spec;
}
