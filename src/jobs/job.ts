import { z } from 'zod';
import { Level } from '../levels';

/**
 * Jobs go from the Slack function to the worker (a Lambda async invoke, or in-process).
 * They are validated with zod on both sides of that boundary.
 */
/**
 * A job that waited longer than this between the user's request and the worker's start is not run:
 * the cluster may have changed since, and the user has long stopped waiting for an answer. Lambda
 * keeps retrying a throttled async invoke for up to six hours; Slack's own request window is 5
 * minutes, so this matches what a user would expect of "now". The user is told to type it again.
 */
export const JOB_MAX_AGE_MS = 5 * 60_000;

/** The worker Lambda's timeout (`functions.worker.timeout` in serverless.yml, Lambda's maximum). */
export const WORKER_TIME_LIMIT_MS = 900_000;

/** Job ids are UUIDs or hashes (src/slack/request-key.ts); bounded before they become state-table keys. */
const JobId = z.string().min(1).max(100);

export const JobUser = z.object({ id: z.string().min(1), name: z.string().optional(), teamId: z.string().min(1) });

export const CommandJob = z.object({
  kind: z.literal('command'),
  /** Two deliveries of one job, or two of one signed request, share this id; the worker runs it once. */
  id: JobId,
  /** Every word the user typed (or the button carried), verb first; re-parsed by the worker. */
  words: z.array(z.string()).min(1),
  verb: z.string().min(1),
  cluster: z.string().min(1),
  /** The level whose role the worker assumes: what the verb needs, not the user's highest. */
  level: Level,
  /** The team whose grant allowed it (a session tag, and audit). */
  team: z.string().min(1),
  user: JobUser,
  channelId: z.string().min(1),
  responseUrl: z.string().url(),
  source: z.enum(['slash', 'button', 'modal']),
  requestedAt: z.number(),
  /** A verb that spans clusters: each cluster it may read, with the team whose grant allows it. */
  clusters: z
    .array(z.object({ alias: z.string().min(1), team: z.string().min(1) }))
    .max(500)
    .optional(),
  /**
   * A button's job (src/listeners/actions.ts): its first in-channel reply replaces the message the
   * button was on, through the click's response_url. Absent: every reply is a new message.
   */
  replaceOriginal: z.boolean().optional(),
});
export type CommandJob = z.infer<typeof CommandJob>;

/** An approved request to run (src/approvals): only its id; the worker reads the rest from the state table. */
export const ApprovalJob = z.object({
  kind: z.literal('approval'),
  id: JobId,
  requestId: z.uuid(),
  /** When the Approve click dispatched it (epoch ms); absent in jobs from before this field existed. */
  requestedAt: z.number().optional(),
});
export type ApprovalJob = z.infer<typeof ApprovalJob>;

/**
 * Follow a deployment started outside Slack (src/notifications/deployments/): sent by the events function, which
 * reads no AWS, to the worker, which reads it on the cluster's read role for the bot itself.
 */
export const DeploymentWatchJob = z.object({
  kind: z.literal('deployment-watch'),
  id: JobId,
  alias: z.string().min(1).max(100),
  service: z.string().min(1).max(255),
  ecsId: z.string().min(1).max(100),
  requestedAt: z.number(),
});
export type DeploymentWatchJob = z.infer<typeof DeploymentWatchJob>;

export const Job = z.discriminatedUnion('kind', [CommandJob, ApprovalJob, DeploymentWatchJob]);
export type Job = z.infer<typeof Job>;
