import {
  DescribeContainerInstancesCommand,
  paginateListContainerInstances,
  type ContainerInstance,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { type EC2ClientConfig, type Instance } from '@aws-sdk/client-ec2';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { EC2_INSTANCE_ID } from '../commands/arguments';
import { idOfArn, idStartsWith, parseEcsId } from '../commands/ecs-ids';
import { awsCall, type AwsCallContext } from './errors';
import { chunk, mapLimit } from './concurrency';
import { type ContainerInstanceInfo, type Ec2InstanceDetail, type InstanceOps } from './types';
import { escapeText } from '../slack/message';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type Ec2Module = typeof import('@aws-sdk/client-ec2');

/** ECS limits: ListContainerInstances returns at most 100 a page; DescribeContainerInstances takes at most 100. */
const PAGE = 100;
const PARALLEL_CALLS = 8;

export function createInstanceOps(
  clients: { ecs: ECSClient; ec2Config: EC2ClientConfig },
  base: Omit<AwsCallContext, 'action'>,
): InstanceOps {
  const { ecs } = clients;
  const cluster = base.clusterName;
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });
  // The EC2 client is loaded the first time `instance ID` needs it: a large module most jobs never use.
  let ec2Loaded: Promise<{ m: Ec2Module; client: InstanceType<Ec2Module['EC2Client']> }> | undefined;
  const ec2 = () =>
    (ec2Loaded ??= import('@aws-sdk/client-ec2').then((m) => ({ m, client: new m.EC2Client(clients.ec2Config) })));

  async function listArns(status?: 'ACTIVE', filter?: string): Promise<string[]> {
    return awsCall(ctx('ecs:ListContainerInstances'), async () => {
      const arns: string[] = [];
      // Without a status ECS lists every instance that is not INACTIVE (ACTIVE, DRAINING, …).
      const input = { cluster, maxResults: PAGE, ...(status ? { status } : {}), ...(filter ? { filter } : {}) };
      for await (const page of paginateListContainerInstances({ client: ecs, pageSize: PAGE }, input)) {
        arns.push(...(page.containerInstanceArns ?? []));
      }
      return arns;
    });
  }

  async function describe(refs: string[]): Promise<ContainerInstanceInfo[]> {
    const batches = await mapLimit(chunk(refs, PAGE), PARALLEL_CALLS, (batch) =>
      awsCall(
        ctx('ecs:DescribeContainerInstances', batch.length === 1 ? `container instance ${batch[0]}` : undefined),
        () => ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })),
      ),
    );
    return batches.flatMap((b) => b.containerInstances ?? []).map(toContainerInstanceInfo);
  }

  async function list(): Promise<ContainerInstanceInfo[]> {
    const all = await describe(await listArns());
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

  return {
    async count() {
      return (await listArns('ACTIVE')).length;
    },
    list,
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
      const { m, client } = await ec2();
      try {
        const out = await awsCall(ctx('ec2:DescribeInstances', `EC2 instance ${instanceId}`), () =>
          client.send(new m.DescribeInstancesCommand({ InstanceIds: [instanceId] })),
        );
        const instance = (out.Reservations ?? [])
          .flatMap((r) => r.Instances ?? [])
          .find((i) => i.InstanceId === instanceId);
        return instance ? toEc2InstanceDetail(instance) : undefined;
      } catch (err) {
        // EC2 forgets terminated instances after a while: not finding one is an answer, not a failure.
        if (err instanceof AwsActionError && err.awsErrorName === 'InvalidInstanceID.NotFound') return undefined;
        throw err;
      }
    },
  };
}

export function toContainerInstanceInfo(ci: ContainerInstance): ContainerInstanceInfo {
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
