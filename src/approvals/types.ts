import { z } from 'zod';

/**
 * What an approval request is about and what it went through. Requests live in the state table
 * (src/state/approvals.ts) and are read back with these schemas: a button carries only the id.
 */

export const ApprovalUser = z.object({ id: z.string().min(1), name: z.string().optional(), teamId: z.string().min(1) });
export type ApprovalUser = z.infer<typeof ApprovalUser>;

/** The plan of a teardown, read from the live cluster when it was asked for. */
export const TeardownPlan = z.object({
  kind: z.literal('teardown'),
  /** False when the ECS cluster is already gone (a second run that only has leftovers to remove). */
  clusterActive: z.boolean(),
  /** ACTIVE services to scale to 0 and delete, and DRAINING ones (already being deleted) to wait for. */
  services: z.array(z.object({ name: z.string(), status: z.string(), desired: z.number(), running: z.number() })),
  /** Tasks ECS was already stopping (a service draining, a stop in flight): the teardown waits for them. */
  stoppingTasks: z.number().optional(),
  /** Tasks that belong to no service (RunTask/StartTask), still running or pending. */
  tasks: z.array(z.object({ id: z.string(), taskDefinition: z.string(), lastStatus: z.string() })),
  containerInstances: z.array(
    z.object({ id: z.string(), ec2InstanceId: z.string().optional(), status: z.string(), runningTasks: z.number() }),
  ),
  /**
   * EC2 instances to terminate: those behind the container instances, and `leftover` ones that an
   * earlier teardown deregistered but could not terminate (remembered in the state table).
   */
  ec2Instances: z.array(
    z.object({ id: z.string(), type: z.string().optional(), state: z.string(), leftover: z.boolean() }),
  ),
  /** ECR repositories the config lists for this cluster that exist, with their image counts. */
  repositories: z.array(z.object({ name: z.string(), imageCount: z.number() })),
});
export type TeardownPlan = z.infer<typeof TeardownPlan>;

/**
 * Which services of the config's clusters in the same account and region use what a delete
 * removes (task definitions and ECR repositories belong to the account, not to one cluster), and
 * the clusters that could not be read. Optional: requests stored before it was added lack it.
 */
export const PlanUsage = z.object({
  checked: z.array(z.object({ cluster: z.string(), services: z.array(z.string()) })),
  unchecked: z.array(z.object({ cluster: z.string(), reason: z.string() })),
});
export type PlanUsage = z.infer<typeof PlanUsage>;

export const ServiceDeletePlan = z.object({
  kind: z.literal('service delete'),
  service: z.object({ name: z.string(), desired: z.number(), running: z.number(), taskDefinition: z.string() }),
});
export type ServiceDeletePlan = z.infer<typeof ServiceDeletePlan>;

export const TaskdefDeregisterPlan = z.object({
  kind: z.literal('taskdef deregister'),
  taskDefinition: z.string(),
  images: z.array(z.string()),
  /** Services of this cluster whose current deployment uses it: they keep running, but cannot scale out on it after. */
  usedBy: z.array(z.string()),
  usage: PlanUsage.optional(),
});
export type TaskdefDeregisterPlan = z.infer<typeof TaskdefDeregisterPlan>;

export const ImageDeletePlan = z.object({
  kind: z.literal('image delete'),
  repository: z.string(),
  tag: z.string(),
  digest: z.string(),
  /** Other tags on the same image: BatchDeleteImage by tag removes only this tag while they remain. */
  otherTags: z.array(z.string()),
  sizeBytes: z.number().optional(),
  pushedAt: z.number().optional(),
  usage: PlanUsage.optional(),
});
export type ImageDeletePlan = z.infer<typeof ImageDeletePlan>;

export const RepoDeletePlan = z.object({
  kind: z.literal('repo delete'),
  repository: z.string(),
  uri: z.string(),
  imageCount: z.number(),
  usage: PlanUsage.optional(),
});
export type RepoDeletePlan = z.infer<typeof RepoDeletePlan>;

export const Plan = z.discriminatedUnion('kind', [
  TeardownPlan,
  ServiceDeletePlan,
  TaskdefDeregisterPlan,
  ImageDeletePlan,
  RepoDeletePlan,
]);
export type Plan = z.infer<typeof Plan>;
export type PlanKind = Plan['kind'];

/**
 * pending → approved → running → done | failed | stale, or pending → denied | cancelled | expired.
 * Each arrow is one conditional write, so exactly one click or one worker wins it.
 */
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'running',
  'done',
  'failed',
  'stale',
] as const;
export const ApprovalStatus = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepState>;

/** One line of the progress list, as it ended. */
export const StepRecord = z.object({ label: z.string(), state: StepState, note: z.string().optional() });
export type StepRecord = z.infer<typeof StepRecord>;

export const ApprovalRequest = z.object({
  id: z.uuid(),
  /** The command as typed, verb first (`teardown staging`). */
  command: z.string(),
  alias: z.string(),
  clusterName: z.string(),
  region: z.string(),
  channelId: z.string(),
  /** The channel message that shows the request (set once it is posted). */
  messageTs: z.string().optional(),
  requester: ApprovalUser,
  /** The team whose grant gave the requester admin (a session tag when the requester's role runs it). */
  requesterTeam: z.string(),
  createdAt: z.number(),
  /** When the request stops accepting decisions (epoch ms). */
  deadline: z.number(),
  status: ApprovalStatus,
  decidedBy: ApprovalUser.optional(),
  decidedAt: z.number().optional(),
  /** Whose admin role runs it (`approvals.runAs`), fixed when it is approved. */
  runAs: z.object({ user: ApprovalUser, team: z.string() }).optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  steps: z.array(StepRecord).optional(),
  /** The last sentence of the run: the summary, or why it stopped. */
  outcome: z.string().optional(),
  plan: Plan,
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export type Decision = 'approve' | 'deny' | 'cancel';
