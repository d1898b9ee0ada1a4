import { sliceWhole } from '../unicode';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTasks,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { AwsActionError } from '../errors';
import { awsCall, awsErrorName, type AwsCallContext } from './errors';
import { chunk, mapLimit } from './concurrency';
import { type ClusterInventory, type Ec2InstanceState, type TeardownOps } from './types';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type Ec2Module = typeof import('@aws-sdk/client-ec2');

/** ECS limits: 100 ARNs a List page, 10 services or 100 tasks/instances a Describe. */
const PAGE = 100;
const PARALLEL_CALLS = 8;
/** What ListTasks answers for a service ECS no longer knows. */
const GONE = ['ServiceNotFoundException', 'ServiceNotActiveException'];

/**
 * A teardown's reads and deletes, on one cluster with one role. Deletes of something already gone
 * answer 'gone' instead of failing, so that running teardown again after a partial run finishes
 * the job instead of tripping over what the first run did.
 */
export function createTeardownOps(
  clients: { ecs: ECSClient; ec2Config: EC2ClientConfig },
  base: Omit<AwsCallContext, 'action'>,
): TeardownOps {
  const { ecs } = clients;
  // The EC2 client is loaded when a teardown first needs it: most jobs never do, and it is a
  // large module to evaluate at the worker's cold start.
  let ec2Loaded: Promise<{ m: Ec2Module; client: InstanceType<Ec2Module['EC2Client']> }> | undefined;
  const ec2 = () =>
    (ec2Loaded ??= import('@aws-sdk/client-ec2').then((m) => ({ m, client: new m.EC2Client(clients.ec2Config) })));
  const cluster = base.clusterName;
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });
  /** Task ARNs already seen STOPPED (see stoppingTasks). */
  const seenStopped = new Set<string>();

  async function clusterActive(): Promise<boolean> {
    const out = await awsCall(ctx('ecs:DescribeClusters'), () =>
      ecs.send(new DescribeClustersCommand({ clusters: [cluster] })),
    );
    return (out.clusters ?? []).some((c) => c.status === 'ACTIVE' || c.status === 'PROVISIONING');
  }

  async function services(): Promise<ClusterInventory['services']> {
    const arns = await awsCall(ctx('ecs:ListServices'), async () => {
      const all: string[] = [];
      for await (const page of paginateListServices({ client: ecs, pageSize: PAGE }, { cluster, maxResults: PAGE }))
        all.push(...(page.serviceArns ?? []));
      return all;
    });
    const batches = await mapLimit(chunk(arns, 10), PARALLEL_CALLS, (names) =>
      awsCall(ctx('ecs:DescribeServices'), () => ecs.send(new DescribeServicesCommand({ cluster, services: names }))),
    );
    return batches
      .flatMap((b) => b.services ?? [])
      .filter((s) => s.status !== 'INACTIVE')
      .map((s) => ({
        name: s.serviceName ?? lastPart(s.serviceArn),
        status: s.status ?? 'UNKNOWN',
        desired: s.desiredCount ?? 0,
        running: s.runningCount ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async function listTaskArns(desiredStatus: 'RUNNING' | 'STOPPED', serviceName?: string): Promise<string[]> {
    return awsCall(ctx('ecs:ListTasks', serviceName ? `tasks of service ${serviceName}` : undefined), async () => {
      const all: string[] = [];
      const input = { cluster, maxResults: PAGE, desiredStatus, ...(serviceName ? { serviceName } : {}) };
      for await (const page of paginateListTasks({ client: ecs, pageSize: PAGE }, input))
        all.push(...(page.taskArns ?? []));
      return all;
    });
  }

  async function describeTasks(arns: string[]): Promise<Task[]> {
    const batches = await mapLimit(chunk(arns, PAGE), PARALLEL_CALLS, (tasks) =>
      awsCall(ctx('ecs:DescribeTasks'), () => ecs.send(new DescribeTasksCommand({ cluster, tasks }))),
    );
    return batches.flatMap((b) => b.tasks ?? []);
  }

  async function liveTasks(): Promise<{ id: string; taskDefinition: string; lastStatus: string; group: string }[]> {
    const tasks = await describeTasks(await listTaskArns('RUNNING'));
    return tasks
      .filter((t) => t.lastStatus !== 'STOPPED')
      .map((t) => ({
        id: lastPart(t.taskArn),
        taskDefinition: lastPart(t.taskDefinitionArn),
        lastStatus: t.lastStatus ?? 'UNKNOWN',
        group: t.group ?? '',
      }));
  }

  /**
   * Tasks ECS is stopping but that have not reached STOPPED: their desiredStatus is STOPPED
   * already, so the default ListTasks (desiredStatus RUNNING) leaves them out, yet DeleteCluster
   * refuses while they exist (ClusterContainsTasksException).
   */
  async function stoppingTasks(serviceName?: string): Promise<Task[]> {
    // ECS lists stopped tasks for an hour; one seen STOPPED never changes again, so a wait that
    // polls describes only the tasks it has not yet seen stopped.
    const arns = (await listTaskArns('STOPPED', serviceName)).filter((arn) => !seenStopped.has(arn));
    const tasks = await describeTasks(arns);
    for (const t of tasks) if (t.lastStatus === 'STOPPED' && t.taskArn) seenStopped.add(t.taskArn);
    return tasks.filter((t) => t.lastStatus !== 'STOPPED');
  }

  /** DescribeServices of named services (10 a call): those neither INACTIVE nor missing. */
  async function notInactive(names: string[]): Promise<Service[]> {
    const batches = await mapLimit(chunk(names, 10), PARALLEL_CALLS, (batch) =>
      awsCall(ctx('ecs:DescribeServices'), () => ecs.send(new DescribeServicesCommand({ cluster, services: batch }))),
    );
    return batches.flatMap((b) => b.services ?? []).filter((s) => s.status !== 'INACTIVE');
  }

  /** The service a task belongs to, from its group `service:NAME`. */
  function serviceOf(task: Task): string | undefined {
    return task.group?.startsWith('service:') ? task.group.slice('service:'.length) : undefined;
  }

  async function containerInstances(): Promise<ClusterInventory['containerInstances']> {
    const arns = await awsCall(ctx('ecs:ListContainerInstances'), async () => {
      const all: string[] = [];
      for await (const page of paginateListContainerInstances(
        { client: ecs, pageSize: PAGE },
        { cluster, maxResults: PAGE },
      ))
        all.push(...(page.containerInstanceArns ?? []));
      return all;
    });
    const batches = await mapLimit(chunk(arns, PAGE), PARALLEL_CALLS, (ids) =>
      awsCall(ctx('ecs:DescribeContainerInstances'), () =>
        ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: ids })),
      ),
    );
    return batches
      .flatMap((b) => b.containerInstances ?? [])
      .filter((i) => i.status !== 'INACTIVE')
      .map((i) => ({
        id: lastPart(i.containerInstanceArn),
        ...(i.ec2InstanceId ? { ec2InstanceId: i.ec2InstanceId } : {}),
        status: i.status ?? 'UNKNOWN',
        runningTasks: (i.runningTasksCount ?? 0) + (i.pendingTasksCount ?? 0),
      }));
  }

  /** Runs a delete; an error that means "it is already gone" becomes `gone`. */
  async function unlessGone<T>(
    action: string,
    resource: string,
    goneWhen: (name: string, message: string) => boolean,
    call: () => Promise<T>,
  ): Promise<T | 'gone'> {
    try {
      return await awsCall(ctx(action, resource), call);
    } catch (err) {
      if (err instanceof AwsActionError) {
        const cause = err.cause;
        const message = cause instanceof Error ? cause.message : '';
        if (goneWhen(err.awsErrorName || awsErrorName(cause), message)) return 'gone';
      }
      throw err;
    }
  }

  return {
    async inventory() {
      // Everything is read at once, the cluster's status too (one round trip fewer): for a
      // cluster that is gone, the lists fail and are not needed.
      const contents = Promise.all([services(), liveTasks(), stoppingTasks(), containerInstances()]);
      contents.catch(() => undefined);
      if (!(await clusterActive()))
        return { active: false, services: [], stoppingTasks: 0, standaloneTasks: [], containerInstances: [] };
      const [listed, tasks, stopping, instances] = await contents;
      // ListServices hides DRAINING services (DeleteService reference); the tasks they are still
      // stopping name them, and the teardown must wait for them before it deletes the cluster.
      const hidden = [...new Set(stopping.flatMap((t) => serviceOf(t) ?? []))].filter(
        (name) => !listed.some((s) => s.name === name),
      );
      const draining = (await notInactive(hidden)).map((s) => ({
        name: s.serviceName ?? lastPart(s.serviceArn),
        status: s.status ?? 'UNKNOWN',
        desired: s.desiredCount ?? 0,
        running: s.runningCount ?? 0,
      }));
      return {
        active: true,
        services: [...listed, ...draining].sort((a, b) => a.name.localeCompare(b.name)),
        stoppingTasks: stopping.length,
        // Tasks a service started carry the group `service:<name>`; everything else was run by hand.
        standaloneTasks: tasks.filter((t) => !t.group.startsWith('service:')).map(({ group: _group, ...t }) => t),
        containerInstances: instances,
      };
    },

    async ec2Instances(ids) {
      if (ids.length === 0) return [];
      // A filter, not InstanceIds: EC2 fails the whole call when one named id no longer exists.
      const found: Ec2InstanceState[] = [];
      for (const batch of chunk(ids, 200)) {
        const { m, client } = await ec2();
        const out = await awsCall(ctx('ec2:DescribeInstances'), () =>
          client.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: batch }] })),
        );
        for (const r of out.Reservations ?? []) {
          for (const i of r.Instances ?? []) {
            if (i.InstanceId)
              found.push({
                id: i.InstanceId,
                state: i.State?.Name ?? 'unknown',
                ...(i.InstanceType ? { type: i.InstanceType } : {}),
              });
          }
        }
      }
      return found;
    },

    async drainState(services, scope = {}) {
      if (!scope.service && !(await clusterActive())) return { services: [], tasks: 0 };
      // Never ListServices: it hides DRAINING services. The services are described by name, and
      // the tasks listed both ways (desiredStatus RUNNING, and STOPPED for those still stopping).
      const [left, running, stopping] = await Promise.all([
        notInactive(services),
        listTaskArns('RUNNING', scope.service).catch((err: unknown) => {
          if (scope.service && err instanceof AwsActionError && GONE.includes(err.awsErrorName)) return [];
          throw err;
        }),
        stoppingTasks(scope.service).catch((err: unknown) => {
          // A service ECS has purged has no tasks left to list.
          if (scope.service && err instanceof AwsActionError && GONE.includes(err.awsErrorName)) return [];
          throw err;
        }),
      ]);
      const names = new Set(left.map((s) => s.serviceName ?? lastPart(s.serviceArn)));
      for (const task of stopping) {
        const name = serviceOf(task);
        if (name && (!scope.service || name === scope.service)) names.add(name);
      }
      return { services: [...names].sort(), tasks: running.length + stopping.length };
    },

    async deleteService(name) {
      const gone = (code: string) => code === 'ServiceNotFoundException' || code === 'ServiceNotActiveException';
      // Scale to 0 first so ECS stops the tasks through the scheduler; force deletes it even so.
      const scaled = await unlessGone('ecs:UpdateService', `service ${name}`, gone, () =>
        ecs.send(new UpdateServiceCommand({ cluster, service: name, desiredCount: 0 })),
      );
      if (scaled === 'gone') return 'gone';
      const deleted = await unlessGone('ecs:DeleteService', `service ${name}`, gone, () =>
        ecs.send(new DeleteServiceCommand({ cluster, service: name, force: true })),
      );
      if (deleted === 'gone') return 'gone';
      return deleted.service?.status === 'INACTIVE' ? 'deleted' : 'draining';
    },

    async stopTask(id, reason) {
      const out = await unlessGone(
        'ecs:StopTask',
        `task ${id}`,
        (code, message) => code === 'InvalidParameterException' && /not found/i.test(message),
        () => ecs.send(new StopTaskCommand({ cluster, task: id, reason: sliceWhole(reason, 255) })),
      );
      return out === 'gone' ? 'gone' : 'stopped';
    },

    async deregisterContainerInstance(id) {
      const out = await unlessGone(
        'ecs:DeregisterContainerInstance',
        `container instance ${id}`,
        (code, message) => code === 'InvalidParameterException' && /not found/i.test(message),
        // force: its tasks were stopped already; anything left over must not keep the instance.
        () => ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance: id, force: true })),
      );
      return out === 'gone' ? 'gone' : 'deregistered';
    },

    async terminateInstance(id) {
      const { m, client } = await ec2();
      const out = await unlessGone(
        'ec2:TerminateInstances',
        `EC2 instance ${id}`,
        (code) => code === 'InvalidInstanceID.NotFound',
        () => client.send(new m.TerminateInstancesCommand({ InstanceIds: [id] })),
      );
      if (out === 'gone') return 'terminated';
      return out.TerminatingInstances?.[0]?.CurrentState?.Name ?? 'shutting-down';
    },

    async deleteCluster() {
      const out = await unlessGone(
        'ecs:DeleteCluster',
        `cluster ${cluster}`,
        (code) => code === 'ClusterNotFoundException',
        () => ecs.send(new DeleteClusterCommand({ cluster })),
      );
      return out === 'gone' ? 'gone' : 'deleted';
    },
  };
}

function lastPart(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '?';
}
