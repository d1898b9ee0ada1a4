import { serviceCounts } from '../ecs/render';
import type { WorldContext } from './context';
import { FARGATE_CAPACITY_UNAVAILABLE, placeTask, placementFailureMessage, type Placement } from './placement';
import type { DeploymentRecord, ServiceRecord, TaskRecord } from './records';
import { addServiceEvent, emitDeploymentChange, emitServiceAction } from './service-events';
import { startDeployment } from './services';
import { advanceServiceDeployment, circuitBreakerThreshold, heldDeployments } from './service-deployments';
import type { LaunchChoice } from './fargate';
import { fargateCapacityAvailable, launchChosen } from './launch';
import { launchTask, requestStop } from './tasks';

/**
 * A service behind an Application Auto Scaling target has its desired count pulled back into the
 * target's [min, max] at the scheduler's next pass after a change. Real AWS does this at the
 * target's next scaling activity (a policy's alarm, a scheduled action) or when the target is
 * registered with a new range (RegisterScalableTarget in the Application Auto Scaling API
 * Reference); here it is at once, so a manual `UpdateService` outside the range is undone on the
 * next request.
 */
function pullIntoScalableRange(ctx: WorldContext, service: ServiceRecord): void {
  if (service.status !== 'ACTIVE') return;
  const bounds = ctx.desiredCountBounds?.(service);
  if (!bounds) return;
  const pulled = Math.min(bounds.max, Math.max(bounds.min, service.desiredCount));
  if (pulled !== service.desiredCount) {
    service.desiredCount = pulled;
    service.steady = false;
  }
}

/**
 * The ECS service scheduler for one REPLICA service: brings the PRIMARY deployment to
 * desiredCount, replaces tasks of older deployments within maximumPercent /
 * minimumHealthyPercent, and records what it did as service events.
 */
export function reconcileService(ctx: WorldContext, service: ServiceRecord): void {
  if (service.status === 'INACTIVE') return;
  const primary = service.deployments[0];
  if (!primary) return;
  pullIntoScalableRange(ctx, service);
  const target = service.status === 'DRAINING' ? 0 : service.desiredCount;
  if (primary.desiredCount !== target) {
    primary.desiredCount = target;
    primary.updatedAt = ctx.now;
  }
  const live = [...service.tasks].filter((t) => t.desiredStatus === 'RUNNING');
  let primaryTasks = live.filter((t) => t.deploymentId === primary.id);
  const oldTasks = live.filter((t) => t.deploymentId !== primary.id);
  const stopped: TaskRecord[] = [];

  if (primaryTasks.length > target) {
    const victims = stopOrder(primaryTasks).slice(0, primaryTasks.length - target);
    for (const task of victims) stopByScheduler(ctx, task, stopped);
    primaryTasks = primaryTasks.filter((t) => !victims.includes(t));
  }

  const { started, failure } = startTasks(
    ctx,
    service,
    primary,
    target - primaryTasks.length,
    primaryTasks.length + oldTasks.length,
    target,
  );
  primaryTasks = primaryTasks.concat(started);

  const { minimumHealthyPercent } = service.deploymentConfiguration;
  const minHealthy = Math.ceil((target * minimumHealthyPercent) / 100);
  let healthy = primaryTasks.concat(oldTasks).filter((t) => t.lastStatus === 'RUNNING').length;
  // A blue/green deployment keeps its blue tasks until production traffic has shifted.
  const held = heldDeployments(service);
  for (const task of stopOrder(oldTasks).filter((t) => !held.has(t.deploymentId ?? ''))) {
    const isHealthy = task.lastStatus === 'RUNNING';
    if (isHealthy && healthy - 1 < minHealthy) continue;
    stopByScheduler(ctx, task, stopped);
    if (isHealthy) healthy -= 1;
  }

  if (started.length > 0) {
    addServiceEvent(
      ctx,
      service,
      `(service ${service.name}) has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`,
    );
  }
  if (stopped.length > 0) {
    addServiceEvent(
      ctx,
      service,
      `(service ${service.name}) has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`,
    );
  }
  if (failure) placementFailed(ctx, service, failure);

  dropDrainedDeployments(service);
  checkCircuitBreaker(ctx, service, primary, target);
  settle(ctx, service, target);
  advanceServiceDeployment(ctx, service);
}

/** Which tasks go first: those not yet running, then the newest. */
function stopOrder(tasks: TaskRecord[]): TaskRecord[] {
  return [...tasks].sort((a, b) => {
    const pa = a.lastStatus === 'RUNNING' ? 1 : 0;
    const pb = b.lastStatus === 'RUNNING' ? 1 : 0;
    return pa - pb || b.createdAt - a.createdAt;
  });
}

function stopByScheduler(ctx: WorldContext, task: TaskRecord, stopped: TaskRecord[]): void {
  // The service's connections drain first (a load balancer's deregistration delay).
  requestStop(
    ctx,
    task,
    'ServiceSchedulerInitiated',
    `Scaling activity initiated by (deployment ${task.deploymentId ?? 'unknown'})`,
    ctx.timings.serviceDrainMs,
  );
  stopped.push(task);
}

function startTasks(
  ctx: WorldContext,
  service: ServiceRecord,
  primary: DeploymentRecord,
  missing: number,
  liveCount: number,
  target: number,
): { started: TaskRecord[]; failure?: Extract<Placement, { ok: false }> } {
  const cluster = service.cluster;
  const started: TaskRecord[] = [];
  if (missing <= 0) {
    cluster.unsatisfied.delete(service);
    service.lastPlacementFailure = undefined;
    return { started };
  }
  if (ctx.now < service.restartNotBefore) {
    wakeAt(ctx, service, service.restartNotBefore);
    return { started };
  }
  const maxTotal = Math.floor((target * service.deploymentConfiguration.maximumPercent) / 100);
  const group = `service:${service.name}`;
  while (missing > 0 && liveCount < maxTotal) {
    const fargate = service.launch.launchType === 'FARGATE';
    const placement = fargate
      ? undefined
      : placeTask(cluster, primary.taskDefinition, group, undefined, service.placementConstraints);
    if (placement && !placement.ok) {
      cluster.unsatisfied.add(service);
      return { started, failure: placement };
    }
    const choice: LaunchChoice = fargate
      ? { launchType: 'FARGATE', strategy: service.launch.strategy }
      : { launchType: 'EC2' };
    if (!fargateCapacityAvailable(ctx, choice, service.tasks)) {
      cluster.unsatisfied.add(service);
      return { started, failure: { ok: false, reason: FARGATE_CAPACITY_UNAVAILABLE } };
    }
    const input = {
      instance: placement?.instance,
      taskDefinition: primary.taskDefinition,
      group,
      startedBy: primary.id,
      service,
      deploymentId: primary.id,
    };
    started.push(
      service.launch.awsvpc || fargate
        ? launchChosen(ctx, cluster, choice, service.launch.awsvpc, input, service.tasks)
        : launchTask(ctx, input),
    );
    missing -= 1;
    liveCount += 1;
  }
  cluster.unsatisfied.delete(service);
  service.lastPlacementFailure = undefined;
  return { started };
}

/** ECS omits a repeated placement failure until its cause is resolved or six hours pass. */
const REPEAT_FAILURE_AFTER_MS = 6 * 60 * 60 * 1000;

function placementFailed(
  ctx: WorldContext,
  service: ServiceRecord,
  placement: Extract<Placement, { ok: false }>,
): void {
  const message = placementFailureMessage(service.name, placement.reason, placement.closest);
  const last = service.lastPlacementFailure;
  if (last && last.message === message && ctx.now - last.at < REPEAT_FAILURE_AFTER_MS) return;
  service.lastPlacementFailure = { message, at: ctx.now };
  // No remembered failure (first one, or the service was updated since): report it even if it reads as the last event did.
  if (addServiceEvent(ctx, service, message, { causeChanged: !last })) {
    const reasons = placement.reason === 'NO_INSTANCES' ? undefined : [placement.reason];
    emitServiceAction(ctx, service, 'ERROR', 'SERVICE_TASK_PLACEMENT_FAILURE', reasons ? { reasons } : {});
  }
}

function wakeAt(ctx: WorldContext, service: ServiceRecord, at: number): void {
  if (service.wakeAt !== undefined && service.wakeAt <= at && service.wakeAt > ctx.now) return;
  service.wakeAt = at;
  ctx.timers.schedule(at, () => {
    service.wakeAt = undefined;
    ctx.dirty.add(service);
  });
}

/** An older deployment leaves the list once none of its tasks remain. */
function dropDrainedDeployments(service: ServiceRecord): void {
  if (service.deployments.length <= 1) return;
  const inUse = new Set<string>();
  for (const task of service.tasks) if (task.deploymentId) inUse.add(task.deploymentId);
  service.deployments = service.deployments.filter((d, i) => {
    if (i === 0 || inUse.has(d.id)) return true;
    d.status = 'INACTIVE';
    return false;
  });
}

/**
 * Deployment circuit breaker: the failure threshold is half the desired count, at least 3 and at
 * most 200 (ECS Developer Guide, "deployment circuit breaker").
 */
function checkCircuitBreaker(
  ctx: WorldContext,
  service: ServiceRecord,
  primary: DeploymentRecord,
  target: number,
): void {
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!breaker.enable || primary.rolloutState !== 'IN_PROGRESS') return;
  const threshold = circuitBreakerThreshold(target);
  if (primary.failedTasks < threshold) return;
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = 'ECS deployment circuit breaker: task failed to start.';
  primary.updatedAt = ctx.now;
  addServiceEvent(
    ctx,
    service,
    `(service ${service.name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`,
  );
  emitDeploymentChange(ctx, service, primary);
  const previous = service.lastGoodDeployment;
  if (breaker.rollback && previous && previous.taskDefinition !== primary.taskDefinition) {
    addServiceEvent(ctx, service, `(service ${service.name}) rolling back to deployment ${previous.id}.`);
    service.taskDefinition = previous.taskDefinition;
    service.consecutiveFailures = 0;
    service.restartNotBefore = 0;
    startDeployment(
      ctx,
      service,
      previous.taskDefinition,
      `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`,
      { rollback: true },
    );
  }
}

/** Task states a draining service no longer waits for. */
const DRAINED: ReadonlySet<TaskRecord['lastStatus']> = new Set(['STOPPING', 'DEPROVISIONING', 'STOPPED']);

function settle(ctx: WorldContext, service: ServiceRecord, target: number): void {
  const primary = service.deployments[0];
  if (!primary) return;
  if (service.status === 'DRAINING') {
    // DeleteService reference: "After all tasks have transitioned to either STOPPING or STOPPED
    // status, the service status moves from DRAINING to INACTIVE."
    if ([...service.tasks].every((t) => DRAINED.has(t.lastStatus))) {
      service.status = 'INACTIVE';
      service.cluster.unsatisfied.delete(service);
    }
    service.steady = false;
    return;
  }
  const counts = serviceCounts(service, primary.id);
  const settled = service.deployments.length === 1 && service.tasks.size === target && counts.running === target;
  if (!settled) {
    service.steady = false;
    return;
  }
  if (primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = ctx.now;
    service.lastGoodDeployment = { id: primary.id, taskDefinition: primary.taskDefinition };
    addServiceEvent(ctx, service, `(service ${service.name}) (deployment ${primary.id}) deployment completed.`);
    emitDeploymentChange(ctx, service, primary);
  }
  if (!service.steady) {
    service.steady = true;
    addServiceEvent(ctx, service, `(service ${service.name}) has reached a steady state.`);
    emitServiceAction(ctx, service, 'INFO', 'SERVICE_STEADY_STATE');
  }
}
