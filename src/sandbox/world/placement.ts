import type { PlacementConstraint, TaskDefinitionPlacementConstraint } from '@aws-sdk/client-ecs';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord } from './records';

/** Ports the ECS agent reserves on every container instance (SSH, Docker, the agent itself). */
export const AGENT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679] as const;
const RESERVED = new Set<number>(AGENT_RESERVED_PORTS);

/** The Docker ephemeral range ECS uses for hostPort 0 (dynamic) mappings. */
const DYNAMIC_PORT_FIRST = 32768;
const DYNAMIC_PORT_LAST = 60999;

/**
 * RunTask's `failures[].reason` when Fargate has no capacity for the task, and the reason in the
 * service's placement event ("How do I troubleshoot an Amazon ECS RunTask API for a Fargate task
 * that fails with a 'Capacity is unavailable' error?", AWS Knowledge Center).
 */
export const FARGATE_CAPACITY_UNAVAILABLE =
  'Capacity is unavailable at this time. Please try again later or in a different availability zone';

/** Why no instance fits (or Fargate has no capacity); the first three are RunTask `failures[].reason`s. */
export type PlacementFailureReason =
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:PORTS'
  | 'RESOURCE:ENI'
  | 'ATTRIBUTE'
  | 'AGENT'
  | 'NO_INSTANCES'
  | typeof FARGATE_CAPACITY_UNAVAILABLE;

export type Placement =
  | { ok: true; instance: ContainerInstanceRecord }
  | { ok: false; reason: PlacementFailureReason; closest?: ContainerInstanceRecord };

/**
 * Picks an instance for one task: it must be ACTIVE with a connected agent and have the task's
 * CPU, memory and fixed host ports free. Among those, spread: fewest tasks of the same group,
 * then fewest tasks, then the order instances registered in (deterministic).
 * `candidates` restricts the choice (StartTask names its instances).
 */
export function placeTask(
  cluster: ClusterRecord,
  td: TaskDefinitionRecord,
  group: string,
  candidates?: readonly ContainerInstanceRecord[],
  constraints: readonly PlacementConstraint[] = [],
): Placement {
  const pool = candidates ?? [...cluster.instances.values()];
  let best: ContainerInstanceRecord | undefined;
  let bestScore: [number, number] = [Infinity, Infinity];
  let closest: { instance: ContainerInstanceRecord; misses: number; reason: PlacementFailureReason } | undefined;
  let sawAny = false;

  for (const instance of pool) {
    if (instance.status === 'INACTIVE') continue;
    sawAny = true;
    const misses = unmetRequirements(instance, td, constraints);
    if (misses.length === 0) {
      const score: [number, number] = [groupCount(instance, group), instance.tasks.size];
      if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
        best = instance;
        bestScore = score;
      }
      continue;
    }
    const first = misses[0] as PlacementFailureReason;
    if (!closest || misses.length < closest.misses) closest = { instance, misses: misses.length, reason: first };
  }

  if (best) return { ok: true, instance: best };
  if (!sawAny) return { ok: false, reason: 'NO_INSTANCES' };
  return { ok: false, reason: closest?.reason ?? 'AGENT', closest: closest?.instance };
}

/** What this instance lacks for a task of `td`, in the order ECS reports them. */
export function unmetRequirements(
  instance: ContainerInstanceRecord,
  td: TaskDefinitionRecord,
  constraints: readonly PlacementConstraint[] = [],
): PlacementFailureReason[] {
  if (instance.status !== 'ACTIVE' || !instance.agentConnected || instance.ec2.state !== 'running') return ['AGENT'];
  const out: PlacementFailureReason[] = [];
  if (instance.registeredCpu - instance.usedCpu < td.needs.cpu) out.push('RESOURCE:CPU');
  if (instance.registeredMemory - instance.usedMemory < td.needs.memory) out.push('RESOURCE:MEMORY');
  if (td.needs.hostPorts.some((port) => RESERVED.has(port) || instance.usedPorts.has(port))) out.push('RESOURCE:PORTS');
  if (td.networkMode === 'awsvpc' && awsvpcTasks(instance) >= taskEniSlots(instance.ec2.instanceType))
    out.push('RESOURCE:ENI');
  // Constraints come after CPU, memory and ports ("How Amazon ECS places tasks on container instances").
  if (![...td.placementConstraints, ...constraints].every((c) => meetsConstraint(instance, c))) out.push('ATTRIBUTE');
  return out;
}

/** The attributes the ECS agent registers for an instance (DescribeContainerInstances `attributes`). */
export function instanceAttributes(instance: ContainerInstanceRecord): { name: string; value?: string }[] {
  return [
    { name: 'ecs.instance-type', value: instance.ec2.instanceType },
    { name: 'ecs.availability-zone', value: instance.ec2.availabilityZone },
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.cpu-architecture', value: 'x86_64' },
    { name: 'ecs.ami-id', value: instance.ec2.imageId },
    { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
  ];
}

/**
 * A `memberOf` constraint of the forms `attribute:NAME == VALUE`, `attribute:NAME != VALUE` and
 * `attribute:NAME exists` ("Define which container instances Amazon ECS uses for tasks", cluster
 * query language). Other expressions the sandbox does not evaluate and lets pass.
 */
function meetsConstraint(
  instance: ContainerInstanceRecord,
  c: PlacementConstraint | TaskDefinitionPlacementConstraint,
): boolean {
  if (c.type !== 'memberOf' || !c.expression) return true;
  const m = /^\s*attribute:([\w.:-]+)\s*(?:(==|!=)\s*(\S+)|(exists))\s*$/.exec(c.expression);
  if (!m) return true;
  const attribute = instanceAttributes(instance).find((a) => a.name === m[1]);
  if (m[4]) return attribute !== undefined;
  const equal = attribute?.value === m[3];
  return m[2] === '==' ? equal : !equal;
}

/**
 * Network interfaces each instance type can attach (Amazon EC2 User Guide, "Maximum IP addresses
 * per network interface"); an unknown type gets t3.medium's.
 */
const MAX_ENIS: Record<string, number> = {
  't3.micro': 2,
  't3.small': 3,
  't3.medium': 3,
  't3.large': 3,
  'm5.large': 3,
  'm5.xlarge': 4,
  'c5.large': 3,
  'c5.xlarge': 4,
};

/**
 * How many awsvpc tasks an instance can hold: one ENI each, and "the primary network interface
 * counts as one" (ECS Developer Guide, "API failure reasons", RESOURCE:ENI). No ENI trunking.
 */
export function taskEniSlots(instanceType: string): number {
  return (MAX_ENIS[instanceType] ?? 3) - 1;
}

function awsvpcTasks(instance: ContainerInstanceRecord): number {
  let n = 0;
  for (const task of instance.tasks) if (task.eni !== undefined) n += 1;
  return n;
}

export function groupCount(instance: ContainerInstanceRecord, group: string): number {
  let n = 0;
  for (const task of instance.tasks) if (task.group === group) n += 1;
  return n;
}

/** A free port from the ephemeral range for a hostPort 0 mapping. */
export function dynamicPort(instance: ContainerInstanceRecord): number {
  for (let port = DYNAMIC_PORT_FIRST; port <= DYNAMIC_PORT_LAST; port += 1) {
    if (!instance.usedPorts.has(port)) return port;
  }
  throw new Error(`no dynamic host port left on ${instance.arn}`);
}

/** The service event ECS writes when a task cannot be placed. */
export function placementFailureMessage(
  serviceName: string,
  reason: PlacementFailureReason,
  closest?: ContainerInstanceRecord,
): string {
  const head = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`;
  const tail = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';
  if (reason === FARGATE_CAPACITY_UNAVAILABLE)
    return `(service ${serviceName}) was unable to place a task. Reason: ${FARGATE_CAPACITY_UNAVAILABLE}. ${tail}`;
  if (reason === 'NO_INSTANCES' || !closest)
    return `${head} Reason: No Container Instances were found in your cluster. ${tail}`;
  const what: Record<Exclude<PlacementFailureReason, 'NO_INSTANCES' | typeof FARGATE_CAPACITY_UNAVAILABLE>, string> = {
    'RESOURCE:CPU': 'has insufficient CPU units available.',
    'RESOURCE:MEMORY': 'has insufficient memory available.',
    'RESOURCE:PORTS': 'is already using a port required by your task.',
    'RESOURCE:ENI': 'encountered error "RESOURCE:ENI".',
    // "Amazon ECS service event messages", ECS Developer Guide.
    ATTRIBUTE: 'is missing an attribute required by your task.',
    AGENT: 'encountered error "AGENT".',
  };
  return `${head} The closest matching (container-instance ${closest.id}) ${what[reason]} ${tail}`;
}
