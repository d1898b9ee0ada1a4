import { CreateClusterCommand, DescribeClustersCommand, type Cluster, type ECSClient } from '@aws-sdk/client-ecs';
import { awsCall, mapAwsError, type AwsCallContext } from './errors';
import { type ClusterSummary, type EcsClusterOps } from './types';

/** The ECS cluster resource: what `clusters`, `cluster` and `cluster create` read and create. */
export function createClusterOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): EcsClusterOps {
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  async function find(name: string): Promise<ClusterSummary | undefined> {
    const out = await awsCall(ctx('ecs:DescribeClusters', `cluster ${name}`), () =>
      ecs.send(new DescribeClustersCommand({ clusters: [name] })),
    );
    // An unknown or deleted cluster is not an error to DescribeClusters: it comes back under
    // `failures` (reason MISSING) or with status INACTIVE.
    const cluster = (out.clusters ?? []).find((c) => c.status !== 'INACTIVE');
    return cluster ? toClusterSummary(cluster) : undefined;
  }

  return {
    async describe() {
      const found = await find(base.clusterName);
      if (!found) {
        // Phrased exactly as when another call meets ClusterNotFoundException.
        throw mapAwsError(
          Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }),
          ctx('ecs:DescribeClusters'),
        );
      }
      return found;
    },
    find,
    async create(name) {
      const out = await awsCall(ctx('ecs:CreateCluster', `cluster ${name}`), () =>
        ecs.send(new CreateClusterCommand({ clusterName: name })),
      );
      if (!out.cluster) throw new Error('ECS returned no cluster');
      return toClusterSummary(out.cluster);
    },
  };
}

export function toClusterSummary(c: Cluster): ClusterSummary {
  return {
    name: c.clusterName ?? c.clusterArn?.split('/').pop() ?? '?',
    arn: c.clusterArn ?? '',
    status: c.status ?? 'UNKNOWN',
    activeServices: c.activeServicesCount ?? 0,
    runningTasks: c.runningTasksCount ?? 0,
    pendingTasks: c.pendingTasksCount ?? 0,
    registeredInstances: c.registeredContainerInstancesCount ?? 0,
    capacityProviders: c.capacityProviders ?? [],
    defaultStrategy: (c.defaultCapacityProviderStrategy ?? []).map((i) => ({
      capacityProvider: i.capacityProvider ?? '?',
      weight: i.weight ?? 0,
      base: i.base ?? 0,
    })),
  };
}
