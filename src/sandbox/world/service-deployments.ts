import type {
  DeploymentConfiguration,
  DeploymentLifecycleHook,
  DeploymentLifecycleHookAction,
  DeploymentLifecycleHookStatus,
  ServiceDeploymentLifecycleStage,
  ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import { AwsError, invalidParameter } from '../errors';
import { ecsArn, type WorldContext } from './context';
import type { DeploymentRecord, ServiceRecord, TaskDefinitionRecord } from './records';
import { addServiceEvent, emitDeploymentChange, emitHookChange } from './service-events';

/**
 * Service deployments (ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment,
 * ContinueServiceDeployment): ECS's record of one change to a service, from its source service
 * revisions to its target one, with a status, a lifecycle stage, the circuit breaker and alarms that
 * watch it, and the lifecycle hooks it ran.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html
 *
 * One service deployment follows each new deployment (`ecs-svc/…` in DescribeServices). A rollback —
 * by the circuit breaker, StopServiceDeployment ROLLBACK, or ContinueServiceDeployment ROLLBACK — is
 * part of the deployment it rolls back (ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL, its `rollback`
 * member naming the revision it returns to), not a service deployment of its own.
 *
 * ROLLING deployments go SCALE_UP → CLEAN_UP. BLUE_GREEN ones walk the stages of
 * DeploymentLifecycleHook.lifecycleStages and keep the blue (source) tasks until production traffic
 * has shifted; a PAUSE hook at a stage stops there with an AWAITING_ACTION hook until
 * ContinueServiceDeployment or its time-out (timeoutConfiguration: 1,440 minutes and ROLLBACK by
 * default, API_DeploymentLifecycleHookTimeoutConfiguration). The sandbox has no load balancer, so the
 * traffic shifts are instant; a stage takes time only while its tasks start or a hook waits.
 *
 * Each change of a hook's status is an "ECS Hook State Change" event (Developer Guide,
 * ecs_hook_state_change_events: "emitted when a deployment lifecycle hook changes status"):
 * HOOK_AWAITING_ACTION when a PAUSE hook starts waiting, HOOK_SUCCEEDED for ContinueServiceDeployment
 * CONTINUE, HOOK_FAILED for ROLLBACK, HOOK_TIMED_OUT at its time-out (then its time-out action).
 * A waiting hook also fails when its deployment is rolled back by StopServiceDeployment or replaced
 * by a newer one; the guide names no event for those, and the sandbox sends HOOK_FAILED there too,
 * by that general rule, so the events agree with the hook status DescribeServiceDeployments shows.
 */
export interface ServiceDeploymentRecord {
  id: string;
  arn: string;
  service: ServiceRecord;
  /** The `ecs-svc/…` deployment that brings the target revision. */
  deploymentId: string;
  /** During and after a rollback: the deployment that returns to the source revision. */
  rollbackDeploymentId?: string;
  target: RevisionRef;
  sources: RevisionRef[];
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage: ServiceDeploymentLifecycleStage;
  strategy: 'ROLLING' | 'BLUE_GREEN';
  configuration: DeploymentConfiguration;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  hooks: HookRecord[];
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  /** Stages whose hooks have run (each runs once). */
  hooksRun: Set<string>;
}

export interface RevisionRef {
  arn: string;
  taskDefinition: TaskDefinitionRecord;
  deploymentId: string;
}

export interface HookRecord {
  hookId: string;
  stage: ServiceDeploymentLifecycleStage;
  status: DeploymentLifecycleHookStatus;
  expiresAt: number;
  timeoutAction: DeploymentLifecycleHookAction;
}

/** Each service's service deployments, newest first (ECS keeps the history; so does the sandbox). */
const byService = new WeakMap<ServiceRecord, ServiceDeploymentRecord[]>();

export function serviceDeploymentsOf(service: ServiceRecord): ServiceDeploymentRecord[] {
  let list = byService.get(service);
  if (!list) {
    list = [];
    byService.set(service, list);
  }
  return list;
}

/** The service deployment that is not finished, else the newest: Service.currentServiceDeployment. */
export function currentServiceDeployment(service: ServiceRecord): ServiceDeploymentRecord | undefined {
  return serviceDeploymentsOf(service)[0];
}

const BLUE_GREEN_STAGES: ServiceDeploymentLifecycleStage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
];

/** Where blue tasks may go: once production traffic is on green. */
const RELEASES_SOURCE = new Set<ServiceDeploymentLifecycleStage>(['BAKE_TIME', 'CLEAN_UP']);

const FINISHED = new Set<ServiceDeploymentStatus>(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

/** DeploymentLifecycleHook reference: PAUSE hooks cannot be configured at these two stages. */
const NO_PAUSE_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** Checks lifecycleHooks as CreateService/UpdateService would, before anything changes. */
export function checkLifecycleHooks(config: DeploymentConfiguration | undefined): void {
  for (const hook of config?.lifecycleHooks ?? []) {
    const stages = hook.lifecycleStages ?? [];
    if (stages.length === 0)
      throw invalidParameter('lifecycleStages must be specified for a deployment lifecycle hook.');
    if ((hook.targetType ?? 'AWS_LAMBDA') === 'PAUSE') {
      const bad = stages.find((s) => NO_PAUSE_STAGES.has(s));
      if (bad) throw invalidParameter(`PAUSE hooks cannot be configured at the ${bad} lifecycle stage.`);
    } else if (!hook.hookTargetArn) {
      throw invalidParameter('hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook.');
    }
    const minutes = hook.timeoutConfiguration?.timeoutInMinutes;
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 20160))
      throw invalidParameter('timeoutInMinutes must be between 1 and 20160.');
  }
}

/** A new service deployment for a deployment UpdateService/CreateService just started. */
export function recordServiceDeployment(
  ctx: WorldContext,
  service: ServiceRecord,
  deployment: DeploymentRecord,
  sources: DeploymentRecord[],
): ServiceDeploymentRecord {
  const id = ctx.ids.hex(22);
  const list = serviceDeploymentsOf(service);
  const blueGreen = service.deploymentConfiguration.strategy === 'BLUE_GREEN';
  const record: ServiceDeploymentRecord = {
    id,
    arn: ecsArn(ctx, `service-deployment/${service.cluster.name}/${service.name}/${id}`),
    service,
    deploymentId: deployment.id,
    target: revisionOf(ctx, service, deployment),
    sources: sources.map((d) => revisionOf(ctx, service, d)),
    status: 'IN_PROGRESS',
    lifecycleStage: blueGreen ? 'RECONCILE_SERVICE' : 'SCALE_UP',
    strategy: blueGreen ? 'BLUE_GREEN' : 'ROLLING',
    configuration: structuredClone(service.deploymentConfiguration),
    createdAt: ctx.now,
    startedAt: ctx.now,
    updatedAt: ctx.now,
    hooks: [],
    hooksRun: new Set(),
  };
  // A newer deployment replaces one still in progress: ECS marks the older one STOPPED.
  for (const older of list) {
    if (FINISHED.has(older.status)) continue;
    older.status = 'STOPPED';
    older.statusReason = `Service deployment stopped: replaced by service deployment ${id}.`;
    older.stoppedAt = ctx.now;
    older.updatedAt = ctx.now;
    for (const hook of older.hooks) if (hook.status === 'AWAITING_ACTION') endHook(ctx, older, hook, 'FAILED');
  }
  list.unshift(record);
  if (list.length > 100) list.length = 100;
  return record;
}

const revisionArns = new WeakMap<DeploymentRecord, string>();

function revisionOf(ctx: WorldContext, service: ServiceRecord, deployment: DeploymentRecord): RevisionRef {
  let arn = revisionArns.get(deployment);
  if (!arn) {
    arn = ecsArn(ctx, `service-revision/${service.cluster.name}/${service.name}/${ctx.ids.digits(19)}`);
    revisionArns.set(deployment, arn);
  }
  return { arn, taskDefinition: deployment.taskDefinition, deploymentId: deployment.id };
}

/**
 * The deployments whose tasks a blue/green deployment keeps until production traffic has shifted:
 * the revision that serves production (the last one that completed), not the ones a newer
 * deployment replaced half-way.
 */
export function heldDeployments(service: ServiceRecord): ReadonlySet<string> {
  const current = currentServiceDeployment(service);
  if (
    current === undefined ||
    current.strategy !== 'BLUE_GREEN' ||
    current.status !== 'IN_PROGRESS' ||
    RELEASES_SOURCE.has(current.lifecycleStage)
  )
    return new Set();
  const production = productionRevision(current);
  return new Set(production ? [production.deploymentId] : []);
}

/** What a rollback returns to: the source revision that last completed, else the newest source. */
function productionRevision(sd: ServiceDeploymentRecord): RevisionRef | undefined {
  const good = sd.service.lastGoodDeployment?.id;
  return sd.sources.find((r) => r.deploymentId === good) ?? sd.sources[0];
}

/** Moves the current service deployment on after the scheduler has run (stages, outcome). */
export function advanceServiceDeployment(ctx: WorldContext, service: ServiceRecord): void {
  const sd = currentServiceDeployment(service);
  if (!sd || FINISHED.has(sd.status)) return;
  const own = service.deployments.find((d) => d.id === sd.deploymentId);
  const primary = service.deployments[0];

  if (sd.status === 'ROLLBACK_REQUESTED' || sd.status === 'ROLLBACK_IN_PROGRESS') {
    const back = service.deployments.find((d) => d.id === sd.rollbackDeploymentId);
    if (back?.rolloutState === 'COMPLETED') finish(ctx, sd, 'ROLLBACK_SUCCESSFUL', sd.statusReason);
    else if (back?.rolloutState === 'FAILED') finish(ctx, sd, 'ROLLBACK_FAILED', back.rolloutStateReason);
    else if (sd.status === 'ROLLBACK_REQUESTED') touch(ctx, sd, { status: 'ROLLBACK_IN_PROGRESS' });
    return;
  }

  // The circuit breaker failed our deployment: it rolled back (a new PRIMARY), or stopped there.
  if (own?.rolloutState === 'FAILED') {
    const reason = own.rolloutStateReason;
    if (primary && primary.id !== own.id) {
      sd.rollbackDeploymentId = primary.id;
      sd.rollback = { reason, startedAt: ctx.now, serviceRevisionArn: revisionOf(ctx, service, primary).arn };
      touch(ctx, sd, { status: 'ROLLBACK_IN_PROGRESS', statusReason: reason });
    } else {
      finish(ctx, sd, 'STOPPED', reason);
      sd.stoppedAt = ctx.now;
    }
    return;
  }
  if (!own || own.id !== primary?.id) return;

  if (sd.strategy === 'ROLLING') {
    if (own.rolloutState === 'COMPLETED') {
      sd.lifecycleStage = 'CLEAN_UP';
      finish(ctx, sd, 'SUCCESSFUL', 'Service deployment completed.');
    }
    return;
  }
  walkBlueGreen(ctx, sd, own);
}

function walkBlueGreen(ctx: WorldContext, sd: ServiceDeploymentRecord, own: DeploymentRecord): void {
  for (;;) {
    if (sd.hooks.some((h) => h.status === 'AWAITING_ACTION')) return;
    const stage = sd.lifecycleStage;
    if (!sd.hooksRun.has(stage)) {
      sd.hooksRun.add(stage);
      if (pauseAt(ctx, sd, stage)) return;
    }
    if (stage === 'SCALE_UP') {
      const running = [...sd.service.tasks].filter(
        (t) => t.deploymentId === own.id && t.lastStatus === 'RUNNING',
      ).length;
      if (running < own.desiredCount) return;
    }
    if (stage === 'CLEAN_UP') {
      if (own.rolloutState !== 'COMPLETED') return;
      finish(ctx, sd, 'SUCCESSFUL', 'Service deployment completed.');
      return;
    }
    const next = BLUE_GREEN_STAGES[BLUE_GREEN_STAGES.indexOf(stage) + 1]!;
    touch(ctx, sd, { lifecycleStage: next });
    // Blue tasks may go now: the scheduler runs again.
    if (RELEASES_SOURCE.has(next)) ctx.dirty.add(sd.service);
  }
}

/** A PAUSE hook configured at this stage starts waiting; true when the deployment pauses. */
function pauseAt(ctx: WorldContext, sd: ServiceDeploymentRecord, stage: ServiceDeploymentLifecycleStage): boolean {
  const hook = (sd.configuration.lifecycleHooks ?? []).find(
    (h: DeploymentLifecycleHook) => h.targetType === 'PAUSE' && (h.lifecycleStages ?? []).includes(stage as never),
  );
  // A simplification: a service's first deployment (nothing to shift traffic from) runs no hook.
  if (!hook || sd.sources.length === 0) return false;
  const minutes = hook.timeoutConfiguration?.timeoutInMinutes ?? 1440;
  const record: HookRecord = {
    hookId: `ecs-pause-${ctx.ids.hex(40)}`,
    stage,
    status: 'AWAITING_ACTION',
    expiresAt: ctx.now + minutes * 60_000,
    timeoutAction: hook.timeoutConfiguration?.action ?? 'ROLLBACK',
  };
  sd.hooks.push(record);
  touch(ctx, sd, {});
  emitHookChange(ctx, sd.service, { ...record, serviceDeploymentArn: sd.arn }, 'HOOK_AWAITING_ACTION');
  addServiceEvent(
    ctx,
    sd.service,
    `(service ${sd.service.name}) (service-deployment ${sd.id}) paused at ${stage}: waiting for ContinueServiceDeployment.`,
  );
  ctx.timers.schedule(record.expiresAt, () => {
    if (record.status !== 'AWAITING_ACTION') return;
    endHook(ctx, sd, record, 'TIMED_OUT');
    if (record.timeoutAction === 'CONTINUE') {
      touch(ctx, sd, {});
      ctx.dirty.add(sd.service);
    } else {
      startRollback(ctx, sd, `The lifecycle hook at ${stage} timed out.`);
    }
  });
  return true;
}

/** ContinueServiceDeployment: CONTINUE moves past the paused hook, ROLLBACK rolls back. */
export function continueServiceDeployment(
  ctx: WorldContext,
  sd: ServiceDeploymentRecord,
  hookId: string,
  action: DeploymentLifecycleHookAction,
): void {
  const hook = sd.hooks.find((h) => h.hookId === hookId);
  if (!hook) throw invalidParameter(`The hook ${hookId} was not found for service deployment ${sd.arn}.`);
  if (hook.status !== 'AWAITING_ACTION' || FINISHED.has(sd.status)) {
    throw invalidParameter(`The hook ${hookId} is ${hook.status}, not AWAITING_ACTION.`);
  }
  // The guide's hook events: CONTINUE is HOOK_SUCCEEDED, ROLLBACK is HOOK_FAILED.
  endHook(ctx, sd, hook, action === 'ROLLBACK' ? 'FAILED' : 'SUCCEEDED');
  if (action === 'ROLLBACK') {
    startRollback(ctx, sd, `ContinueServiceDeployment rolled back at ${hook.stage}.`);
    return;
  }
  touch(ctx, sd, {});
  ctx.dirty.add(sd.service);
}

/** A waiting hook's end, and the Hook State Change event that tells it. */
function endHook(
  ctx: WorldContext,
  sd: ServiceDeploymentRecord,
  hook: HookRecord,
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT',
): void {
  hook.status = status;
  emitHookChange(ctx, sd.service, { ...hook, serviceDeploymentArn: sd.arn }, `HOOK_${status}`);
}

/**
 * StopServiceDeployment ROLLBACK (developer guide "Stopping Amazon ECS service deployments"):
 * PENDING and IN_PROGRESS move to ROLLBACK_REQUESTED and the rollback starts, even without the
 * rollback option configured; STOP_REQUESTED and the ROLLBACK_* states in progress carry on.
 * A finished one cannot be stopped.
 */
export function stopServiceDeployment(ctx: WorldContext, sd: ServiceDeploymentRecord): void {
  if (['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].includes(sd.status)) return;
  if (FINISHED.has(sd.status)) {
    throw new AwsError('ConflictException', `The service deployment is ${sd.status} and can't be stopped.`);
  }
  startRollback(ctx, sd, 'Service deployment rolled back by StopServiceDeployment.');
}

/** Back to the source revision: a new deployment of it, which this service deployment follows. */
function startRollback(ctx: WorldContext, sd: ServiceDeploymentRecord, reason: string): void {
  const source = productionRevision(sd);
  const service = sd.service;
  for (const hook of sd.hooks) if (hook.status === 'AWAITING_ACTION') endHook(ctx, sd, hook, 'FAILED');
  if (!source || service.status !== 'ACTIVE') {
    finish(ctx, sd, 'ROLLBACK_FAILED', `${reason} There is no earlier service revision to roll back to.`);
    return;
  }
  service.taskDefinition = source.taskDefinition;
  service.consecutiveFailures = 0;
  service.restartNotBefore = 0;
  addServiceEvent(ctx, service, `(service ${service.name}) rolling back to ${source.taskDefinition.arn}.`);
  const back = newDeployment(ctx, service, source.taskDefinition, `${reason} Rolling back.`);
  sd.rollbackDeploymentId = back.id;
  sd.rollback = { reason, startedAt: ctx.now, serviceRevisionArn: source.arn };
  touch(ctx, sd, { status: 'ROLLBACK_REQUESTED', statusReason: reason, lifecycleStage: 'SCALE_UP' });
  ctx.dirty.add(service);
}

/**
 * A new PRIMARY deployment of `td` (the previous ones stay ACTIVE until their tasks are replaced),
 * without a service deployment of its own: startDeployment (services.ts) adds one for a change; a
 * rollback belongs to the service deployment it rolls back.
 */
export function newDeployment(
  ctx: WorldContext,
  service: ServiceRecord,
  td: TaskDefinitionRecord,
  reason?: string,
): DeploymentRecord {
  for (const d of service.deployments) d.status = 'ACTIVE';
  const id = `ecs-svc/${ctx.ids.digits(19)}`;
  const deployment: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    taskDefinition: td,
    desiredCount: service.status === 'ACTIVE' ? service.desiredCount : 0,
    failedTasks: 0,
    hasRunningTask: false,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason ?? `ECS deployment ${id} in progress.`,
  };
  service.deployments.unshift(deployment);
  service.steady = false;
  emitDeploymentChange(ctx, service, deployment);
  ctx.dirty.add(service);
  return deployment;
}

function touch(
  ctx: WorldContext,
  sd: ServiceDeploymentRecord,
  change: Partial<Pick<ServiceDeploymentRecord, 'status' | 'statusReason' | 'lifecycleStage'>>,
): void {
  Object.assign(sd, change);
  sd.updatedAt = ctx.now;
}

function finish(
  ctx: WorldContext,
  sd: ServiceDeploymentRecord,
  status: ServiceDeploymentStatus,
  reason: string | undefined,
): void {
  touch(ctx, sd, { status, ...(reason !== undefined ? { statusReason: reason } : {}) });
  sd.finishedAt = ctx.now;
}

export function isFinished(sd: ServiceDeploymentRecord): boolean {
  return FINISHED.has(sd.status);
}

/** The circuit breaker's threshold for a desired count (ECS Developer Guide, "deployment circuit breaker"). */
export function circuitBreakerThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));
}
