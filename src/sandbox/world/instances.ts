import { invalidParameter } from '../errors';
import type { InstanceSeed } from '../seed';
import { newEcsId, type WorldContext } from './context';
import type { ClusterRecord, ContainerInstanceRecord, Ec2InstanceRecord } from './records';
import { instanceResourcesChanged, requestStop, stopImmediately } from './tasks';

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

/** The ECS-optimised Amazon Linux 2023 AMI stands in for every instance. */
const ECS_AMI = 'ami-0c1f575380708e3b4';

/** Launches an EC2 instance whose ECS agent registers it into `cluster`. */
export function launchContainerInstance(ctx: WorldContext, cluster: ClusterRecord, seed: InstanceSeed = {}): ContainerInstanceRecord {
  const instanceType = seed.instanceType ?? 't3.medium';
  const size = INSTANCE_TYPES[instanceType] ?? { cpu: 2048, memory: 3904 };
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
    availabilityZone: seed.availabilityZone ?? `${ctx.region}${zones[(n - 1) % zones.length]}`,
    privateIpAddress: privateIp,
    publicIpAddress: publicIp,
    privateDnsName: `ip-${privateIp.replaceAll('.', '-')}.ec2.internal`,
    publicDnsName: `ec2-${publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`,
    tags: { Name: `ecs-${cluster.name}`, 'aws:ecs:clusterName': cluster.name },
    clusterName: cluster.name,
  };
  ctx.ec2Instances.set(ec2.id, ec2);
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
    version: 0,
    updatedAt: ctx.now,
  };
  ec2.containerInstance = instance;
  cluster.instances.set(id, instance);
  instanceResourcesChanged(ctx, instance);
  for (const waiting of cluster.unsatisfied) ctx.dirty.add(waiting);
  return instance;
}

/** Without force ECS refuses while tasks run there; with force they are stopped. */
export function deregisterContainerInstance(ctx: WorldContext, instance: ContainerInstanceRecord, force: boolean): ContainerInstanceRecord {
  const active = [...instance.tasks].filter((t) => t.lastStatus !== 'STOPPED');
  if (active.length > 0 && !force) {
    throw invalidParameter('Container instance has tasks running; use force to deregister it.');
  }
  for (const task of active) requestStop(ctx, task, 'UserInitiated', 'Container instance deregistration forced by a user.');
  instance.status = 'INACTIVE';
  instance.agentConnected = false;
  instanceResourcesChanged(ctx, instance);
  return instance;
}

/** EC2 TerminateInstances: running → shutting-down now, terminated after `instanceShutdownMs`. */
export function terminateEc2Instance(ctx: WorldContext, ec2: Ec2InstanceRecord): { previous: Ec2InstanceRecord['state'] } {
  const previous = ec2.state;
  if (previous === 'shutting-down' || previous === 'terminated') return { previous };
  ec2.state = 'shutting-down';
  ec2.stateTransitionReason = `User initiated (${new Date(ctx.now).toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
  const instance = ec2.containerInstance;
  if (instance && instance.status !== 'INACTIVE') {
    // The agent dies with the host: its tasks are gone at once.
    instance.agentConnected = false;
    for (const task of [...instance.tasks]) stopImmediately(ctx, task, 'TerminationNotice', `Host EC2 (instance ${ec2.id}) terminated.`);
    instanceResourcesChanged(ctx, instance);
  }
  ctx.timers.schedule(ctx.now + ctx.timings.instanceShutdownMs, () => {
    ec2.state = 'terminated';
    // ECS deregisters the container instance of a terminated EC2 instance by itself.
    if (instance && instance.status !== 'INACTIVE') {
      instance.status = 'INACTIVE';
      instanceResourcesChanged(ctx, instance);
    }
  });
  return { previous };
}
