import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  paginateListContainerInstances,
  paginateListServices,
  type ContainerDefinition,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { AwsActionError } from '../errors';
import { idOfArn } from '../commands/ecs-ids';
import { sliceWhole } from '../unicode';
import { awsCall, callContext, type AwsCallBase } from './errors';
import { type AwsClients } from './clients';
import { chunk, mapLimit } from './concurrency';

/**
 * What a best-practice audit reads about one cluster (`/ecs audit`), as plain data for the rules in
 * src/best-practice/rules/: its services (with tags and deployment settings), their task
 * definitions (images, memory, fixed host ports, the NAMES of environment variables — never their
 * values), its container instances (agent, zone) and their EC2 instances (security groups, IMDS
 * tokens), the security groups and inbound rules of those instances and of the services' task ENIs,
 * and the zones of the services' subnets.
 *
 * Bounded round trips, whatever the cluster's size: the lists are paginated (100 a page) and the
 * describes batched at ECS's and EC2's limits (10 services, 100 container instances, 100 EC2
 * instances or security groups, 200 filter values a call), eight calls at a time, and each step
 * starts as soon as what it needs has arrived (about four rounds in all). Every string from AWS is
 * bounded here. A part EC2 refuses (a read role made before the audit existed) becomes a gap the
 * audit names, not a failure.
 */

export interface AuditEvidence {
  clusterName: string;
  clusterTags: Record<string, string>;
  services: ServiceEvidence[];
  taskDefinitions: TaskDefinitionEvidence[];
  instances: InstanceEvidence[];
  securityGroups: SecurityGroupEvidence[];
  subnets: SubnetEvidence[];
  /** What could not be read, so the audit says what it did not check. */
  gaps: EvidenceGap[];
}

export interface ServiceEvidence {
  name: string;
  desired: number;
  /** family:revision */
  taskDefinition: string;
  /** EC2 | FARGATE | EXTERNAL, or 'capacity provider' when a strategy launches it. */
  launch: string;
  circuitBreaker: { enable: boolean; rollback: boolean };
  awsvpc?: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean };
  tags: Record<string, string>;
}

export interface TaskDefinitionEvidence {
  /** family:revision */
  taskDefinition: string;
  networkMode: string;
  /** Task-level memory (MiB), required on Fargate; a container without its own limit shares it. */
  taskMemory?: number;
  containers: ContainerEvidence[];
}

export interface ContainerEvidence {
  name: string;
  image: string;
  memory?: number;
  memoryReservation?: number;
  /** Host ports fixed on the instance (bridge hostPort > 0, or host networking). */
  fixedHostPorts: number[];
  /** Names of plain `environment` values (the values are never read into the evidence). */
  environmentNames: string[];
  /** Names passed through `secrets` (Secrets Manager / SSM): the right way. */
  secretNames: string[];
}

export interface InstanceEvidence {
  containerInstanceId: string;
  ec2InstanceId?: string;
  status: string;
  agentConnected: boolean;
  agentVersion?: string;
  availabilityZone?: string;
  /** EC2 MetadataOptions.HttpTokens: `required` = IMDSv2 only. Absent when EC2 was not read. */
  httpTokens?: string;
  securityGroups: string[];
}

export interface SecurityGroupEvidence {
  id: string;
  name?: string;
  ingress: IngressRuleEvidence[];
}

export interface IngressRuleEvidence {
  id?: string;
  /** tcp, udp, icmp, … or -1 (every protocol). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  referencedGroupId?: string;
}

export interface SubnetEvidence {
  id: string;
  availabilityZone: string;
}

export interface EvidenceGap {
  /** What was not checked, e.g. "security group rules". */
  what: string;
  action: string;
  /** Plain words (AWS's error name); escaped by the view. */
  reason: string;
}

export interface BestPracticeOps {
  /** Everything the audit rules look at, read under this cluster's read role. */
  evidence(): Promise<AuditEvidence>;
}

const PAGE = 100;
const SERVICES_PER_CALL = 10;
const PARALLEL_CALLS = 8;
const FILTER_VALUES = 200;
/** Bounds for data from AWS: names and ids, images, list lengths. */
const MAX_TEXT = 256;
const MAX_NAMES = 200;

export function createBestPracticeOps(clients: Pick<AwsClients, 'ecs' | 'ec2'>, base: AwsCallBase): BestPracticeOps {
  const ecs = clients.ecs();
  const cluster = base.clusterName;
  const ctx = callContext(base);
  const ec2 = () => clients.ec2();

  async function clusterTags(): Promise<Record<string, string>> {
    const out = await awsCall(ctx('ecs:DescribeClusters'), () =>
      ecs.send(new DescribeClustersCommand({ clusters: [cluster], include: ['TAGS'] })),
    );
    return tagsOf(out.clusters?.[0]?.tags);
  }

  async function services(): Promise<ServiceEvidence[]> {
    const arns = await awsCall(ctx('ecs:ListServices'), async () => {
      const all: string[] = [];
      for await (const page of paginateListServices({ client: ecs, pageSize: PAGE }, { cluster, maxResults: PAGE }))
        all.push(...(page.serviceArns ?? []));
      return all;
    });
    const batches = await mapLimit(chunk(arns, SERVICES_PER_CALL), PARALLEL_CALLS, (batch) =>
      awsCall(ctx('ecs:DescribeServices'), () =>
        ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] })),
      ),
    );
    return batches
      .flatMap((b) => b.services ?? [])
      .filter((s) => s.status !== 'INACTIVE')
      .map(toServiceEvidence)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async function taskDefinitions(refs: string[]): Promise<TaskDefinitionEvidence[]> {
    // DescribeTaskDefinition takes one at a time (ECS has no batch form); a cluster's services share few.
    return mapLimit(refs, PARALLEL_CALLS, async (ref) => {
      const out = await awsCall(ctx('ecs:DescribeTaskDefinition'), () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })),
      );
      return toTaskDefinitionEvidence(ref, out.taskDefinition);
    });
  }

  async function containerInstances(): Promise<InstanceEvidence[]> {
    const arns = await awsCall(ctx('ecs:ListContainerInstances'), async () => {
      const all: string[] = [];
      for await (const page of paginateListContainerInstances(
        { client: ecs, pageSize: PAGE },
        { cluster, maxResults: PAGE },
      ))
        all.push(...(page.containerInstanceArns ?? []));
      return all;
    });
    const batches = await mapLimit(chunk(arns, PAGE), PARALLEL_CALLS, (batch) =>
      awsCall(ctx('ecs:DescribeContainerInstances'), () =>
        ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })),
      ),
    );
    return batches
      .flatMap((b) => b.containerInstances ?? [])
      .map((ci) => {
        const zone = ci.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value;
        return {
          containerInstanceId: bounded(idOfArn(ci.containerInstanceArn) || '?'),
          ...(ci.ec2InstanceId ? { ec2InstanceId: bounded(ci.ec2InstanceId) } : {}),
          status: bounded(ci.status ?? 'UNKNOWN'),
          agentConnected: ci.agentConnected ?? false,
          ...(ci.versionInfo?.agentVersion ? { agentVersion: bounded(ci.versionInfo.agentVersion) } : {}),
          ...(zone ? { availabilityZone: bounded(zone) } : {}),
          securityGroups: [],
        };
      });
  }

  /** Adds each EC2 instance's security groups, IMDS tokens and zone. */
  async function withEc2(instances: InstanceEvidence[], gaps: EvidenceGap[]): Promise<InstanceEvidence[]> {
    const ids = [...new Set(instances.flatMap((i) => (i.ec2InstanceId ? [i.ec2InstanceId] : [])))];
    if (ids.length === 0) return instances;
    const read = await gap(
      gaps,
      'the EC2 instances (security groups, metadata options)',
      'ec2:DescribeInstances',
      async () => {
        const { m, client } = await ec2();
        const pages = await mapLimit(chunk(ids, PAGE), PARALLEL_CALLS, (batch) =>
          awsCall(ctx('ec2:DescribeInstances'), () =>
            client.send(new m.DescribeInstancesCommand({ InstanceIds: batch })),
          ),
        );
        return pages.flatMap((p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []));
      },
    );
    if (!read) return instances;
    const byId = new Map(read.map((i) => [i.InstanceId, i]));
    return instances.map((i) => {
      const found = i.ec2InstanceId ? byId.get(i.ec2InstanceId) : undefined;
      if (!found) return i;
      const zone = found.Placement?.AvailabilityZone;
      return {
        ...i,
        ...(found.MetadataOptions?.HttpTokens ? { httpTokens: bounded(found.MetadataOptions.HttpTokens) } : {}),
        ...(!i.availabilityZone && zone ? { availabilityZone: bounded(zone) } : {}),
        securityGroups: boundedList((found.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : []))),
      };
    });
  }

  async function securityGroups(ids: string[], gaps: EvidenceGap[]): Promise<SecurityGroupEvidence[]> {
    if (ids.length === 0) return [];
    const [names, rules] = await Promise.all([
      gap(gaps, 'security group names', 'ec2:DescribeSecurityGroups', async () => {
        const { m, client } = await ec2();
        const pages = await mapLimit(chunk(ids, PAGE), PARALLEL_CALLS, (batch) =>
          awsCall(ctx('ec2:DescribeSecurityGroups'), () =>
            client.send(new m.DescribeSecurityGroupsCommand({ GroupIds: batch })),
          ),
        );
        return new Map(pages.flatMap((p) => p.SecurityGroups ?? []).map((g) => [g.GroupId, g.GroupName]));
      }),
      gap(gaps, 'security group rules', 'ec2:DescribeSecurityGroupRules', async () => {
        const { m, client } = await ec2();
        const pages = await mapLimit(chunk(ids, FILTER_VALUES), PARALLEL_CALLS, (batch) =>
          awsCall(ctx('ec2:DescribeSecurityGroupRules'), async () => {
            const all = [];
            for await (const page of m.paginateDescribeSecurityGroupRules(
              { client, pageSize: 1000 },
              { Filters: [{ Name: 'group-id', Values: batch }] },
            ))
              all.push(...(page.SecurityGroupRules ?? []));
            return all;
          }),
        );
        return pages.flat();
      }),
    ]);
    if (!rules) return [];
    return ids.map((id) => {
      const name = names?.get(id);
      return {
        id,
        ...(name ? { name: bounded(name) } : {}),
        ingress: rules
          .filter((r) => r.GroupId === id && !r.IsEgress)
          .slice(0, MAX_NAMES)
          .map((r) => ({
            ...(r.SecurityGroupRuleId ? { id: bounded(r.SecurityGroupRuleId) } : {}),
            protocol: bounded(r.IpProtocol ?? '-1'),
            ...(r.FromPort !== undefined ? { fromPort: r.FromPort } : {}),
            ...(r.ToPort !== undefined ? { toPort: r.ToPort } : {}),
            ...(r.CidrIpv4 ? { cidrIpv4: bounded(r.CidrIpv4) } : {}),
            ...(r.CidrIpv6 ? { cidrIpv6: bounded(r.CidrIpv6) } : {}),
            ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroupId: bounded(r.ReferencedGroupInfo.GroupId) } : {}),
          })),
      };
    });
  }

  async function subnets(ids: string[], gaps: EvidenceGap[]): Promise<SubnetEvidence[]> {
    if (ids.length === 0) return [];
    const read = await gap(gaps, 'the services’ subnets (availability zones)', 'ec2:DescribeSubnets', async () => {
      const { m, client } = await ec2();
      const pages = await mapLimit(chunk(ids, FILTER_VALUES), PARALLEL_CALLS, (batch) =>
        awsCall(ctx('ec2:DescribeSubnets'), () => client.send(new m.DescribeSubnetsCommand({ SubnetIds: batch }))),
      );
      return pages.flatMap((p) => p.Subnets ?? []);
    });
    return (read ?? []).flatMap((s) =>
      s.SubnetId && s.AvailabilityZone
        ? [{ id: bounded(s.SubnetId), availabilityZone: bounded(s.AvailabilityZone) }]
        : [],
    );
  }

  return {
    async evidence() {
      const gaps: EvidenceGap[] = [];
      const servicesP = services();
      const instancesP = containerInstances().then((list) => withEc2(list, gaps));
      const taskDefinitionsP = servicesP.then((list) =>
        taskDefinitions([...new Set(list.map((s) => s.taskDefinition))]),
      );
      const subnetsP = servicesP.then((list) =>
        subnets([...new Set(list.flatMap((s) => s.awsvpc?.subnets ?? []))], gaps),
      );
      const groupsP = Promise.all([servicesP, instancesP]).then(([svcs, insts]) =>
        securityGroups(
          [
            ...new Set([
              ...insts.flatMap((i) => i.securityGroups),
              ...svcs.flatMap((s) => s.awsvpc?.securityGroups ?? []),
            ]),
          ],
          gaps,
        ),
      );
      const [tags, svcs, tds, insts, groups, nets] = await Promise.all([
        clusterTags(),
        servicesP,
        taskDefinitionsP,
        instancesP,
        groupsP,
        subnetsP,
      ]);
      return {
        clusterName: cluster,
        clusterTags: tags,
        services: svcs,
        taskDefinitions: tds,
        instances: insts,
        securityGroups: groups,
        subnets: nets,
        gaps,
      };
    },
  };
}

/** Runs a read the audit can do without; access denied becomes a gap, anything else still fails. */
async function gap<T>(
  gaps: EvidenceGap[],
  what: string,
  action: string,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AwsActionError && /denied|unauthorized/i.test(err.awsErrorName + err.message)) {
      gaps.push({ what, action, reason: err.awsErrorName });
      return undefined;
    }
    throw err;
  }
}

function toServiceEvidence(s: Service): ServiceEvidence {
  const vpc = s.networkConfiguration?.awsvpcConfiguration;
  const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    name: bounded(s.serviceName ?? '?'),
    desired: s.desiredCount ?? 0,
    taskDefinition: bounded(familyRevision(s.taskDefinition)),
    launch: s.capacityProviderStrategy?.length ? 'capacity provider' : bounded(s.launchType ?? 'EC2'),
    circuitBreaker: { enable: breaker?.enable ?? false, rollback: breaker?.rollback ?? false },
    ...(vpc
      ? {
          awsvpc: {
            subnets: boundedList(vpc.subnets ?? []),
            securityGroups: boundedList(vpc.securityGroups ?? []),
            assignPublicIp: vpc.assignPublicIp === 'ENABLED',
          },
        }
      : {}),
    tags: tagsOf(s.tags),
  };
}

function toTaskDefinitionEvidence(ref: string, td: TaskDefinition | undefined): TaskDefinitionEvidence {
  const networkMode = td?.networkMode ?? 'bridge';
  const taskMemory = Number(td?.memory);
  return {
    taskDefinition: bounded(ref),
    networkMode: bounded(networkMode),
    ...(Number.isFinite(taskMemory) && taskMemory > 0 ? { taskMemory } : {}),
    containers: (td?.containerDefinitions ?? []).slice(0, MAX_NAMES).map((c) => toContainerEvidence(c, networkMode)),
  };
}

function toContainerEvidence(c: ContainerDefinition, networkMode: string): ContainerEvidence {
  const fixed = (c.portMappings ?? []).flatMap((p) => {
    // Host networking binds the container port itself; bridge binds hostPort when it is not 0.
    const port = networkMode === 'host' ? (p.hostPort ?? p.containerPort) : networkMode === 'bridge' ? p.hostPort : 0;
    return port && port > 0 ? [port] : [];
  });
  return {
    name: bounded(c.name ?? '?'),
    image: bounded(c.image ?? ''),
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
    fixedHostPorts: [...new Set(fixed)],
    environmentNames: boundedList((c.environment ?? []).flatMap((e) => (e.name && e.value ? [e.name] : []))),
    secretNames: boundedList((c.secrets ?? []).flatMap((s) => (s.name ? [s.name] : []))),
  };
}

function familyRevision(arn: string | undefined): string {
  return (arn ?? '?').split('/').pop() ?? '?';
}

function tagsOf(tags: { key?: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (tags ?? []).slice(0, 50)) if (t.key) out[bounded(t.key)] = bounded(t.value ?? '');
  return out;
}

function bounded(text: string): string {
  return sliceWhole(text, MAX_TEXT);
}

function boundedList(items: readonly string[]): string[] {
  return items.slice(0, MAX_NAMES).map(bounded);
}
