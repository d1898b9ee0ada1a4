import type { Tag, TaskOverride } from '@aws-sdk/client-ecs';
import { renderContainerInstance, renderTask } from '../ecs/render';
import { isoTime } from '../wire';
import { ecsArn, emit, envelope, newEcsId, type WorldContext } from './context';
import { dynamicPort } from './placement';
import type { SigtermBehaviour } from '../seed';
import { FARGATE_PLATFORM_VERSION, type FargateLaunch } from './fargate';
import { releaseEni, type EniRecord } from './vpc';
import { watchTargetHealth } from './load-balancing';
import type {
  ClusterRecord,
  ContainerInstanceRecord,
  ContainerRecord,
  ServiceRecord,
  StopCode,
  TaskDefinitionRecord,
  TaskRecord,
} from './records';

export interface LaunchTaskInput {
  /** EC2: the instance chosen for it. Fargate tasks have none (see `fargate`). */
  instance?: ContainerInstanceRecord;
  cluster?: ClusterRecord;
  fargate?: FargateLaunch;
  taskDefinition: TaskDefinitionRecord;
  group: string;
  startedBy?: string;
  service?: ServiceRecord;
  deploymentId?: string;
  overrides?: TaskOverride;
  tags?: Tag[];
  /** awsvpc tasks: the ENI attached for it. */
  eni?: EniRecord;
  /** Why the task stops before its containers start (its ENI could not be created). */
  initFailure?: string;
}

/**
 * Creates a PENDING task on an instance that was already chosen, reserving its resources.
 * The agent reports RUNNING after `timings.taskStartMs`.
 */
export function launchTask(ctx: WorldContext, input: LaunchTaskInput): TaskRecord {
  const { instance, taskDefinition: td } = input;
  const cluster = instance?.cluster ?? input.cluster;
  if (!cluster) throw new Error('launchTask needs an instance or a cluster');
  const { id, arn } = newEcsId(ctx, 'task', cluster.name);
  const ports: number[] = [];
  const containers: ContainerRecord[] = td.containerDefinitions.map((def) => {
    const bindings = (def.portMappings ?? []).map((m) => {
      const containerPort = m.containerPort ?? 0;
      const fixed = td.networkMode === 'host' ? containerPort : (m.hostPort ?? 0);
      if (!instance)
        return { bindIP: '0.0.0.0', containerPort, hostPort: containerPort, protocol: m.protocol ?? 'tcp' };
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
      stopTimeoutMs: def.stopTimeout !== undefined ? def.stopTimeout * 1000 : ctx.timings.containerStopTimeoutMs,
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
    launchType: input.fargate ? 'FARGATE' : 'EC2',
    capacityProviderName: input.fargate?.capacityProviderName,
    platformVersion: input.fargate ? FARGATE_PLATFORM_VERSION : undefined,
    eni: input.eni,
    initFailure: input.initFailure,
    createdAt: ctx.now,
    containers,
    overrides: input.overrides ?? {
      containerOverrides: td.containerDefinitions.map((c) => ({ name: c.name })),
      inferenceAcceleratorOverrides: [],
    },
    tags: input.tags ?? [],
    availabilityZone: instance?.ec2.availabilityZone ?? input.eni?.subnet.availabilityZone ?? `${ctx.region}a`,
    reserved: { cpu: td.needs.cpu, memory: td.needs.memory, ports },
    version: 1,
    updatedAt: ctx.now,
  };
  if (instance) {
    instance.usedCpu += td.needs.cpu;
    instance.usedMemory += td.needs.memory;
    instance.tasks.add(task);
  }
  cluster.tasks.set(id, task);
  cluster.pendingTasksCount += 1;
  input.service?.tasks.add(task);
  emitTaskChange(ctx, task);
  if (instance) instanceResourcesChanged(ctx, instance);

  ctx.timers.schedule(ctx.now + ctx.timings.taskStartMs, () => markRunning(ctx, task));
  return task;
}

/**
 * Asks a task to stop: desiredStatus STOPPED now, then ECS's stop lifecycle (Amazon ECS Developer
 * Guide, "Amazon ECS task lifecycle"): RUNNING → DEACTIVATING → STOPPING, where the agent sends
 * SIGTERM and, after each container's stopTimeout, SIGKILL (StopTask, ECS API Reference) →
 * DEPROVISIONING once every container has exited → STOPPED. A task that never started goes
 * straight to STOPPED. `timings.taskStopMs` is ECS's share, split around the containers' shutdown.
 * `drainMs` lengthens DEACTIVATING for a task the service scheduler stops: its load balancer
 * connections drain first (`timings.serviceDrainMs`).
 */
export function requestStop(
  ctx: WorldContext,
  task: TaskRecord,
  stopCode: StopCode,
  reason: string,
  drainMs = 0,
): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = ctx.now;
  touch(ctx, task);
  emitTaskChange(ctx, task);
  if (task.service) ctx.dirty.add(task.service);
  if (task.lastStatus !== 'RUNNING') {
    ctx.timers.schedule(ctx.now + ctx.timings.taskStopMs, () => markStopped(ctx, task));
    return;
  }
  const step = Math.floor(ctx.timings.taskStopMs / 4);
  ctx.timers.schedule(ctx.now + step, () => {
    if (task.lastStatus === 'RUNNING') setStatus(ctx, task, 'DEACTIVATING');
  });
  ctx.timers.schedule(ctx.now + drainMs + 2 * step, () => sendSigterm(ctx, task));
}

/** STOPPING: SIGTERM to every container still running; each exits as its behaviour says. */
function sendSigterm(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus !== 'DEACTIVATING' && task.lastStatus !== 'RUNNING') return;
  setStatus(ctx, task, 'STOPPING');
  const behaviour = ctx.behaviours[task.taskDefinition.family]?.sigterm ?? { response: 'exits' };
  for (const container of task.containers) {
    if (container.lastStatus === 'STOPPED') continue;
    const exit = exitOnSigterm(behaviour, container.stopTimeoutMs);
    ctx.timers.schedule(ctx.now + exit.afterMs, () => containerExited(ctx, task, container, exit.exitCode));
  }
  if (task.containers.every((c) => c.lastStatus === 'STOPPED')) deprovision(ctx, task);
}

/** When a container exits after SIGTERM, and with which code (128 + the signal that ended it). */
export function exitOnSigterm(
  behaviour: SigtermBehaviour,
  stopTimeoutMs: number,
): { afterMs: number; exitCode: number } {
  const killed = { afterMs: stopTimeoutMs, exitCode: 137 };
  if (behaviour.response === 'ignores') return killed;
  const shutdownMs = behaviour.shutdownMs ?? (behaviour.response === 'handles' ? 1000 : 0);
  if (shutdownMs > stopTimeoutMs) return killed;
  return { afterMs: shutdownMs, exitCode: behaviour.response === 'handles' ? (behaviour.exitCode ?? 0) : 143 };
}

function containerExited(ctx: WorldContext, task: TaskRecord, container: ContainerRecord, exitCode: number): void {
  if (container.lastStatus === 'STOPPED' || task.lastStatus !== 'STOPPING') return;
  container.lastStatus = 'STOPPED';
  container.exitCode = exitCode;
  if (task.containers.every((c) => c.lastStatus === 'STOPPED')) deprovision(ctx, task);
  else {
    // A container changing state is a Task State Change event of its own.
    touch(ctx, task);
    emitTaskChange(ctx, task);
  }
}

/** Every container has exited: ECS cleans up, then the task is STOPPED. */
function deprovision(ctx: WorldContext, task: TaskRecord): void {
  task.executionStoppedAt = ctx.now;
  setStatus(ctx, task, 'DEPROVISIONING');
  const rest = ctx.timings.taskStopMs - 2 * Math.floor(ctx.timings.taskStopMs / 4);
  ctx.timers.schedule(ctx.now + rest, () => markStopped(ctx, task));
}

/** lastStatus moves on; the cluster counts tasks by lastStatus (RUNNING, PENDING). */
function setStatus(ctx: WorldContext, task: TaskRecord, status: TaskRecord['lastStatus']): void {
  if (task.lastStatus === status) return;
  countStatus(task, -1);
  task.lastStatus = status;
  countStatus(task, 1);
  touch(ctx, task);
  emitTaskChange(ctx, task);
  // The instance's counts change when a task starts running (and when it stops: markStopped).
  if (task.instance && status === 'RUNNING') instanceResourcesChanged(ctx, task.instance);
  if (task.service) ctx.dirty.add(task.service);
}

function countStatus(task: TaskRecord, delta: number): void {
  if (task.orphaned) return;
  if (task.lastStatus === 'RUNNING') task.cluster.runningTasksCount += delta;
  else if (task.lastStatus === 'PENDING') task.cluster.pendingTasksCount += delta;
}

/**
 * The agent is gone (its EC2 instance terminated) and ECS has noticed: the task is STOPPED at
 * once, and no container reports an exit code.
 */
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

/**
 * DeregisterContainerInstance with force: the task keeps running on its host, but ECS no longer
 * monitors or accounts for it (DeregisterContainerInstance, ECS API Reference); a service starts
 * another copy. Its record keeps its last known state until the host is terminated.
 */
export function orphanTask(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus === 'STOPPED' || task.orphaned) return;
  countStatus(task, -1);
  task.orphaned = true;
  releaseResources(task);
  const service = task.service;
  if (service) {
    service.tasks.delete(task);
    ctx.dirty.add(service);
  }
}

function releaseResources(task: TaskRecord): void {
  const instance = task.instance;
  if (!instance || !instance.tasks.has(task)) return;
  instance.usedCpu -= task.reserved.cpu;
  instance.usedMemory -= task.reserved.memory;
  for (const port of task.reserved.ports) instance.usedPorts.delete(port);
  instance.tasks.delete(task);
}

function markRunning(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return;
  // The agent pulls each container's image first; one that cannot be pulled stops the task before it runs.
  for (const c of task.containers) {
    // A task without its network interface never gets as far as the pull.
    const pullError = task.initFailure ? undefined : ctx.imagePull?.(c.image, task.taskDefinition.executionRoleArn);
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
  const failed =
    task.initFailure ??
    (failure && ctx.chance.chance(failure.probability ?? 1) ? failure.reason : startCheckFailure(ctx, task));
  if (failed !== undefined) {
    for (const c of task.containers) c.reason = failed;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason = failed;
    task.stoppingAt = ctx.now;
    markStopped(ctx, task);
    return;
  }
  const deployment = task.service?.deployments.find((d) => d.id === task.deploymentId);
  if (deployment && !deployment.hasRunningTask) {
    // Once a deployment has a running task its failed-task count resets and is no longer evaluated.
    deployment.hasRunningTask = true;
    deployment.failedTasks = 0;
  }
  task.pullStartedAt = task.createdAt + Math.floor((ctx.now - task.createdAt) / 4);
  task.pullStoppedAt = task.createdAt + Math.floor((ctx.now - task.createdAt) / 2);
  task.startedAt = ctx.now;
  task.connectivityAt = task.createdAt;
  for (const c of task.containers) {
    c.lastStatus = 'RUNNING';
    c.runtimeId = `${task.id}-${ctx.ids.hex(10)}`;
  }
  setStatus(ctx, task, 'RUNNING');
  scheduleCrash(ctx, task);
  watchTargetHealth(ctx, task, requestStop);
}

function startCheckFailure(ctx: WorldContext, task: TaskRecord): string | undefined {
  for (const check of ctx.startChecks) {
    const reason = check(task);
    if (reason !== undefined) return reason;
  }
  return undefined;
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
    requestStop(ctx, task, 'EssentialContainerExited', 'Essential container in task exited');
  });
}

function markStopped(ctx: WorldContext, task: TaskRecord): void {
  if (task.lastStatus === 'STOPPED') return;
  const cluster = task.cluster;
  const wasStarted = task.startedAt !== undefined;
  countStatus(task, -1);
  task.lastStatus = 'STOPPED';
  task.stoppedAt = ctx.now;
  // Set when the containers exited; absent for a task that never ran.
  if (wasStarted) task.executionStoppedAt ??= ctx.now;
  for (const c of task.containers) c.lastStatus = 'STOPPED';
  const instance = task.instance;
  const held = instance?.tasks.has(task) ?? false;
  releaseResources(task);
  if (task.eni) releaseEni(ctx.vpc, task.eni);
  touch(ctx, task);
  emitTaskChange(ctx, task);
  if (instance && held) instanceResourcesChanged(ctx, instance);

  const service = task.service;
  if (service && !task.orphaned) {
    service.tasks.delete(task);
    ctx.dirty.add(service);
    if (task.stopCode === 'EssentialContainerExited' || task.stopCode === 'TaskFailedToStart')
      noteFailure(ctx, service, task);
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
  // Deployment.failedTasks (ECS API Reference): tasks that did not reach RUNNING, counted until one does.
  const deployment = service.deployments.find((d) => d.id === task.deploymentId);
  if (deployment && !deployment.hasRunningTask && task.startedAt === undefined) deployment.failedTasks += 1;
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
