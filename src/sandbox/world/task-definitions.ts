import type { Compatibility, ContainerDefinition, TaskDefinitionPlacementConstraint } from '@aws-sdk/client-ecs';
import { clientException } from '../errors';
import type { TaskDefinitionSeed } from '../seed';
import { ecsArn, type WorldContext } from './context';
import { checkFargateTaskDefinition } from './fargate';
import type { TaskDefinitionRecord } from './records';

export interface RegisterTaskDefinitionInput extends TaskDefinitionSeed {
  requiresCompatibilities?: Compatibility[];
  placementConstraints?: TaskDefinitionPlacementConstraint[];
  registeredBy?: string;
}

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;

export function registerTaskDefinition(ctx: WorldContext, input: RegisterTaskDefinitionInput): TaskDefinitionRecord {
  if (!FAMILY.test(input.family)) {
    throw clientException(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  }
  if (input.containerDefinitions.length === 0) throw clientException('Container list cannot be empty.');
  const networkMode = input.networkMode ?? 'bridge';
  const containerDefinitions = input.containerDefinitions.map((c) => normaliseContainer(c, networkMode, input.memory));
  const requires = needs(containerDefinitions, networkMode, input.cpu, input.memory);
  if ((input.requiresCompatibilities ?? []).includes('FARGATE')) {
    checkFargateTaskDefinition({
      networkMode,
      cpu: input.cpu === undefined ? undefined : requires.cpu,
      memory: input.memory === undefined ? undefined : requires.memory,
    });
  }
  const revisions = ctx.taskDefinitions.get(input.family) ?? [];
  const revision = revisions.length + 1;
  const td: TaskDefinitionRecord = {
    family: input.family,
    revision,
    arn: ecsArn(ctx, `task-definition/${input.family}:${revision}`),
    status: 'ACTIVE',
    containerDefinitions,
    cpu: input.cpu,
    memory: input.memory,
    networkMode,
    taskRoleArn: input.taskRoleArn,
    executionRoleArn: input.executionRoleArn,
    requiresCompatibilities: input.requiresCompatibilities ?? [],
    placementConstraints: input.placementConstraints ?? [],
    registeredAt: ctx.now,
    registeredBy: input.registeredBy,
    tags: input.tags ?? [],
    needs: requires,
  };
  revisions.push(td);
  ctx.taskDefinitions.set(input.family, revisions);
  return td;
}

export function deregisterTaskDefinition(ctx: WorldContext, td: TaskDefinitionRecord): TaskDefinitionRecord {
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE';
    td.deregisteredAt = ctx.now;
  }
  return td;
}

/** `family` (latest ACTIVE revision), `family:revision` or the full ARN. */
export function findTaskDefinition(ctx: WorldContext, ref: string): TaskDefinitionRecord | undefined {
  const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 'task-definition/'.length) : ref;
  const [family, rev] = short.split(':');
  const revisions = ctx.taskDefinitions.get(family ?? '');
  if (!revisions) return undefined;
  if (rev === undefined) return [...revisions].reverse().find((td) => td.status === 'ACTIVE');
  const n = Number(rev);
  return Number.isInteger(n) ? revisions[n - 1] : undefined;
}

/** Fills the defaults ECS shows in DescribeTaskDefinition and checks what EC2 placement needs. */
function normaliseContainer(
  c: ContainerDefinition,
  networkMode: string,
  taskMemory: string | undefined,
): ContainerDefinition {
  if (!c.name) throw clientException('Container.name should not be null or empty.');
  if (!c.image) throw clientException('Container.image should not be null or empty.');
  if (c.memory === undefined && c.memoryReservation === undefined && taskMemory === undefined) {
    throw clientException(
      `Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
    );
  }
  return {
    ...c,
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? []).map((m) => ({
      ...m,
      containerPort: m.containerPort,
      hostPort: networkMode === 'bridge' ? m.hostPort : (m.hostPort ?? m.containerPort),
      protocol: m.protocol ?? 'tcp',
    })),
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
  };
}

function needs(
  containers: ContainerDefinition[],
  networkMode: string,
  cpu?: string,
  memory?: string,
): TaskDefinitionRecord['needs'] {
  const hostPorts: number[] = [];
  if (networkMode !== 'awsvpc') {
    for (const c of containers) {
      for (const m of c.portMappings ?? []) {
        const port = networkMode === 'host' ? (m.containerPort ?? 0) : (m.hostPort ?? 0);
        if (port > 0) hostPorts.push(port);
      }
    }
  }
  return {
    cpu: cpu !== undefined ? parseCpu(cpu) : containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0),
    memory:
      memory !== undefined
        ? parseMemory(memory)
        : containers.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0),
    hostPorts,
  };
}

/** '1024' or '1 vCPU'. */
function parseCpu(value: string): number {
  const vcpu = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(value);
  const n = vcpu ? Number(vcpu[1]) * 1024 : Number(value);
  if (!Number.isFinite(n) || n < 0) throw clientException(`Invalid 'cpu' setting for task.`);
  return Math.round(n);
}

/** '2048' or '2 GB'. */
function parseMemory(value: string): number {
  const gb = /^\s*([\d.]+)\s*gb\s*$/i.exec(value);
  const n = gb ? Number(gb[1]) * 1024 : Number(value);
  if (!Number.isFinite(n) || n < 0) throw clientException(`Invalid 'memory' setting for task.`);
  return Math.round(n);
}
