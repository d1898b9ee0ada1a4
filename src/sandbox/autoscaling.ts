import { AwsError } from './errors';
import { decodeOffsetToken, encodeOffsetToken } from './paging-token';
import { defineService, JSON_SERVICE_ERRORS, type ActionContext, type ServiceModuleInit } from './service-module';
import type { SandboxWorld } from './world/world';

/**
 * Application Auto Scaling over AWS JSON 1.1 (`X-Amz-Target: AnyScaleFrontendService.<Action>`),
 * for ECS services only: ServiceNamespace `ecs`, ScalableDimension `ecs:service:DesiredCount`,
 * ResourceId `service/CLUSTER/SERVICE`
 * (https://docs.aws.amazon.com/autoscaling/application/APIReference/). RegisterScalableTarget,
 * DescribeScalableTargets, PutScalingPolicy and DescribeScalingPolicies.
 *
 * A target keeps its service's desired count within [MinCapacity, MaxCapacity]: registering one
 * (or changing its range) moves the desired count into the range at once, as the reference says;
 * a later UpdateService outside the range is pulled back by the sandbox's service scheduler at
 * its next pass (src/sandbox/world/scheduler.ts), where AWS would do it at the target's next
 * scaling activity. Policies are stored and described; they do not scale anything (no alarms).
 *
 * Seed: `account.services['application-autoscaling'] = { targets: [{ cluster, service, min, max,
 * policies: [{ name, targetValue, metric }] }] }`.
 */

export interface AutoscalingSeed {
  targets?: {
    cluster: string;
    service: string;
    min: number;
    max: number;
    /** Target tracking policies on the service's average CPU or memory. */
    policies?: { name: string; targetValue: number; metric: 'cpu' | 'memory' }[];
  }[];
}

const NAMESPACES = [
  'ecs',
  'elasticmapreduce',
  'ec2',
  'appstream',
  'dynamodb',
  'rds',
  'sagemaker',
  'custom-resource',
  'comprehend',
  'lambda',
  'cassandra',
  'kafka',
  'elasticache',
  'neptune',
  'workspaces',
];
const ECS_DIMENSION = 'ecs:service:DesiredCount';
const SERVICE_LINKED_ROLE =
  'aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService';
const PREDEFINED_METRIC = { cpu: 'ECSServiceAverageCPUUtilization', memory: 'ECSServiceAverageMemoryUtilization' };
/** DescribeScalableTargets and DescribeScalingPolicies: MaxResults 1–50, default 50. */
const MAX_RESULTS = 50;

interface TargetRecord {
  resourceId: string;
  min: number;
  max: number;
  createdAt: number;
  arn: string;
  suspended: {
    DynamicScalingInSuspended: boolean;
    DynamicScalingOutSuspended: boolean;
    ScheduledScalingSuspended: boolean;
  };
}

interface PolicyRecord {
  name: string;
  resourceId: string;
  arn: string;
  type: 'TargetTrackingScaling' | 'StepScaling';
  configuration: Record<string, unknown>;
  createdAt: number;
}

export interface AutoscalingState {
  world: SandboxWorld;
  /** By ResourceId (one dimension: the ECS desired count). */
  targets: Map<string, TargetRecord>;
  policies: PolicyRecord[];
  nextId: number;
}

type Ctx = ActionContext<AutoscalingState>;

function createState(init: ServiceModuleInit): AutoscalingState {
  const state: AutoscalingState = { world: init.world, targets: new Map(), policies: [], nextId: 1 };
  init.world.setDesiredCountBounds((service) => {
    const target = state.targets.get(`service/${service.cluster.name}/${service.name}`);
    return target ? { min: target.min, max: target.max } : undefined;
  });
  const seed = (init.account.services?.['application-autoscaling'] ?? {}) as AutoscalingSeed;
  const now = init.world.now;
  for (const t of seed.targets ?? []) {
    const resourceId = `service/${t.cluster}/${t.service}`;
    state.targets.set(
      resourceId,
      newTarget(state, init.account.region, init.account.accountId, resourceId, t.min, t.max, now),
    );
    for (const p of t.policies ?? []) {
      state.policies.push({
        name: p.name,
        resourceId,
        arn: policyArn(state, init.account.region, init.account.accountId, resourceId, p.name),
        type: 'TargetTrackingScaling',
        configuration: {
          TargetValue: p.targetValue,
          PredefinedMetricSpecification: { PredefinedMetricType: PREDEFINED_METRIC[p.metric] },
          ScaleOutCooldown: 60,
          ScaleInCooldown: 300,
          DisableScaleIn: false,
        },
        createdAt: now,
      });
    }
  }
  return state;
}

function newTarget(
  state: AutoscalingState,
  region: string,
  accountId: string,
  resourceId: string,
  min: number,
  max: number,
  now: number,
): TargetRecord {
  const id = (state.nextId++).toString(16).padStart(36, '0');
  return {
    resourceId,
    min,
    max,
    createdAt: now,
    arn: `arn:aws:application-autoscaling:${region}:${accountId}:scalable-target/${id}`,
    suspended: {
      DynamicScalingInSuspended: false,
      DynamicScalingOutSuspended: false,
      ScheduledScalingSuspended: false,
    },
  };
}

function policyArn(
  state: AutoscalingState,
  region: string,
  accountId: string,
  resourceId: string,
  name: string,
): string {
  const id = `${(state.nextId++).toString(16).padStart(8, '0')}-sbx0-4000-8000-${'0'.repeat(12)}`;
  return `arn:aws:autoscaling:${region}:${accountId}:scalingPolicy:${id}:resource/ecs/${resourceId}:policyName/${name}`;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function namespaceOf(ctx: Ctx): string {
  const ns = ctx.params.string('ServiceNamespace');
  if (!NAMESPACES.includes(ns)) {
    throw validation(
      `1 validation error detected: Value '${ns}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [${NAMESPACES.join(', ')}]`,
    );
  }
  return ns;
}

/** The sandbox scales ECS services only: another namespace has no resources here. */
function ecsOnly(ns: string, dimension: string | undefined): boolean {
  return ns === 'ecs' && (dimension === undefined || dimension === ECS_DIMENSION);
}

function maxResults(ctx: Ctx): number {
  const n = ctx.params.optInt('MaxResults') ?? MAX_RESULTS;
  if (n < 1 || n > MAX_RESULTS) {
    throw validation(
      `1 validation error detected: Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`,
    );
  }
  return n;
}

function page<T>(ctx: Ctx, items: T[]): { items: T[]; next?: string } {
  const token = ctx.params.optString('NextToken');
  const offset = token === undefined ? 0 : decodeOffsetToken(token);
  if (offset === undefined) throw new AwsError('InvalidNextTokenException', 'Invalid token');
  const size = maxResults(ctx);
  const slice = items.slice(offset, offset + size);
  return { items: slice, ...(offset + size < items.length ? { next: encodeOffsetToken(offset + size) } : {}) };
}

function renderTarget(ctx: Ctx, t: TargetRecord): Record<string, unknown> {
  return {
    ServiceNamespace: 'ecs',
    ResourceId: t.resourceId,
    ScalableDimension: ECS_DIMENSION,
    MinCapacity: t.min,
    MaxCapacity: t.max,
    RoleARN: `arn:aws:iam::${ctx.accountId}:role/${SERVICE_LINKED_ROLE}`,
    CreationTime: t.createdAt / 1000,
    SuspendedState: t.suspended,
    ScalableTargetARN: t.arn,
  };
}

/** `service/CLUSTER/SERVICE` → its parts; anything else is not an ECS service's resource id. */
function ecsResource(resourceId: string): { cluster: string; service: string } {
  const match = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(resourceId);
  if (!match) throw validation(`Unsupported resource ID ${resourceId} for the ecs service namespace.`);
  return { cluster: match[1]!, service: match[2]! };
}

/**
 * Registers a target, or updates the range of one (unspecified capacities are unchanged), and
 * moves the desired count into the range. Application Auto Scaling checks that the caller may
 * describe and update the ECS service itself ("Permissions validation", Application Auto Scaling
 * User Guide), so a role scoped to one cluster cannot register another cluster's services.
 */
function registerScalableTarget(ctx: Ctx): unknown {
  const ns = namespaceOf(ctx);
  const resourceId = ctx.params.string('ResourceId');
  const dimension = ctx.params.string('ScalableDimension');
  const min = ctx.params.optInt('MinCapacity');
  const max = ctx.params.optInt('MaxCapacity');
  const existing = ctx.state.targets.get(resourceId);
  ctx.authorize(existing ? { arn: existing.arn } : []);
  if (!ecsOnly(ns, dimension) || ns !== 'ecs') {
    throw validation(`Unsupported service namespace, resource type or scalable dimension: ${ns} ${dimension}`);
  }
  const { cluster, service } = ecsResource(resourceId);
  const found = ctx.world.findCluster(cluster) ? ctx.world.findService(cluster, service) : undefined;
  if (!found || found.status !== 'ACTIVE') throw validation(`ECS service doesn't exist: ${resourceId}`);
  for (const action of ['ecs:DescribeServices', 'ecs:UpdateService']) {
    ctx.iam.authorize(
      ctx.principal,
      action,
      [{ arn: found.arn, cluster: found.cluster.name }],
      'AccessDeniedException',
    );
  }
  if (!existing && (min === undefined || max === undefined)) {
    throw validation('MinCapacity and MaxCapacity are required when registering a new scalable target.');
  }
  const nextMin = min ?? existing!.min;
  const nextMax = max ?? existing!.max;
  if (nextMin < 0 || nextMax < 0) throw validation('Capacities must be 0 or more.');
  if (nextMin > nextMax)
    throw validation(`Minimum capacity cannot be greater than maximum capacity (${nextMin} > ${nextMax}).`);
  const target =
    existing ?? newTarget(ctx.state, ctx.region, ctx.accountId, resourceId, nextMin, nextMax, ctx.world.now);
  target.min = nextMin;
  target.max = nextMax;
  ctx.state.targets.set(resourceId, target);
  const pulled = Math.min(nextMax, Math.max(nextMin, found.desiredCount));
  if (pulled !== found.desiredCount) ctx.world.updateService(cluster, service, { desiredCount: pulled });
  return { ScalableTargetARN: target.arn };
}

function describeScalableTargets(ctx: Ctx): unknown {
  const ns = namespaceOf(ctx);
  const ids = ctx.params.optStringList('ResourceIds');
  const dimension = ctx.params.optString('ScalableDimension');
  ctx.authorize();
  const all = ecsOnly(ns, dimension)
    ? [...ctx.state.targets.values()]
        .filter((t) => ids === undefined || ids.length === 0 || ids.includes(t.resourceId))
        .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
    : [];
  const { items, next } = page(ctx, all);
  return { ScalableTargets: items.map((t) => renderTarget(ctx, t)), ...(next ? { NextToken: next } : {}) };
}

function describeScalingPolicies(ctx: Ctx): unknown {
  const ns = namespaceOf(ctx);
  const names = ctx.params.optStringList('PolicyNames');
  const resourceId = ctx.params.optString('ResourceId');
  const dimension = ctx.params.optString('ScalableDimension');
  ctx.authorize();
  const all = ecsOnly(ns, dimension)
    ? ctx.state.policies.filter(
        (p) =>
          (resourceId === undefined || p.resourceId === resourceId) &&
          (names === undefined || names.length === 0 || names.includes(p.name)),
      )
    : [];
  const { items, next } = page(ctx, all);
  return {
    ScalingPolicies: items.map((p) => ({
      PolicyARN: p.arn,
      PolicyName: p.name,
      ServiceNamespace: 'ecs',
      ResourceId: p.resourceId,
      ScalableDimension: ECS_DIMENSION,
      PolicyType: p.type,
      ...(p.type === 'TargetTrackingScaling'
        ? { TargetTrackingScalingPolicyConfiguration: p.configuration }
        : { StepScalingPolicyConfiguration: p.configuration }),
      // Target tracking creates its CloudWatch alarms; their names follow AWS's TargetTracking-… pattern.
      Alarms: [
        {
          AlarmName: `TargetTracking-${p.resourceId}-AlarmHigh-${p.arn.slice(p.arn.indexOf('scalingPolicy:') + 14, p.arn.indexOf('scalingPolicy:') + 22)}`,
          AlarmARN: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:TargetTracking-${p.resourceId}-AlarmHigh`,
        },
      ],
      CreationTime: p.createdAt / 1000,
    })),
    ...(next ? { NextToken: next } : {}),
  };
}

/**
 * Creates or replaces a policy on a registered target; ObjectNotFoundException without one
 * (PutScalingPolicy: "No scalable target registered for …").
 */
function putScalingPolicy(ctx: Ctx): unknown {
  const ns = namespaceOf(ctx);
  const name = ctx.params.string('PolicyName');
  const resourceId = ctx.params.string('ResourceId');
  const dimension = ctx.params.string('ScalableDimension');
  const type = ctx.params.optString('PolicyType') ?? 'StepScaling';
  ctx.authorize();
  if (type !== 'TargetTrackingScaling' && type !== 'StepScaling') {
    throw validation(`Unsupported policy type in the sandbox: ${type}`);
  }
  const target = ecsOnly(ns, dimension) ? ctx.state.targets.get(resourceId) : undefined;
  if (!target) {
    throw new AwsError(
      'ObjectNotFoundException',
      `No scalable target registered for service namespace: ${ns}, resource ID: ${resourceId}, scalable dimension: ${dimension}`,
    );
  }
  const configuration =
    type === 'TargetTrackingScaling'
      ? ctx.params.optObject('TargetTrackingScalingPolicyConfiguration')
      : ctx.params.optObject('StepScalingPolicyConfiguration');
  if (!configuration) throw validation(`A ${type} policy needs its configuration.`);
  const existing = ctx.state.policies.find((p) => p.resourceId === resourceId && p.name === name);
  const policy: PolicyRecord = existing ?? {
    name,
    resourceId,
    arn: policyArn(ctx.state, ctx.region, ctx.accountId, resourceId, name),
    type,
    configuration,
    createdAt: ctx.world.now,
  };
  policy.type = type;
  policy.configuration = configuration;
  if (!existing) ctx.state.policies.push(policy);
  return { PolicyARN: policy.arn, Alarms: [] };
}

export const autoscalingService = defineService<AutoscalingState>({
  name: 'application-autoscaling',
  protocol: { kind: 'json', targetPrefix: 'AnyScaleFrontendService' },
  errors: { ...JSON_SERVICE_ERRORS, validation: 'ValidationException' },
  createState,
  actions: {
    RegisterScalableTarget: registerScalableTarget,
    DescribeScalableTargets: describeScalableTargets,
    DescribeScalingPolicies: describeScalingPolicies,
    PutScalingPolicy: putScalingPolicy,
  },
});
