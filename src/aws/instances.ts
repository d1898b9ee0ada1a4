import {
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  paginateListContainerInstances,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { type Instance } from '@aws-sdk/client-ec2';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { EC2_INSTANCE_ID } from '../commands/arguments';
import { idOfArn, idStartsWith, parseEcsId } from '../commands/ecs-ids';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, callContext, type AwsCallBase } from './errors';
import { chunk, mapLimit } from './concurrency';

export interface ContainerInstanceInfo {
  id: string;
  arn: string;
  ec2InstanceId?: string;
  /** ACTIVE | DRAINING | INACTIVE | REGISTERING | … */
  status: string;
  agentConnected: boolean;
  instanceType?: string;
  availabilityZone?: string;
  runningTasks: number;
  pendingTasks: number;
  /** CPU units and MiB: registered, and what tasks have not reserved. */
  registeredCpu: number;
  remainingCpu: number;
  registeredMemory: number;
  remainingMemory: number;
  agentVersion?: string;
  registeredAt?: number;
}

/** The EC2 instance behind a container instance (EC2 DescribeInstances). */
export interface Ec2InstanceDetail {
  id: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  type?: string;
  publicDnsName?: string;
  privateDnsName?: string;
  privateIp?: string;
  publicIp?: string;
  launchTime?: number;
  availabilityZone?: string;
}

/** The cluster's container instances, and the EC2 instances behind them. */
export interface InstanceOps {
  /** How many container instances the cluster has (ACTIVE). */
  count(): Promise<number>;
  /** Every registered (ACTIVE or DRAINING) container instance: ListContainerInstances + DescribeContainerInstances, 100 at a time. */
  list(): Promise<ContainerInstanceInfo[]>;
  /** The same, in the order ECS lists them (what a teardown plans by), where `list` sorts by registration time. */
  registered(): Promise<ContainerInstanceInfo[]>;
  /** One container instance by its id (or a unique prefix), ARN or EC2 instance id; NotFoundError listing those that exist. */
  find(ref: string): Promise<ContainerInstanceInfo>;
  /**
   * The whole container instance id a reference names, with at most one call, so that work on it
   * can start early: a whole id (or an ARN of this cluster) as it is, an EC2 id through
   * ListContainerInstances filtered by ec2InstanceId; undefined for the start of an id or when
   * nothing matches (`find` then says what exists).
   */
  resolveId(ref: string): Promise<string | undefined>;
  /** EC2 DescribeInstances for the instance behind a container instance; undefined when EC2 does not know it. */
  ec2(instanceId: string): Promise<Ec2InstanceDetail | undefined>;
  /** The named EC2 instances that still exist, with their state (unknown ids are left out, not an error). */
  ec2Instances(ids: string[]): Promise<Ec2InstanceDetail[]>;
  /** DeregisterContainerInstance with force; 'gone' when ECS no longer knows it. */
  deregister(id: string): Promise<'deregistered' | 'gone'>;
  /** EC2 TerminateInstances for one instance; returns its state after the call ('terminated' when EC2 no longer knows it). */
  terminate(ec2InstanceId: string): Promise<string>;
}

/** ECS limits: ListContainerInstances returns at most 100 a page; DescribeContainerInstances takes at most 100. */
const PAGE = 100;
const PARALLEL_CALLS = 8;

export function createInstanceOps(clients: Pick<AwsClients, 'ecs' | 'ec2'>, base: AwsCallBase): InstanceOps {
  const cluster = base.clusterName;
  const ctx = callContext(base);

  async function listArns(status?: 'ACTIVE', filter?: string): Promise<string[]> {
    return awsCall(ctx('ecs:ListContainerInstances'), async () => {
      const arns: string[] = [];
      // Without a status ECS lists every instance that is not INACTIVE (ACTIVE, DRAINING, …).
      const input = { cluster, maxResults: PAGE, ...(status ? { status } : {}), ...(filter ? { filter } : {}) };
      for await (const page of paginateListContainerInstances({ client: clients.ecs(), pageSize: PAGE }, input)) {
        arns.push(...(page.containerInstanceArns ?? []));
      }
      return arns;
    });
  }

  async function describe(refs: string[]): Promise<ContainerInstanceInfo[]> {
    const batches = await mapLimit(chunk(refs, PAGE), PARALLEL_CALLS, (batch) =>
      awsCall(
        ctx('ecs:DescribeContainerInstances', batch.length === 1 ? `container instance ${batch[0]}` : undefined),
        () => clients.ecs().send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })),
      ),
    );
    return batches.flatMap((b) => b.containerInstances ?? []).map(toContainerInstanceInfo);
  }

  async function registered(): Promise<ContainerInstanceInfo[]> {
    return describe(await listArns());
  }

  async function list(): Promise<ContainerInstanceInfo[]> {
    const all = await registered();
    return all.sort((a, b) => (a.registeredAt ?? 0) - (b.registeredAt ?? 0) || a.id.localeCompare(b.id));
  }

  function notFound(ref: string, instances: ContainerInstanceInfo[], detail = ''): never {
    const byEc2 = EC2_INSTANCE_ID.test(ref);
    const names = instances.map((i) => (byEc2 ? (i.ec2InstanceId ?? i.id) : i.id));
    const listed =
      instances.length === 0
        ? 'It has no container instances.'
        : `Instances there: ${instances
            .slice(0, 20)
            .map((i) => `\`${i.ec2InstanceId ?? '?'}\` (\`${i.id.slice(0, 8)}\`)`)
            .join(', ')}${instances.length > 20 ? ` and ${instances.length - 20} more` : ''}.`;
    throw new NotFoundError(
      `There is no container instance \`${escapeText(ref)}\` in *${base.alias}*${detail}.${didYouMean(ref, names)} ${listed}`,
    );
  }

  /** The container instance running on an EC2 instance, by the cluster query language. */
  async function byEc2Id(ec2InstanceId: string): Promise<string | undefined> {
    return (await listArns(undefined, `ec2InstanceId == ${ec2InstanceId}`))[0];
  }

  /**
   * EC2 DescribeInstances by a filter, not InstanceIds: EC2 fails the whole call when one named id
   * no longer exists (it forgets terminated instances after a while), and not finding one is an
   * answer, not a failure.
   */
  async function ec2Instances(ids: string[]): Promise<Ec2InstanceDetail[]> {
    const found: Ec2InstanceDetail[] = [];
    for (const batch of chunk(ids, 200)) {
      const { m, client } = await clients.ec2();
      const out = await awsCall(
        ctx('ec2:DescribeInstances', batch.length === 1 ? `EC2 instance ${batch[0]}` : undefined),
        () => client.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: batch }] })),
      );
      for (const r of out.Reservations ?? []) {
        for (const i of r.Instances ?? []) if (i.InstanceId) found.push(toEc2InstanceDetail(i));
      }
    }
    return found;
  }

  return {
    async count() {
      return (await listArns('ACTIVE')).length;
    },
    list,
    registered,
    async find(ref) {
      const parsed = EC2_INSTANCE_ID.test(ref) ? undefined : parseEcsId(ref, 'container-instance');
      if (parsed?.form === 'id') {
        if (parsed.cluster && parsed.cluster !== idOfArn(cluster)) {
          throw new NotFoundError(
            `\`${escapeText(ref)}\` is a container instance of cluster \`${escapeText(parsed.cluster)}\`, not of *${base.alias}* (\`${escapeText(idOfArn(cluster))}\`). Add \`-c\` with the cluster it belongs to.`,
          );
        }
        const [found] = await describe([parsed.id]).catch((err: unknown) => {
          // A malformed id is InvalidParameter, an unknown one a MISSING failure: both mean "no such instance".
          if (err instanceof AwsActionError && err.awsErrorName === 'InvalidParameterException') return [];
          throw err;
        });
        if (found) return found;
        return notFound(ref, await list());
      }
      const byEc2 = EC2_INSTANCE_ID.test(ref);
      if (byEc2) {
        // One filtered list instead of describing every instance to find the one.
        const arn = await byEc2Id(ref);
        const [found] = arn ? await describe([arn]) : [];
        if (found) return found;
      }
      const all = await list();
      const matches = all.filter((i) =>
        byEc2 ? i.ec2InstanceId === ref : parsed ? idStartsWith(i.id, parsed.prefix) : false,
      );
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) {
        throw new NotFoundError(
          `\`${escapeText(ref)}\` matches ${matches.length} container instances in *${base.alias}*: ${matches
            .slice(0, 5)
            .map((i) => `\`${escapeText(i.id)}\``)
            .join(', ')}. Type more of the id.`,
        );
      }
      return notFound(ref, all, byEc2 ? ' running on that EC2 instance' : '');
    },
    async resolveId(ref) {
      if (EC2_INSTANCE_ID.test(ref)) {
        const arn = await byEc2Id(ref);
        return arn ? idOfArn(arn) : undefined;
      }
      const parsed = parseEcsId(ref, 'container-instance');
      return parsed?.form === 'id' && (!parsed.cluster || parsed.cluster === idOfArn(cluster)) ? parsed.id : undefined;
    },
    async ec2(instanceId) {
      return (await ec2Instances([instanceId]))[0];
    },
    ec2Instances,
    async deregister(id) {
      const out = await awsCallUnlessMissing(
        ctx('ecs:DeregisterContainerInstance', `container instance ${id}`),
        (name, message) => name === 'InvalidParameterException' && /not found/i.test(message),
        // force: its tasks were stopped already; anything left over must not keep the instance.
        () =>
          clients.ecs().send(new DeregisterContainerInstanceCommand({ cluster, containerInstance: id, force: true })),
      );
      return out ? 'deregistered' : 'gone';
    },
    async terminate(ec2InstanceId) {
      const { m, client } = await clients.ec2();
      const out = await awsCallUnlessMissing(
        ctx('ec2:TerminateInstances', `EC2 instance ${ec2InstanceId}`),
        (name) => name === 'InvalidInstanceID.NotFound',
        () => client.send(new m.TerminateInstancesCommand({ InstanceIds: [ec2InstanceId] })),
      );
      if (!out) return 'terminated';
      return out.TerminatingInstances?.[0]?.CurrentState?.Name ?? 'shutting-down';
    },
  };
}

function toContainerInstanceInfo(ci: ContainerInstance): ContainerInstanceInfo {
  const resource = (list: ContainerInstance['registeredResources'], name: string) =>
    list?.find((r) => r.name === name)?.integerValue ?? 0;
  const attribute = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
  const info: ContainerInstanceInfo = {
    id: idOfArn(ci.containerInstanceArn) || '?',
    arn: ci.containerInstanceArn ?? '',
    status: ci.status ?? 'UNKNOWN',
    agentConnected: ci.agentConnected ?? false,
    runningTasks: ci.runningTasksCount ?? 0,
    pendingTasks: ci.pendingTasksCount ?? 0,
    registeredCpu: resource(ci.registeredResources, 'CPU'),
    remainingCpu: resource(ci.remainingResources, 'CPU'),
    registeredMemory: resource(ci.registeredResources, 'MEMORY'),
    remainingMemory: resource(ci.remainingResources, 'MEMORY'),
  };
  const instanceType = attribute('ecs.instance-type');
  const zone = attribute('ecs.availability-zone');
  if (ci.ec2InstanceId) info.ec2InstanceId = ci.ec2InstanceId;
  if (instanceType) info.instanceType = instanceType;
  if (zone) info.availabilityZone = zone;
  if (ci.versionInfo?.agentVersion) info.agentVersion = ci.versionInfo.agentVersion;
  if (ci.registeredAt) info.registeredAt = ci.registeredAt.getTime();
  return info;
}

function toEc2InstanceDetail(i: Instance): Ec2InstanceDetail {
  const detail: Ec2InstanceDetail = { id: i.InstanceId ?? '?', state: i.State?.Name ?? 'unknown' };
  if (i.InstanceType) detail.type = i.InstanceType;
  if (i.PublicDnsName) detail.publicDnsName = i.PublicDnsName;
  if (i.PrivateDnsName) detail.privateDnsName = i.PrivateDnsName;
  if (i.PrivateIpAddress) detail.privateIp = i.PrivateIpAddress;
  if (i.PublicIpAddress) detail.publicIp = i.PublicIpAddress;
  if (i.LaunchTime) detail.launchTime = i.LaunchTime.getTime();
  if (i.Placement?.AvailabilityZone) detail.availabilityZone = i.Placement.AvailabilityZone;
  return detail;
}
