import { AwsError, invalidParameter } from '../errors';
import { DEFAULT_SECURITY_GROUP, type VpcRecord } from './vpc';
import type { InstanceSeed } from '../seed';
import { newEcsId, type WorldContext } from './context';
import type { ClusterRecord, ContainerInstanceRecord, Ec2InstanceRecord } from './records';
import { instanceResourcesChanged, orphanTask, stopImmediately } from './tasks';

/** Registered CPU units and MiB per instance type (memory less what the OS and agent keep). */
const INSTANCE_TYPES: Record<string, { cpu: number; memory: number }> = {
  't3.micro': { cpu: 2048, memory: 904 },
  't3.small': { cpu: 2048, memory: 1939 },
  't3.medium': { cpu: 2048, memory: 3904 },
  't3.large': { cpu: 2048, memory: 7854 },
  'm5.large': { cpu: 2048, memory: 7685 },
  'm5.xlarge': { cpu: 4096, memory: 15577 },
  'c5.large': { cpu: 2048, memory: 3711 },
  'c5.xlarge': { cpu: 4096, memory: 7503 },
};

/** The agent version a newly registered instance reports (ECS agent releases: github.com/aws/amazon-ecs-agent). */
export const CURRENT_AGENT_VERSION = '1.89.2';

/** A security group named by id or by name; unknown ones are refused as RunInstances refuses them. */
function securityGroupId(vpc: VpcRecord, ref: string): string {
  const found = vpc.securityGroups.find((g) => g.id === ref || g.name === ref);
  if (!found) throw new AwsError('InvalidGroup.NotFound', `The security group '${ref.slice(0, 40)}' does not exist`);
  return found.id;
}

/** The ECS-optimised Amazon Linux 2023 AMI stands in for every instance. */
const ECS_AMI = 'ami-0c1f575380708e3b4';

/** Launches an EC2 instance whose ECS agent registers it into `cluster`. */
export function launchContainerInstance(
  ctx: WorldContext,
  cluster: ClusterRecord,
  seed: InstanceSeed = {},
): ContainerInstanceRecord {
  const ec2 = launchEc2Instance(ctx, cluster, seed.instanceType ?? 't3.medium', seed.availabilityZone);
  if (seed.securityGroups) ec2.securityGroups = seed.securityGroups.map((ref) => securityGroupId(ctx.vpc, ref));
  if (seed.httpTokens) ec2.httpTokens = seed.httpTokens;
  return registerContainerInstance(ctx, cluster, ec2, seed);
}

/** A running EC2 instance from the ECS-optimised AMI, tagged for the cluster its agent joins. */
export function launchEc2Instance(
  ctx: WorldContext,
  cluster: ClusterRecord,
  instanceType: string,
  availabilityZone?: string,
): Ec2InstanceRecord {
  const n = ctx.ec2Instances.size + 1;
  const zones = ['a', 'b', 'c'];
  const privateIp = `10.0.${Math.floor(n / 250) + 1}.${(n % 250) + 4}`;
  const publicIp = `54.${160 + (n % 50)}.${(n * 37) % 250}.${(n * 91) % 250}`;
  const ec2: Ec2InstanceRecord = {
    id: `i-0${ctx.ids.hex(16)}`,
    reservationId: `r-0${ctx.ids.hex(16)}`,
    imageId: ECS_AMI,
    instanceType,
    state: 'running',
    stateTransitionReason: '',
    launchTime: ctx.now,
    availabilityZone: availabilityZone ?? `${ctx.region}${zones[(n - 1) % zones.length]}`,
    privateIpAddress: privateIp,
    publicIpAddress: publicIp,
    privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.ec2.internal`,
    publicDnsName: `ec2-${publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`,
    tags: { Name: `ecs-${cluster.name}`, 'aws:ecs:clusterName': cluster.name },
    securityGroups: [DEFAULT_SECURITY_GROUP],
    httpTokens: 'required',
    clusterName: cluster.name,
  };
  ctx.ec2Instances.set(ec2.id, ec2);
  return ec2;
}

/**
 * The agent on `ec2` registers it into `cluster` (RegisterContainerInstance): CPU and memory from
 * the instance type unless given. An instance already registered and ACTIVE is answered as it is.
 */
export function registerContainerInstance(
  ctx: WorldContext,
  cluster: ClusterRecord,
  ec2: Ec2InstanceRecord,
  seed: Pick<InstanceSeed, 'cpu' | 'memory' | 'agentVersion'> = {},
): ContainerInstanceRecord {
  const existing = ec2.containerInstance;
  if (existing && existing.status !== 'INACTIVE') {
    if (existing.cluster !== cluster)
      throw invalidParameter(`The EC2 instance ${ec2.id} is already registered in cluster ${existing.cluster.name}.`);
    return existing;
  }
  if (ec2.state !== 'running') throw invalidParameter(`The EC2 instance ${ec2.id} is not running.`);
  const size = INSTANCE_TYPES[ec2.instanceType] ?? { cpu: 2048, memory: 3904 };
  ec2.clusterName = cluster.name;
  ec2.tags['aws:ecs:clusterName'] = cluster.name;
  const { id, arn } = newEcsId(ctx, 'container-instance', cluster.name);
  const instance: ContainerInstanceRecord = {
    id,
    arn,
    cluster,
    ec2,
    status: 'ACTIVE',
    agentConnected: true,
    registeredCpu: seed.cpu ?? size.cpu,
    registeredMemory: seed.memory ?? size.memory,
    usedCpu: 0,
    usedMemory: 0,
    usedPorts: new Set(),
    tasks: new Set(),
    registeredAt: ctx.now,
    agentVersion: seed.agentVersion ?? CURRENT_AGENT_VERSION,
    version: 0,
    updatedAt: ctx.now,
  };
  ec2.containerInstance = instance;
  cluster.instances.set(id, instance);
  instanceResourcesChanged(ctx, instance);
  for (const waiting of cluster.unsatisfied) ctx.dirty.add(waiting);
  return instance;
}

/**
 * Without force ECS refuses while tasks run there; with force they are orphaned: they keep
 * running on the host, unmonitored, and services start copies elsewhere (DeregisterContainerInstance,
 * ECS API Reference).
 */
export function deregisterContainerInstance(
  ctx: WorldContext,
  instance: ContainerInstanceRecord,
  force: boolean,
): ContainerInstanceRecord {
  const active = [...instance.tasks].filter((t) => t.lastStatus !== 'STOPPED');
  if (active.length > 0 && !force) {
    throw invalidParameter('Container instance has tasks running; use force to deregister it.');
  }
  for (const task of active) orphanTask(ctx, task);
  instance.status = 'INACTIVE';
  instance.agentConnected = false;
  instanceResourcesChanged(ctx, instance);
  return instance;
}

/** EC2 TerminateInstances: running → shutting-down now, terminated after `instanceShutdownMs`. */
export function terminateEc2Instance(
  ctx: WorldContext,
  ec2: Ec2InstanceRecord,
): { previous: Ec2InstanceRecord['state'] } {
  const previous = ec2.state;
  if (previous === 'shutting-down' || previous === 'terminated') return { previous };
  ec2.state = 'shutting-down';
  ec2.stateTransitionReason = `User initiated (${new Date(ctx.now).toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
  const instance = ec2.containerInstance;
  if (instance && instance.status !== 'INACTIVE') {
    // The agent goes down with the host; ECS keeps its last report of the tasks until it notices.
    instance.agentConnected = false;
    instanceResourcesChanged(ctx, instance);
  }
  ctx.timers.schedule(ctx.now + ctx.timings.instanceShutdownMs, () => {
    ec2.state = 'terminated';
    if (!instance) return;
    // ECS notices the instance is gone: its tasks (orphaned ones too) are STOPPED, without exit codes.
    for (const task of [...instance.cluster.tasks.values()]) {
      if (task.instance === instance)
        stopImmediately(ctx, task, 'TerminationNotice', `Host EC2 (instance ${ec2.id}) terminated.`);
    }
    // ECS deregisters the container instance of a terminated EC2 instance by itself.
    if (instance.status !== 'INACTIVE') {
      instance.status = 'INACTIVE';
      instanceResourcesChanged(ctx, instance);
    }
  });
  return { previous };
}
