import { z } from 'zod';
import { DETAIL_TYPES, FUTURE_EVENT_TOLERANCE_MS } from './constants';
import { sliceWhole } from '../unicode';

/**
 * Schemas of the EventBridge events ECS sends
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html). Every object
 * is loose: "Amazon ECS may add other event types, sources, and details in the future … make sure
 * that your application is prepared to handle unknown properties". Only what we read is required.
 *
 * The envelope matches `EventBridgeSchema` of @aws-lambda-powertools/parser, so these detail
 * schemas can be plugged into it unchanged when that package is added.
 *
 * Everything here is data from outside. Ids, names and ARNs become state-table keys (DynamoDB
 * allows 2,048 bytes in a partition key and 1,024 in a sort key) and log fields, so they are
 * bounded: an event with an over-long one is malformed, logged and skipped, never thrown. ECS
 * names are at most 255 characters and its ARNs printable ASCII, so the bounds cost real events
 * nothing. Free text (reasons) is clipped instead: it is shown, never used as a key.
 */

/** An ARN as ECS writes them: printable ASCII, well under the key limits with our prefixes. */
export const MAX_ARN_LENGTH = 512;
const Arn = z
  .string()
  .min(1)
  .max(MAX_ARN_LENGTH)
  .regex(/^arn:[\x21-\x7e]+$/, 'expected an ARN');
/** A name or short id (event id, region, eventName, group, stop code …). */
const Name = (max = 256) => z.string().max(max);
/** Text a person reads: clipped, not refused. */
const Text = z
  .string()
  .transform((text) => (text.length > MAX_TEXT_LENGTH ? `${sliceWhole(text, MAX_TEXT_LENGTH - 1)}…` : text));
const MAX_TEXT_LENGTH = 1000;
const MAX_CONTAINERS = 10;

export const EventBridgeEnvelope = z.looseObject({
  version: Name(16).optional(),
  id: z.string().min(1).max(128),
  'detail-type': Name(128),
  source: Name(128),
  /** The account the event comes from: EventBridge sets it (a bus that forwards keeps the source account). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional(),
  time: Name(64).optional(),
  region: Name(32).optional(),
  resources: z.array(Arn).max(100).optional(),
  detail: z.unknown(),
});
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelope>;

const IsoTime = Name(64);

export const EcsContainer = z.looseObject({
  name: Name(),
  containerArn: Arn.optional(),
  lastStatus: Name(32).optional(),
  exitCode: z.number().int().optional(),
  reason: Text.optional(),
  image: Name(1024).optional(),
});
export type EcsContainer = z.infer<typeof EcsContainer>;

/** detail of "ECS Task State Change": resembles the Task of DescribeTasks, with ISO timestamps. */
export const TaskStateChangeDetail = z.looseObject({
  clusterArn: Arn,
  taskArn: Arn,
  taskDefinitionArn: Arn.optional(),
  lastStatus: Name(32),
  desiredStatus: Name(32).optional(),
  group: Name().optional(),
  startedBy: Name().optional(),
  stopCode: Name(64).optional(),
  stoppedReason: Text.optional(),
  /** ECS allows 10 containers per task definition; more are clipped (each is stored with the occurrence). */
  containers: z
    .array(EcsContainer)
    .max(100)
    .transform((containers) => containers.slice(0, MAX_CONTAINERS))
    .optional(),
  createdAt: IsoTime.optional(),
  startedAt: IsoTime.optional(),
  stoppingAt: IsoTime.optional(),
  stoppedAt: IsoTime.optional(),
  launchType: Name(32).optional(),
  capacityProviderName: Name().optional(),
  availabilityZone: Name(64).optional(),
  version: z.number().int().optional(),
});
export type TaskStateChangeDetail = z.infer<typeof TaskStateChangeDetail>;

/** detail of "ECS Service Action" (no version field; the service is in `resources`). */
export const ServiceActionDetail = z.looseObject({
  eventType: Name(32).optional(),
  eventName: Name(128),
  clusterArn: Arn,
  reason: Text.optional(),
  /** Some emitters (our sandbox) give several reasons as a list. */
  reasons: z.array(Text).max(50).optional(),
  capacityProviderArns: z.array(Arn).max(100).optional(),
  containerInstanceArns: z.array(Arn).max(1000).optional(),
  createdAt: IsoTime.optional(),
});
export type ServiceActionDetail = z.infer<typeof ServiceActionDetail>;

/** detail of "ECS Deployment State Change" (no clusterArn: the cluster is in the service ARN in `resources`). */
export const DeploymentStateChangeDetail = z.looseObject({
  eventType: Name(32).optional(),
  eventName: Name(128),
  deploymentId: Name().optional(),
  updatedAt: IsoTime.optional(),
  reason: Text.optional(),
});
export type DeploymentStateChangeDetail = z.infer<typeof DeploymentStateChangeDetail>;

/**
 * detail of "ECS Hook State Change": a deployment lifecycle hook changed status (HOOK_AWAITING_ACTION
 * when a PAUSE hook starts waiting for ContinueServiceDeployment; HOOK_SUCCEEDED, HOOK_FAILED,
 * HOOK_TIMED_OUT, HOOK_IN_PROGRESS). Developer Guide, ecs_hook_state_change_events.html.
 */
export const HookStateChangeDetail = z.looseObject({
  eventType: Name(32).optional(),
  eventName: Name(128),
  hookId: Name(256).optional(),
  hookType: Name(32).optional(),
  expiresAt: IsoTime.optional(),
  lifecycleStage: Name(64).optional(),
  clusterArn: Arn.optional(),
  serviceArn: Arn,
  serviceDeploymentArn: Arn,
  updatedAt: IsoTime.optional(),
});
export type HookStateChangeDetail = z.infer<typeof HookStateChangeDetail>;

/** detail of "ECS Container Instance State Change": resembles the ContainerInstance of DescribeContainerInstances. */
export const ContainerInstanceStateChangeDetail = z.looseObject({
  clusterArn: Arn,
  containerInstanceArn: Arn,
  ec2InstanceId: Name(64).optional(),
  agentConnected: z.boolean(),
  status: Name(32).optional(),
  version: z.number().int().optional(),
  updatedAt: IsoTime.optional(),
});
export type ContainerInstanceStateChangeDetail = z.infer<typeof ContainerInstanceStateChangeDetail>;

interface Base {
  id: string;
  region: string;
  account?: string;
  /**
   * Event time, epoch ms: the envelope's, clamped to the arrival time plus
   * FUTURE_EVENT_TOLERANCE_MS (a time far in the future would hold a notification window open);
   * the arrival time when the envelope has none.
   */
  time: number;
  resources: string[];
}
export type EcsEvent =
  | (Base & { type: 'task'; detail: TaskStateChangeDetail })
  | (Base & { type: 'service'; detail: ServiceActionDetail })
  | (Base & { type: 'deployment'; detail: DeploymentStateChangeDetail })
  | (Base & { type: 'hook'; detail: HookStateChangeDetail })
  | (Base & { type: 'instance'; detail: ContainerInstanceStateChangeDetail });

export type ParsedEvent =
  | { ok: true; event: EcsEvent }
  | { ok: true; tick: true }
  | { ok: false; reason: 'malformed' | 'ignored'; message: string; id?: string; detailType?: string };

/** Parses one EventBridge event. Never throws: a malformed or foreign event comes back as `ok: false` with why. */
export function parseEvent(raw: unknown, arrivedAt: number): ParsedEvent {
  const envelope = EventBridgeEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: 'malformed', message: describeIssues(envelope.error) };
  const e = envelope.data;
  const detailType = e['detail-type'];
  if (e.source === 'aws.events' && detailType === DETAIL_TYPES.scheduled) return { ok: true, tick: true };
  if (e.source !== 'aws.ecs')
    return { ok: false, reason: 'ignored', message: `source ${e.source}`, id: e.id, detailType };
  const time = clampEventTime(parseTime(e.time) ?? arrivedAt, arrivedAt);
  const base: Base = {
    id: e.id,
    region: e.region ?? '',
    time,
    resources: e.resources ?? [],
    ...(e.account ? { account: e.account } : {}),
  };
  const fail = (error: z.ZodError): ParsedEvent => ({
    ok: false,
    reason: 'malformed',
    message: describeIssues(error, ['detail']),
    id: e.id,
    detailType,
  });
  switch (detailType) {
    case DETAIL_TYPES.task: {
      const d = TaskStateChangeDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'task', detail: d.data } } : fail(d.error);
    }
    case DETAIL_TYPES.service: {
      const d = ServiceActionDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'service', detail: d.data } } : fail(d.error);
    }
    case DETAIL_TYPES.deployment: {
      const d = DeploymentStateChangeDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'deployment', detail: d.data } } : fail(d.error);
    }
    case DETAIL_TYPES.hook: {
      const d = HookStateChangeDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'hook', detail: d.data } } : fail(d.error);
    }
    case DETAIL_TYPES.instance: {
      const d = ContainerInstanceStateChangeDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'instance', detail: d.data } } : fail(d.error);
    }
    default:
      return { ok: false, reason: 'ignored', message: `detail-type ${detailType}`, id: e.id, detailType };
  }
}

/** No event happens after it arrives: a time is clamped to the arrival time plus a little clock skew. */
export function clampEventTime(ms: number, arrivedAt: number): number {
  return Math.min(ms, arrivedAt + FUTURE_EVENT_TOLERANCE_MS);
}

/** ISO time to epoch ms; undefined when absent or not a time. */
export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function describeIssues(error: z.ZodError, prefix: PropertyKey[] = []): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String);
      return `${path.length ? path.join('.') : '(event)'}: ${issue.message}`;
    })
    .join('; ');
}
