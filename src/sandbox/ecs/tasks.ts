import type { AwsVpcConfiguration, CapacityProviderStrategyItem, Tag, TaskOverride } from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors';
import type { ActionContext } from '../service-module';
import { epochSeconds } from '../wire';
import type { TaskRecord } from '../world/records';
import { checkTaskIdentifier, type TaskLaunchResult } from '../world/world';
import { page } from './paging';
import { renderTask } from './render';
import {
  clusterName,
  clusterResource,
  containerInstanceResource,
  taskDefinitionResource,
  taskResource,
} from './resources';

type Ctx = ActionContext<undefined>;

export function runTask(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const taskDefinition = ctx.params.string('taskDefinition');
  ctx.authorize(taskDefinitionResource(ctx, taskDefinition, cluster));
  const result = ctx.world.runTask(cluster, {
    launchType: ctx.params.optString('launchType'),
    capacityProviderStrategy: ctx.params.optList('capacityProviderStrategy') as unknown as
      CapacityProviderStrategyItem[] | undefined,
    awsvpc: awsvpcConfiguration(ctx),
    taskDefinition,
    count: ctx.params.optInt('count'),
    startedBy: ctx.params.optString('startedBy'),
    group: ctx.params.optString('group'),
    overrides: ctx.params.optObject('overrides') as TaskOverride | undefined,
    tags: ctx.params.optList('tags') as Tag[] | undefined,
  });
  return launchReply(result);
}

export function startTask(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const taskDefinition = ctx.params.string('taskDefinition');
  ctx.authorize(taskDefinitionResource(ctx, taskDefinition, cluster));
  const result = ctx.world.startTask(cluster, {
    taskDefinition,
    containerInstances: ctx.params.optStringList('containerInstances') ?? [],
    startedBy: ctx.params.optString('startedBy'),
    group: ctx.params.optString('group'),
    overrides: ctx.params.optObject('overrides') as TaskOverride | undefined,
    tags: ctx.params.optList('tags') as Tag[] | undefined,
  });
  return launchReply(result);
}

function launchReply(result: TaskLaunchResult) {
  return {
    tasks: result.tasks.map((t) => renderTask(t, epochSeconds)),
    failures: result.failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: f.detail })),
  };
}

export function stopTask(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const ref = ctx.params.string('task');
  ctx.authorize(taskResource(ctx, cluster, ref));
  const reason = ctx.params.optString('reason');
  if (reason !== undefined && reason.length > 255) throw invalidParameter('reason can have at most 255 characters.');
  return { task: renderTask(ctx.world.stopTask(cluster, ref, reason), epochSeconds) };
}

export function describeTasks(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const refs = ctx.params.optStringList('tasks') ?? [];
  ctx.authorize(refs.length > 0 ? refs.map((r) => taskResource(ctx, cluster, r)) : [clusterResource(ctx, cluster)]);
  if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.');
  if (refs.length > 100) throw invalidParameter('tasks can have at most 100 items.');
  for (const ref of refs) checkTaskIdentifier(ref);
  ctx.world.cluster(cluster);
  const tasks = [];
  const failures = [];
  for (const ref of refs) {
    const task = ctx.world.findTask(cluster, ref);
    if (task) tasks.push(renderTask(task, epochSeconds));
    else failures.push({ arn: taskResource(ctx, cluster, ref).arn, reason: 'MISSING' });
  }
  return { tasks, failures };
}

export function listTasks(ctx: Ctx) {
  const name = clusterName(ctx.params.optString('cluster'));
  const instanceRef = ctx.params.optString('containerInstance');
  ctx.authorize(instanceRef ? containerInstanceResource(ctx, name, instanceRef) : clusterResource(ctx, name));
  const cluster = ctx.world.cluster(name);
  const desiredStatus = ctx.params.optString('desiredStatus') ?? 'RUNNING';
  if (desiredStatus !== 'RUNNING' && desiredStatus !== 'STOPPED' && desiredStatus !== 'PENDING') {
    throw invalidParameter('desiredStatus must be RUNNING, PENDING or STOPPED.');
  }
  const serviceName = ctx.params.optString('serviceName');
  const family = ctx.params.optString('family');
  const startedBy = ctx.params.optString('startedBy');
  const launchType = ctx.params.optString('launchType');
  if (serviceName !== undefined && family !== undefined)
    throw invalidParameter('serviceName and family cannot both be specified.');

  let candidates: Iterable<TaskRecord> = cluster.tasks.values();
  if (serviceName !== undefined) {
    const service = ctx.world.service(name, serviceName);
    // Live tasks of a service are indexed; stopped ones need the cluster's list.
    if (desiredStatus !== 'STOPPED') candidates = service.tasks;
  }
  if (instanceRef !== undefined) {
    const instance = ctx.world.findContainerInstance(name, instanceRef);
    if (!instance) throw invalidParameter('The referenced container instance was not found.');
    if (desiredStatus !== 'STOPPED') candidates = instance.tasks;
  }
  const arns: string[] = [];
  for (const task of candidates) {
    // PENDING is accepted for compatibility and lists tasks still to start (desired RUNNING).
    const wanted = desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING';
    if (task.desiredStatus !== wanted) continue;
    if (desiredStatus === 'PENDING' && task.lastStatus !== 'PENDING') continue;
    if (serviceName !== undefined && task.service?.name !== lastName(serviceName)) continue;
    if (family !== undefined && task.taskDefinition.family !== family) continue;
    if (startedBy !== undefined && task.startedBy !== startedBy) continue;
    if (instanceRef !== undefined && task.instance?.id !== lastName(instanceRef)) continue;
    if (launchType !== undefined && task.launchType !== launchType) continue;
    arns.push(task.arn);
  }
  const { items, nextToken } = page(arns, ctx.params, { default: 100, max: 100 });
  return { taskArns: items, nextToken };
}

/** `networkConfiguration.awsvpcConfiguration` of RunTask and CreateService. */
export function awsvpcConfiguration(ctx: Ctx): AwsVpcConfiguration | undefined {
  const network = ctx.params.optObject('networkConfiguration') as
    { awsvpcConfiguration?: AwsVpcConfiguration } | undefined;
  if (network === undefined) return undefined;
  const config = network.awsvpcConfiguration;
  if (config === undefined) throw invalidParameter('awsvpcConfiguration is required in networkConfiguration.');
  if (
    config.assignPublicIp !== undefined &&
    config.assignPublicIp !== 'ENABLED' &&
    config.assignPublicIp !== 'DISABLED'
  ) {
    throw invalidParameter('assignPublicIp must be ENABLED or DISABLED.');
  }
  return config;
}

function lastName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
