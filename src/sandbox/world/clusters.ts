import type { Tag } from '@aws-sdk/client-ecs';
import { AwsError, invalidParameter } from '../errors';
import { ecsArn, type WorldContext } from './context';
import type { ClusterRecord } from './records';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/** CreateCluster is idempotent: an ACTIVE cluster of that name is returned as it is. */
export function createCluster(ctx: WorldContext, name: string, tags: Tag[] = []): ClusterRecord {
  if (!NAME.test(name)) {
    throw invalidParameter(
      'Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores, and hyphens.',
    );
  }
  const existing = ctx.clusters.get(name);
  if (existing?.status === 'ACTIVE') return existing;
  const cluster: ClusterRecord = {
    name,
    arn: ecsArn(ctx, `cluster/${name}`),
    status: 'ACTIVE',
    createdAt: ctx.now,
    tags,
    services: new Map(),
    tasks: new Map(),
    instances: new Map(),
    capacityProviders: [],
    defaultStrategy: [],
    unsatisfied: new Set(),
    pendingTasksCount: 0,
    runningTasksCount: 0,
  };
  ctx.clusters.set(name, cluster);
  return cluster;
}

/** Refuses while anything still lives in the cluster, in the order ECS checks. */
export function deleteCluster(ctx: WorldContext, cluster: ClusterRecord): ClusterRecord {
  for (const service of cluster.services.values()) {
    if (service.status !== 'INACTIVE') {
      throw new AwsError(
        'ClusterContainsServicesException',
        'The Cluster cannot be deleted while Services are active.',
      );
    }
  }
  if (
    cluster.pendingTasksCount + cluster.runningTasksCount > 0 ||
    [...cluster.tasks.values()].some((t) => t.lastStatus !== 'STOPPED' && !t.orphaned)
  ) {
    throw new AwsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
  }
  for (const instance of cluster.instances.values()) {
    if (instance.status !== 'INACTIVE') {
      throw new AwsError(
        'ClusterContainsContainerInstancesException',
        'The Cluster cannot be deleted while Container Instances are active or draining.',
      );
    }
  }
  cluster.status = 'INACTIVE';
  return cluster;
}
