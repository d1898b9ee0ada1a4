import type { Tag, TaskOverride } from '@aws-sdk/client-ecs';
import { renderContainerInstance, renderTask } from '../ecs/render';
import { isoTime } from '../wire';
import { ecsArn, emit, envelope, newEcsId, type WorldContext } from './context';
import { dynamicPort } from './placement';
import type { ContainerInstanceRecord, ContainerRecord, ServiceRecord, StopCode, TaskDefinitionRecord, TaskRecord } from './records';

export interface LaunchTaskInput {
  instance: ContainerInstanceRecord;
  taskDefinition: TaskDefinitionRecord;
  group: string;
  startedBy?: string;
  service?: ServiceRecord;
  deploymentId?: string;
  overrides?: TaskOverride;
  tags?: Tag[];
}

/**
 * Creates a PENDING task on an instance that was already chosen, reserving its resources.
 * The agent reports RUNNING after `timings.taskStartMs`.
 */
export function launchTask(ctx: WorldContext, input: LaunchTaskInput): TaskRecord {
  const { instance, taskDefinition: td } = input;
  const cluster = instance.cluster;
  const { id, arn } = newEcsId(ctx, 'task', cluster.name);
  const ports: number[] = [];
  const containers: ContainerRecord[] = td.containerDefinitions.map((def) => {
    const bindings = (def.portMappings ?? []).map((m) => {
      const containerPort = m.containerPort ?? 0;
      const fixed = td.networkMode === 'host' ? containerPort : (m.hostPort ?? 0);
      const hostPort = fixed > 0 ? fixed : dynamicPort(instance);
      ports.push(hostPort);
      instance.usedPorts.add(hostPort);
      return { bindIP: '0.0.0.0', containerPort, hostPort, protocol: m.protocol ?? 'tcp' };
    });
    return {
      arn: ecsArn(ctx, `container/${cluster.name}/${id}/${ctx.ids.uuid()}`),
      name: def.name ?? 'container',
      image: def.image ?? 'scratch',
      essential: def.essential !== false,
      lastStatus: 'PENDING',
      cpu: def.cpu ?? 0,
      memory: def.memory,
      memoryReservation: def.memoryReservation,
      // awsvpc tasks get their own ENI: no host port bindings.
      networkBindings: td.networkMode === 'awsvpc' ? [] : bindings,
    };
  });
  const task: TaskRecord = {
    id,
    arn,
    cluster,
    taskDefinition: td,
    instance,
    service: input.service,
    deploymentId: input.deploymentId,
    group: input.group,
    startedBy: input.startedBy,
    lastStatus: 'PENDING',
    desiredStatus: 'RUNNING',
    launchType: 'EC2',
    createdAt: ctx.now,
    containers,
    overrides: input.overrides ?? {
      containerOverrides: td.containerDefinitions.map((c) => ({ name: c.name })),
      inferenceAcceleratorOverrides: [],
    },
    tags: input.tags ?? [],
    availabilityZone: instance.ec2.availabilityZone,
    reserved: { cpu: td.needs.cpu, memory: td.needs.memory, ports },
    version: 1,
    updatedAt: ctx.now,
  };
  instance.usedCpu += td.needs.cpu;
  instance.usedMemory += td.needs.memory;
  instance.tasks.add(task);
  cluster.tasks.set(id, task);
  cluster.pendingTasksCount += 1;
  input.service?.tasks.add(task);
  emitTaskChange(ctx, task);
  instanceResourcesChanged(ctx, instance);

  ctx.timers.schedule(ctx.now + ctx.timings.taskStartMs, () => markRunning(ctx, task));
  return task;
}

/**
 * Asks a task to stop: desiredStatus STOPPED now, lastStatus STOPPED after `taskStopMs` (plus
 * `drainMs` for a task of a service being deleted, whose connections drain first).
 */
export function requestStop(ctx: WorldContext, task: TaskRecord, stopCode: StopCode, reason: string, drainMs = 0): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = ctx.now;
  touch(ctx, task);
  emitTaskChange(ctx, task);
  if (task.service) ctx.dirty.add(task.service);
  ctx.timers.schedule(ctx.now + drainMs + ctx.timings.taskStopMs, () => markStopped(ctx, task));
}

/** The agent is gone (instance terminated): the task is STOPPED at once. */
export function stopImmediately(ctx: WorldContext, task: TaskRecord, stopCode: StopCode, reason: string): void {
  if (task.lastStatus === 'STOPPED') return;
  if (task.desiredStatus !== 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = ctx.now;
  }
  markStopped(ctx, task);
}

function markRunning(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return;
  // The agent pulls each container's image first; one that cannot be pulled stops the task before it runs.
  for (const c of task.containers) {
    const pullError = ctx.imagePull?.(c.image);
    if (pullError === undefined) continue;
    c.reason = pullError;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason = pullError;
    task.stoppingAt = ctx.now;
    markStopped(ctx, task);
    return;
  }
  const failure = ctx.behaviours[task.taskDefinition.family]?.failToStart;
  if (failure && ctx.chance.chance(failure.probability ?? 1)) {
    for (const c of task.containers) c.reason = failure.reason;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason = failure.reason;
    task.stoppingAt = ctx.now;
    markStopped(ctx, task);
    return;
  }
  task.pullStartedAt = task.createdAt + Math.floor((ctx.now - task.createdAt) / 4);
  task.pullStoppedAt = task.createdAt + Math.floor((ctx.now - task.createdAt) / 2);
  task.startedAt = ctx.now;
  task.connectivityAt = task.createdAt;
  task.lastStatus = 'RUNNING';
  for (const c of task.containers) {
    c.lastStatus = 'RUNNING';
    c.runtimeId = `${task.id}-${ctx.ids.hex(10)}`;
  }
  task.cluster.pendingTasksCount -= 1;
  task.cluster.runningTasksCount += 1;
  touch(ctx, task);
  emitTaskChange(ctx, task);
  if (task.instance) instanceResourcesChanged(ctx, task.instance);
  if (task.service) ctx.dirty.add(task.service);
  scheduleCrash(ctx, task);
}

function scheduleCrash(ctx: WorldContext, task: TaskRecord): void {
  const crash = ctx.behaviours[task.taskDefinition.family]?.crash;
  if (!crash) return;
  if (!ctx.chance.chance(crash.probability ?? 1)) return;
  // At least a millisecond, so a crash loop always moves time forward.
  const jitter = crash.jitterMs ? Math.floor(ctx.chance.next() * crash.jitterMs) : 0;
  ctx.timers.schedule(ctx.now + Math.max(1, crash.afterMs + jitter), () => {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
    const essential = task.containers.find((c) => c.essential) ?? task.containers[0];
    if (essential) {
      essential.lastStatus = 'STOPPED';
      essential.exitCode = crash.exitCode;
      if (crash.reason) essential.reason = crash.reason;
    }
    task.executionStoppedAt = ctx.now;
    requestStop(ctx, task, 'EssentialContainerExited', 'Essential container in task exited');
  });
}

function markStopped(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus === 'STOPPED') return;
  const cluster = task.cluster;
  if (task.lastStatus === 'RUNNING') cluster.runningTasksCount -= 1;
  else if (task.lastStatus === 'PENDING') cluster.pendingTasksCount -= 1;
  const wasStarted = task.startedAt !== undefined;
  task.lastStatus = 'STOPPED';
  task.stoppedAt = ctx.now;
  task.executionStoppedAt ??= ctx.now;
  for (const c of task.containers) {
    if (c.lastStatus === 'STOPPED') continue;
    c.lastStatus = 'STOPPED';
    // A started container that was asked to stop exits cleanly on SIGTERM.
    if (wasStarted && c.exitCode === undefined && task.stopCode !== 'TerminationNotice') c.exitCode = 0;
  }
  const instance = task.instance;
  if (instance) {
    instance.usedCpu -= task.reserved.cpu;
    instance.usedMemory -= task.reserved.memory;
    for (const port of task.reserved.ports) instance.usedPorts.delete(port);
    instance.tasks.delete(task);
  }
  touch(ctx, task);
  emitTaskChange(ctx, task);
  if (instance) instanceResourcesChanged(ctx, instance);

  const service = task.service;
  if (service) {
    service.tasks.delete(task);
    ctx.dirty.add(service);
    if (task.stopCode === 'EssentialContainerExited' || task.stopCode === 'TaskFailedToStart') noteFailure(ctx, service, task);
  }
  // Freed capacity: services that could not place a task get another go.
  for (const waiting of cluster.unsatisfied) ctx.dirty.add(waiting);

  ctx.timers.schedule(ctx.now + ctx.timings.stoppedTaskRetentionMs, () => {
    if (cluster.tasks.get(task.id) === task) cluster.tasks.delete(task.id);
  });
}

const FAILURE_MEMORY_MS = 15 * 60 * 1000;
const BACKOFF_FIRST_MS = 10_000;
const BACKOFF_MAX_MS = 5 * 60 * 1000;

/**
 * ECS slows down restarting tasks of a service that keep failing (the service "task launch
 * throttle"); here: immediate for the first three failures in a row, then 10 s doubling to 5 min.
 */
function noteFailure(ctx: WorldContext, service: ServiceRecord, task: TaskRecord): void {
  const deployment = service.deployments.find((d) => d.id === task.deploymentId);
  if (deployment) deployment.failedTasks += 1;
  if (ctx.now - service.lastFailureAt > FAILURE_MEMORY_MS) service.consecutiveFailures = 0;
  service.consecutiveFailures += 1;
  service.lastFailureAt = ctx.now;
  const n = service.consecutiveFailures;
  const delay = n <= 3 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (n - 4));
  service.restartNotBefore = ctx.now + delay;
}

function touch(ctx: WorldContext, task: TaskRecord): void {
  task.version += 1;
  task.updatedAt = ctx.now;
}

export function emitTaskChange(ctx: WorldContext, task: TaskRecord): void {
  emit(ctx, () => ({
    ...envelope(ctx, 'ECS Task State Change', [task.arn]),
    detail: { ...renderTask(task, isoTime), updatedAt: new Date(task.updatedAt).toISOString(), version: task.version },
  }));
}

export function instanceResourcesChanged(ctx: WorldContext, instance: ContainerInstanceRecord): void {
  instance.version += 1;
  instance.updatedAt = ctx.now;
  emit(ctx, () => ({
    ...envelope(ctx, 'ECS Container Instance State Change', [instance.arn]),
    detail: {
      ...renderContainerInstance(instance, isoTime),
      clusterArn: instance.cluster.arn,
      updatedAt: new Date(instance.updatedAt).toISOString(),
      version: instance.version,
    },
  }));
}
