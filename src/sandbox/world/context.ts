import type { EcsEventBridgeEvent, EventBus } from '../events';
import type { SeededRandom } from '../random';
import type { TaskBehaviour } from '../seed';
import type { SandboxTimings } from '../types';
import type { ClusterRecord, Ec2InstanceRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from './records';
import type { TimerQueue } from './timers';
import type { VpcRecord } from './vpc';

/** Why the agent cannot start this task's containers, or undefined when it can. */
export type StartCheck = (task: TaskRecord) => string | undefined;

/** The state every world module works on. `now` is the simulated time the world has reached. */
export interface WorldContext {
  readonly accountId: string;
  readonly region: string;
  now: number;
  readonly timings: SandboxTimings;
  /** Share (0–1) of new tasks and container instances given ECS's older id and ARN form. */
  readonly legacyIdShare: number;
  /** Identifiers (task ids, instance ids, event ids). */
  readonly ids: SeededRandom;
  /** Chance (crashes, throttling): a separate stream so faults do not shift ids. */
  readonly chance: SeededRandom;
  /** Event ids: their own stream, since events are only built when someone listens. */
  readonly eventIds: SeededRandom;
  readonly timers: TimerQueue;
  readonly clusters: Map<string, ClusterRecord>;
  /** family → revisions, index = revision - 1. */
  readonly taskDefinitions: Map<string, TaskDefinitionRecord[]>;
  readonly ec2Instances: Map<string, Ec2InstanceRecord>;
  readonly behaviours: Record<string, TaskBehaviour>;
  /**
   * Checks other services make as the agent starts a task's containers (CloudWatch Logs: the
   * awslogs group exists): the first reason returned stops the task, TaskFailedToStart.
   */
  readonly startChecks: StartCheck[];
  /** Services whose scheduler should run before the world is next observed. */
  readonly dirty: Set<ServiceRecord>;
  readonly bus: EventBus;
  /** The VPC awsvpc tasks attach to. */
  readonly vpc: VpcRecord;
  /** Fargate capacity providers (FARGATE, FARGATE_SPOT) that have no capacity at the moment. */
  readonly unavailableCapacity: Set<string>;
  /**
   * How the agent's image pull ends: a CannotPullContainerError reason, or undefined when the image
   * can be pulled. The ECR module sets it (it knows this account's repositories); unset, every pull works.
   */
  imagePull?: (image: string, executionRoleArn?: string) => string | undefined;
  /** The ELBv2 module's health checks of target groups; unset, every target is healthy. */
  targetGroupChecks?: TargetGroupChecks;
  /**
   * The [min, max] Application Auto Scaling keeps a service's desired count in, when a scalable
   * target manages it (src/sandbox/autoscaling.ts sets it); unset or undefined, none.
   */
  desiredCountBounds?: (service: ServiceRecord) => { min: number; max: number } | undefined;
}

export function emit(ctx: WorldContext, build: () => EcsEventBridgeEvent): void {
  ctx.bus.enqueue(build);
}

export function ecsArn(ctx: WorldContext, resource: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:${resource}`;
}

export function envelope<TDetailType extends EcsEventBridgeEvent['detail-type']>(
  ctx: WorldContext,
  detailType: TDetailType,
  resources: string[],
): Omit<Extract<EcsEventBridgeEvent, { 'detail-type': TDetailType }>, 'detail'> {
  return {
    version: '0',
    id: ctx.eventIds.uuid(),
    'detail-type': detailType,
    source: 'aws.ecs',
    account: ctx.accountId,
    // EventBridge envelope times have second precision.
    time: new Date(Math.floor(ctx.now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: ctx.region,
    resources,
  } as Omit<Extract<EcsEventBridgeEvent, { 'detail-type': TDetailType }>, 'detail'>;
}

/**
 * A new task or container instance id and its ARN. Most get today's form (32 hex digits, ARN
 * `…:task/CLUSTER/ID`); a `legacyIdShare` of them the form of accounts that never opted into the
 * long ARN format: a UUID, ARN `…:task/ID` without the cluster ("Amazon Resource Names (ARNs) and
 * IDs", ECS Developer Guide). The extra draw is made only when the share is set, so ids of
 * accounts without it stay as they were.
 */
export function newEcsId(
  ctx: WorldContext,
  resource: 'task' | 'container-instance',
  clusterName: string,
): { id: string; arn: string } {
  const legacy = ctx.legacyIdShare > 0 && ctx.ids.next() < ctx.legacyIdShare;
  const id = legacy ? ctx.ids.uuid() : ctx.ids.hex(32);
  return { id, arn: ecsArn(ctx, legacy ? `${resource}/${id}` : `${resource}/${clusterName}/${id}`) };
}

/** What the ELBv2 module knows of a target group's health check for the world's tasks. */
export interface TargetGroupCheck {
  name: string;
  /** Time from a target's registration until it is judged (interval × threshold), ms. */
  judgedAfterMs: number;
  /** ECS sees the unhealthy target at its next look, about one health check interval later. */
  intervalMs: number;
  /** Set when every target of the group fails the check. */
  failing?: { reason: string; description: string };
}

export type TargetGroupChecks = (targetGroupArn: string) => TargetGroupCheck | undefined;
