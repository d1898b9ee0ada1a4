import type { CapacityProviderStrategyItem, Tag } from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors';
import type { ActionContext } from '../service-module';
import { epochSeconds } from '../wire';
import { page } from './paging';
import { renderCluster, renderContainerInstance, type ClusterField } from './render';

const CLUSTER_FIELDS: readonly ClusterField[] = ['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS'];
import { clusterName, clusterResource, containerInstanceResource } from './resources';

type Ctx = ActionContext<undefined>;

export function createCluster(ctx: Ctx) {
  const name = ctx.params.optString('clusterName') ?? 'default';
  ctx.authorize(clusterResource(ctx, name));
  const tags = (ctx.params.optList('tags') ?? []) as Tag[];
  const providers = ctx.params.optStringList('capacityProviders') ?? [];
  const strategy = (ctx.params.optList('defaultCapacityProviderStrategy') ??
    []) as unknown as CapacityProviderStrategyItem[];
  return { cluster: renderCluster(ctx.world.createCluster(name, tags, { providers, strategy })) };
}

/**
 * PutClusterCapacityProviders: both lists are required and replace what the cluster had.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html
 */
export function putClusterCapacityProviders(ctx: Ctx) {
  const name = clusterName(ctx.params.string('cluster'));
  ctx.authorize(clusterResource(ctx, name));
  const providers = ctx.params.optStringList('capacityProviders');
  const strategy = ctx.params.optList('defaultCapacityProviderStrategy') as unknown as
    CapacityProviderStrategyItem[] | undefined;
  if (providers === undefined) throw invalidParameter('capacityProviders is required.');
  if (strategy === undefined) throw invalidParameter('defaultCapacityProviderStrategy is required.');
  return { cluster: renderCluster(ctx.world.putClusterCapacityProviders(name, providers, strategy)) };
}

export function deleteCluster(ctx: Ctx) {
  const name = clusterName(ctx.params.string('cluster'));
  ctx.authorize(clusterResource(ctx, name));
  return { cluster: renderCluster(ctx.world.deleteCluster(name)) };
}

export function describeClusters(ctx: Ctx) {
  const refs = ctx.params.optStringList('clusters') ?? ['default'];
  if (refs.length > 100) throw invalidParameter('clusters can have at most 100 items.');
  const names = refs.map(clusterName);
  ctx.authorize(names.map((n) => clusterResource(ctx, n)));
  const include = new Set<ClusterField>();
  for (const field of ctx.params.optStringList('include') ?? []) {
    if (!CLUSTER_FIELDS.includes(field as ClusterField)) {
      throw invalidParameter(
        `1 validation error detected: Value '[${field}]' at 'include' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${CLUSTER_FIELDS.join(', ')}]]`,
      );
    }
    include.add(field as ClusterField);
  }
  const clusters = [];
  const failures = [];
  for (const [i, name] of names.entries()) {
    const cluster = ctx.world.findCluster(name);
    if (cluster) clusters.push(renderCluster(cluster, include));
    else
      failures.push({ arn: refs[i]?.startsWith('arn:') ? refs[i] : clusterResource(ctx, name).arn, reason: 'MISSING' });
  }
  return { clusters, failures };
}

export function listClusters(ctx: Ctx) {
  ctx.authorize();
  const arns = ctx.world
    .clusters()
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => c.arn);
  const { items, nextToken } = page(arns, ctx.params, { default: 100, max: 100 });
  return { clusterArns: items, nextToken };
}

export function listContainerInstances(ctx: Ctx) {
  const name = clusterName(ctx.params.optString('cluster'));
  ctx.authorize(clusterResource(ctx, name));
  const status = ctx.params.optString('status');
  const byFilter = instanceFilter(ctx.params.optString('filter'));
  const instances = [...ctx.world.cluster(name).instances.values()].filter(
    (i) => (status === undefined ? i.status !== 'INACTIVE' : i.status === status) && byFilter(i),
  );
  const { items, nextToken } = page(
    instances.map((i) => i.arn),
    ctx.params,
    { default: 100, max: 100 },
  );
  return { containerInstanceArns: items, nextToken };
}

export function describeContainerInstances(ctx: Ctx) {
  const name = clusterName(ctx.params.optString('cluster'));
  const refs = ctx.params.optStringList('containerInstances') ?? [];
  ctx.authorize(
    refs.length > 0 ? refs.map((r) => containerInstanceResource(ctx, name, r)) : [clusterResource(ctx, name)],
  );
  if (refs.length === 0 || refs.length > 100)
    throw invalidParameter('containerInstances must have between 1 and 100 items.');
  ctx.world.cluster(name);
  const containerInstances = [];
  const failures = [];
  for (const ref of refs) {
    const instance = ctx.world.findContainerInstance(name, ref);
    if (instance) containerInstances.push(renderContainerInstance(instance, epochSeconds));
    else failures.push({ arn: containerInstanceResource(ctx, name, ref).arn, reason: 'MISSING' });
  }
  return { containerInstances, failures };
}

/**
 * RegisterContainerInstance (meant for the ECS agent): the instance identity document names the
 * EC2 instance (its `instanceId`, `instanceType`); totalResources may set CPU and MEMORY.
 */
export function registerContainerInstance(ctx: Ctx) {
  const name = clusterName(ctx.params.optString('cluster'));
  ctx.authorize(clusterResource(ctx, name));
  const document = ctx.params.optString('instanceIdentityDocument');
  let identity: { instanceId?: unknown; instanceType?: unknown } = {};
  if (document !== undefined) {
    try {
      identity = JSON.parse(document) as typeof identity;
    } catch {
      throw invalidParameter('The instance identity document is not valid JSON.');
    }
  }
  const resources = (ctx.params.optList('totalResources') ?? []) as { name?: string; integerValue?: number }[];
  const resource = (key: string) => resources.find((r) => r.name === key)?.integerValue;
  const instance = ctx.world.registerContainerInstance(name, {
    ...(typeof identity.instanceId === 'string' ? { ec2InstanceId: identity.instanceId } : {}),
    ...(typeof identity.instanceType === 'string' ? { instanceType: identity.instanceType } : {}),
    ...(resource('CPU') !== undefined ? { cpu: resource('CPU') } : {}),
    ...(resource('MEMORY') !== undefined ? { memory: resource('MEMORY') } : {}),
  });
  return { containerInstance: renderContainerInstance(instance, epochSeconds) };
}

export function deregisterContainerInstance(ctx: Ctx) {
  const name = clusterName(ctx.params.optString('cluster'));
  const ref = ctx.params.string('containerInstance');
  ctx.authorize(containerInstanceResource(ctx, name, ref));
  const instance = ctx.world.deregisterContainerInstance(name, ref, ctx.params.optBool('force') ?? false);
  return { containerInstance: renderContainerInstance(instance, epochSeconds) };
}

/**
 * The `filter` of ListContainerInstances is a cluster query language expression ("Create
 * expressions to define container instances", ECS Developer Guide). The sandbox understands the
 * one a client needs to find an instance by its EC2 id, `ec2InstanceId == i-…` (or `in [a, b]`),
 * and refuses the rest rather than ignore them.
 */
function instanceFilter(expression: string | undefined): (instance: { ec2: { id: string } }) => boolean {
  if (expression === undefined || expression.trim() === '') return () => true;
  const equals = /^\s*ec2InstanceId\s*==\s*(\S+)\s*$/.exec(expression);
  if (equals) return (i) => i.ec2.id === equals[1];
  const within = /^\s*ec2InstanceId\s+in\s*\[([^\]]*)\]\s*$/.exec(expression);
  if (within) {
    const ids = within[1]!.split(',').map((id) => id.trim());
    return (i) => ids.includes(i.ec2.id);
  }
  throw invalidParameter(
    `The sandbox understands only ec2InstanceId == ID and ec2InstanceId in [IDs] filters, not: ${expression.slice(0, 100)}`,
  );
}
