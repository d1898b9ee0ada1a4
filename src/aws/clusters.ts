import { CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, type Cluster } from '@aws-sdk/client-ecs';
import { AwsActionError } from '../errors';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, callContext, mapAwsError, type AwsCallBase } from './errors';
import { toStrategy, type CapacityProviderItem } from './launch';
import { type InstanceOps } from './instances';
import { type ServiceOps } from './services';
import { type TaskOps } from './tasks';

export interface ClusterSummary {
  name: string;
  arn: string;
  /** ACTIVE | PROVISIONING | DEPROVISIONING | FAILED | INACTIVE */
  status: string;
  activeServices: number;
  runningTasks: number;
  pendingTasks: number;
  registeredInstances: number;
  /** FARGATE, FARGATE_SPOT or Auto Scaling group providers associated with the cluster. */
  capacityProviders?: string[];
  /** What RunTask and CreateService use when given neither a launch type nor a strategy. */
  defaultStrategy?: CapacityProviderItem[];
}

/** Everything that lives in a cluster, as a teardown sees it. */
export interface ClusterInventory {
  /** False when DescribeClusters says INACTIVE or MISSING. */
  active: boolean;
  /** ACTIVE and DRAINING services (INACTIVE ones are gone; DRAINING ones found through their stopping tasks). */
  services: { name: string; status: string; desired: number; running: number }[];
  /** Tasks being stopped (desiredStatus STOPPED) that have not reached STOPPED yet. */
  stoppingTasks: number;
  /** Running or pending tasks that belong to no service (started by RunTask/StartTask). */
  standaloneTasks: { id: string; taskDefinition: string; lastStatus: string }[];
  /** Container instances that are still registered (not INACTIVE). */
  containerInstances: { id: string; ec2InstanceId?: string; status: string; runningTasks: number }[];
}

/** The ECS cluster resource itself: what `clusters`, `cluster`, `cluster create` and a teardown read and change. */
export interface EcsClusterOps {
  /** This cluster (DescribeClusters); ClusterNotFound as a sentence when ECS does not have it. */
  describe(): Promise<ClusterSummary>;
  /** Any cluster of this account and region by name; undefined when ECS has no ACTIVE one. */
  find(name: string): Promise<ClusterSummary | undefined>;
  /** CreateCluster (idempotent in ECS: an ACTIVE cluster of that name comes back as it is). */
  create(name: string): Promise<ClusterSummary>;
  /** Its services, tasks and container instances, all read at once. */
  inventory(): Promise<ClusterInventory>;
  /**
   * What a delete still waits for: of the named services (and any whose tasks are still
   * stopping), those not yet INACTIVE, and the tasks not yet STOPPED — in the whole cluster (what
   * DeleteCluster would refuse over), or of one service with `scope.service`. Never ListServices,
   * which hides DRAINING services.
   */
  drainState(services: string[], scope?: { service?: string }): Promise<{ services: string[]; tasks: number }>;
  /** DeleteCluster; 'gone' when ECS no longer has it, so that a teardown run again finishes the job. */
  delete(): Promise<'deleted' | 'gone'>;
}

/** What ListTasks answers for a service ECS no longer knows. */
const GONE = ['ServiceNotFoundException', 'ServiceNotActiveException'];

export function createClusterOps(
  clients: Pick<AwsClients, 'ecs'>,
  base: AwsCallBase,
  contents: { services: ServiceOps; tasks: TaskOps; instances: InstanceOps },
): EcsClusterOps {
  const { services, tasks, instances } = contents;
  const cluster = base.clusterName;
  const ctx = callContext(base);

  async function find(name: string): Promise<ClusterSummary | undefined> {
    const out = await awsCall(ctx('ecs:DescribeClusters', `cluster ${name}`), () =>
      clients.ecs().send(new DescribeClustersCommand({ clusters: [name] })),
    );
    // An unknown or deleted cluster is not an error to DescribeClusters: it comes back under
    // `failures` (reason MISSING) or with status INACTIVE.
    const found = (out.clusters ?? []).find((c) => c.status !== 'INACTIVE');
    return found ? toClusterSummary(found) : undefined;
  }

  async function active(): Promise<boolean> {
    const status = (await find(cluster))?.status;
    return status === 'ACTIVE' || status === 'PROVISIONING';
  }

  /** A service ECS has purged has no tasks left to list. */
  const noneWhenGone =
    (scope: { service?: string }) =>
    (err: unknown): never[] => {
      if (scope.service && err instanceof AwsActionError && GONE.includes(err.awsErrorName)) return [];
      throw err;
    };

  return {
    async describe() {
      const found = await find(cluster);
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
        clients.ecs().send(new CreateClusterCommand({ clusterName: name })),
      );
      if (!out.cluster) throw new Error('ECS returned no cluster');
      return toClusterSummary(out.cluster);
    },

    async inventory() {
      // Everything is read at once, the cluster's status too (one round trip fewer): for a
      // cluster that is gone, the lists fail and are not needed.
      const read = Promise.all([services.summaries(), tasks.list(), tasks.stopping(), instances.registered()]);
      read.catch(() => undefined);
      if (!(await active()))
        return { active: false, services: [], stoppingTasks: 0, standaloneTasks: [], containerInstances: [] };
      const [listed, live, stopping, registered] = await read;
      // ListServices hides DRAINING services (DeleteService reference); the tasks they are still
      // stopping name them, and the teardown must wait for them before it deletes the cluster.
      const hidden = [...new Set(stopping.flatMap((t) => t.service ?? []))].filter(
        (name) => !listed.some((s) => s.name === name),
      );
      const draining = await services.describeMany(hidden);
      return {
        active: true,
        services: [...listed, ...draining]
          .map((s) => ({ name: s.name, status: s.status, desired: s.desired, running: s.running }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        stoppingTasks: stopping.length,
        // Tasks a service started carry the group `service:<name>`; everything else was run by hand.
        standaloneTasks: live
          .filter((t) => t.lastStatus !== 'STOPPED' && t.service === undefined)
          .map((t) => ({ id: t.id, taskDefinition: t.taskDefinition, lastStatus: t.lastStatus })),
        containerInstances: registered
          .filter((i) => i.status !== 'INACTIVE')
          .map((i) => ({
            id: i.id,
            ...(i.ec2InstanceId ? { ec2InstanceId: i.ec2InstanceId } : {}),
            status: i.status,
            runningTasks: i.runningTasks + i.pendingTasks,
          })),
      };
    },

    async drainState(names, scope = {}) {
      if (!scope.service && !(await active())) return { services: [], tasks: 0 };
      // Never ListServices: it hides DRAINING services. The services are described by name, and
      // the tasks listed both ways (desiredStatus RUNNING, and STOPPED for those still stopping).
      const service = scope.service ? { service: scope.service } : {};
      const [left, running, stopping] = await Promise.all([
        services.describeMany(names),
        tasks.ids(service).catch(noneWhenGone(scope)),
        tasks.stopping(scope.service).catch(noneWhenGone(scope)),
      ]);
      const waiting = new Set(left.map((s) => s.name));
      for (const task of stopping) {
        if (task.service && (!scope.service || task.service === scope.service)) waiting.add(task.service);
      }
      return { services: [...waiting].sort(), tasks: running.length + stopping.length };
    },

    async delete() {
      const out = await awsCallUnlessMissing(
        ctx('ecs:DeleteCluster', `cluster ${cluster}`),
        (name) => name === 'ClusterNotFoundException',
        () => clients.ecs().send(new DeleteClusterCommand({ cluster })),
      );
      return out ? 'deleted' : 'gone';
    },
  };
}

function toClusterSummary(c: Cluster): ClusterSummary {
  return {
    name: c.clusterName ?? c.clusterArn?.split('/').pop() ?? '?',
    arn: c.clusterArn ?? '',
    status: c.status ?? 'UNKNOWN',
    activeServices: c.activeServicesCount ?? 0,
    runningTasks: c.runningTasksCount ?? 0,
    pendingTasks: c.pendingTasksCount ?? 0,
    registeredInstances: c.registeredContainerInstancesCount ?? 0,
    capacityProviders: c.capacityProviders ?? [],
    defaultStrategy: toStrategy(c.defaultCapacityProviderStrategy) ?? [],
  };
}
