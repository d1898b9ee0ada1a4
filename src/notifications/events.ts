import { z } from 'zod';
import { DETAIL_TYPES } from './constants';

/**
 * Schemas of the EventBridge events ECS sends
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html). Every object
 * is loose: "Amazon ECS may add other event types, sources, and details in the future … make sure
 * that your application is prepared to handle unknown properties". Only what we read is required.
 *
 * The envelope matches `EventBridgeSchema` of @aws-lambda-powertools/parser, so these detail
 * schemas can be plugged into it unchanged when that package is added.
 */
export const EventBridgeEnvelope = z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelope>;

const IsoTime = z.string();

export const EcsContainer = z.looseObject({
  name: z.string(),
  containerArn: z.string().optional(),
  lastStatus: z.string().optional(),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
  image: z.string().optional(),
});
export type EcsContainer = z.infer<typeof EcsContainer>;

/** detail of "ECS Task State Change": resembles the Task of DescribeTasks, with ISO timestamps. */
export const TaskStateChangeDetail = z.looseObject({
  clusterArn: z.string().min(1),
  taskArn: z.string().min(1),
  taskDefinitionArn: z.string().optional(),
  lastStatus: z.string(),
  desiredStatus: z.string().optional(),
  group: z.string().optional(),
  startedBy: z.string().optional(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  containers: z.array(EcsContainer).optional(),
  createdAt: IsoTime.optional(),
  startedAt: IsoTime.optional(),
  stoppingAt: IsoTime.optional(),
  stoppedAt: IsoTime.optional(),
  launchType: z.string().optional(),
  capacityProviderName: z.string().optional(),
  availabilityZone: z.string().optional(),
  version: z.number().int().optional(),
});
export type TaskStateChangeDetail = z.infer<typeof TaskStateChangeDetail>;

/** detail of "ECS Service Action" (no version field; the service is in `resources`). */
export const ServiceActionDetail = z.looseObject({
  eventType: z.string().optional(),
  eventName: z.string(),
  clusterArn: z.string().min(1),
  reason: z.string().optional(),
  /** Some emitters (our sandbox) give several reasons as a list. */
  reasons: z.array(z.string()).optional(),
  capacityProviderArns: z.array(z.string()).optional(),
  containerInstanceArns: z.array(z.string()).optional(),
  createdAt: IsoTime.optional(),
});
export type ServiceActionDetail = z.infer<typeof ServiceActionDetail>;

/** detail of "ECS Deployment State Change" (no clusterArn: the cluster is in the service ARN in `resources`). */
export const DeploymentStateChangeDetail = z.looseObject({
  eventType: z.string().optional(),
  eventName: z.string(),
  deploymentId: z.string().optional(),
  updatedAt: IsoTime.optional(),
  reason: z.string().optional(),
});
export type DeploymentStateChangeDetail = z.infer<typeof DeploymentStateChangeDetail>;

/** detail of "ECS Container Instance State Change": resembles the ContainerInstance of DescribeContainerInstances. */
export const ContainerInstanceStateChangeDetail = z.looseObject({
  clusterArn: z.string().min(1),
  containerInstanceArn: z.string().min(1),
  ec2InstanceId: z.string().optional(),
  agentConnected: z.boolean(),
  status: z.string().optional(),
  version: z.number().int().optional(),
  updatedAt: IsoTime.optional(),
});
export type ContainerInstanceStateChangeDetail = z.infer<typeof ContainerInstanceStateChangeDetail>;

interface Base {
  id: string;
  region: string;
  account?: string;
  /** Event time, epoch ms (falls back to the arrival time when the envelope has none). */
  time: number;
  resources: string[];
}
export type EcsEvent =
  | (Base & { type: 'task'; detail: TaskStateChangeDetail })
  | (Base & { type: 'service'; detail: ServiceActionDetail })
  | (Base & { type: 'deployment'; detail: DeploymentStateChangeDetail })
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
  if (e.source !== 'aws.ecs') return { ok: false, reason: 'ignored', message: `source ${e.source}`, id: e.id, detailType };
  const time = parseTime(e.time) ?? arrivedAt;
  const base: Base = { id: e.id, region: e.region ?? '', time, resources: e.resources ?? [], ...(e.account ? { account: e.account } : {}) };
  const fail = (error: z.ZodError): ParsedEvent => ({ ok: false, reason: 'malformed', message: describeIssues(error, ['detail']), id: e.id, detailType });
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
    case DETAIL_TYPES.instance: {
      const d = ContainerInstanceStateChangeDetail.safeParse(e.detail);
      return d.success ? { ok: true, event: { ...base, type: 'instance', detail: d.data } } : fail(d.error);
    }
    default:
      return { ok: false, reason: 'ignored', message: `detail-type ${detailType}`, id: e.id, detailType };
  }
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
