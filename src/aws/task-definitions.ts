import {
  DescribeTaskDefinitionCommand,
  paginateListTaskDefinitionFamilies,
  paginateListTaskDefinitions,
  type ContainerDefinition,
  type ECSClient,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { awsCall, type AwsCallContext } from './errors';
import { shortTaskDefinition } from './services';
import {
  type ContainerDefinitionInfo,
  type PortMappingInfo,
  type TaskDefinitionDetail,
  type TaskDefinitionOps,
  type TaskDefinitionRevision,
} from './types';
import { escapeText } from '../slack/message';

/** ListTaskDefinitions and ListTaskDefinitionFamilies return at most 100 a page. */
const LIST_PAGE = 100;

export function createTaskDefinitionOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): TaskDefinitionOps {
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  async function families(): Promise<string[]> {
    return awsCall(ctx('ecs:ListTaskDefinitionFamilies'), async () => {
      const all: string[] = [];
      for await (const page of paginateListTaskDefinitionFamilies(
        { client: ecs, pageSize: LIST_PAGE },
        { status: 'ACTIVE', maxResults: LIST_PAGE },
      )) {
        all.push(...(page.families ?? []));
      }
      return all.sort();
    });
  }

  /** ListTaskDefinitions takes one status at a time; newest first. */
  async function revisionsWith(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<TaskDefinitionRevision[]> {
    return awsCall(ctx('ecs:ListTaskDefinitions', `task definition family ${family}`), async () => {
      const found: TaskDefinitionRevision[] = [];
      // familyPrefix names one family exactly, despite its name.
      const pages = paginateListTaskDefinitions(
        { client: ecs, pageSize: LIST_PAGE },
        { familyPrefix: family, status, sort: 'DESC', maxResults: LIST_PAGE },
      );
      for await (const page of pages) {
        for (const arn of page.taskDefinitionArns ?? []) {
          const short = shortTaskDefinition(arn);
          const [f, rev] = short.split(':');
          if (f === family && rev !== undefined)
            found.push({ taskDefinition: short, family, revision: Number(rev), status });
        }
      }
      return found;
    });
  }

  async function familyNotFound(family: string): Promise<never> {
    const known = await families();
    const listed =
      known.length === 0
        ? `The account of *${base.alias}* has no active task definitions in ${base.region}.`
        : `Families: ${known
            .slice(0, 30)
            .map((f) => `\`${escapeText(f)}\``)
            .join(', ')}${known.length > 30 ? ` and ${known.length - 30} more` : ''}.`;
    throw new NotFoundError(
      `There is no task definition family \`${escapeText(family)}\` in ${base.region} (the account of *${base.alias}*).${didYouMean(family, known)} ${listed}`,
    );
  }

  async function revisions(family: string): Promise<TaskDefinitionRevision[]> {
    const [active, inactive] = await Promise.all([revisionsWith(family, 'ACTIVE'), revisionsWith(family, 'INACTIVE')]);
    const all = [...active, ...inactive].sort((a, b) => b.revision - a.revision);
    return all.length > 0 ? all : familyNotFound(family);
  }

  return {
    async ports(taskDefinition) {
      const out = await awsCall(ctx('ecs:DescribeTaskDefinition', `task definition ${taskDefinition}`), () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
      );
      const td = out.taskDefinition;
      const fixedHostPorts = (td?.containerDefinitions ?? [])
        .flatMap((c) => portsOf(c, td?.networkMode))
        .filter((p) => p.fixedOnHost)
        .map((p) => p.hostPort ?? p.containerPort ?? 0);
      return { taskDefinition, fixedHostPorts: [...new Set(fixedHostPorts)] };
    },

    families,
    revisions,

    async describe(ref) {
      let td: TaskDefinition | undefined;
      try {
        const out = await awsCall(ctx('ecs:DescribeTaskDefinition', `task definition ${ref}`), () =>
          ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })),
        );
        td = out.taskDefinition;
      } catch (err) {
        // ECS answers an unknown family or revision with ClientException "Unable to describe task definition."
        if (!(err instanceof AwsActionError && err.awsErrorName === 'ClientException')) throw err;
      }
      if (td) return toDetail(td);
      const [family, revision] = ref.split(':');
      const known = await revisions(family!);
      const active = known.filter((r) => r.status === 'ACTIVE');
      if (revision === undefined) {
        throw new NotFoundError(
          `\`${escapeText(family ?? '')}\` has no ACTIVE revision: all ${known.length} are deregistered. Name one to see it, e.g. \`${escapeText(known[0]!.taskDefinition)}\`.`,
        );
      }
      const shown = (active.length > 0 ? active : known).slice(0, 10).map((r) => `\`${escapeText(r.taskDefinition)}\``);
      throw new NotFoundError(
        `\`${escapeText(family ?? '')}\` has no revision ${revision}. Its ${active.length > 0 ? 'ACTIVE ' : ''}revisions: ${shown.join(', ')}${known.length > shown.length ? ` (\`/ecs taskdefs ${escapeText(family ?? '')}\` lists all ${known.length})` : ''}.`,
      );
    },
  };
}

/**
 * Port mappings as the scheduler sees them: in bridge mode a hostPort above 0 is fixed; host
 * networking uses the container port on the host itself; awsvpc gives each task its own ENI,
 * so nothing collides on the instance.
 */
function portsOf(container: ContainerDefinition, networkMode: string | undefined): PortMappingInfo[] {
  const mode = networkMode ?? 'bridge';
  return (container.portMappings ?? []).map((p) => {
    const hostPort = mode === 'host' ? (p.hostPort ?? p.containerPort) : p.hostPort;
    return {
      ...(p.containerPort !== undefined ? { containerPort: p.containerPort } : {}),
      ...(hostPort !== undefined ? { hostPort } : {}),
      ...(p.protocol ? { protocol: p.protocol } : {}),
      fixedOnHost: mode === 'host' || (mode === 'bridge' && (hostPort ?? 0) > 0),
    };
  });
}

function toContainer(c: ContainerDefinition, networkMode: string | undefined): ContainerDefinitionInfo {
  const info: ContainerDefinitionInfo = {
    name: c.name ?? '?',
    image: c.image ?? '',
    essential: c.essential !== false,
    ports: portsOf(c, networkMode),
    environmentNames: (c.environment ?? [])
      .map((e) => e.name ?? '')
      .filter(Boolean)
      .sort(),
    secretNames: (c.secrets ?? [])
      .map((s) => s.name ?? '')
      .filter(Boolean)
      .sort(),
  };
  if (c.cpu !== undefined) info.cpu = c.cpu;
  if (c.memory !== undefined) info.memory = c.memory;
  if (c.memoryReservation !== undefined) info.memoryReservation = c.memoryReservation;
  if (c.stopTimeout !== undefined) info.stopTimeout = c.stopTimeout;
  const sources = (c.secrets ?? []).flatMap((s) => (s.valueFrom ? [s.valueFrom] : []));
  if (sources.length > 0) info.secretSources = sources;
  const log = c.logConfiguration;
  if (log?.logDriver) {
    const options = log.options ?? {};
    info.log = {
      driver: log.logDriver,
      ...(options['awslogs-group'] ? { group: options['awslogs-group'] } : {}),
      ...(options['awslogs-region'] ? { region: options['awslogs-region'] } : {}),
      ...(options['awslogs-stream-prefix'] ? { streamPrefix: options['awslogs-stream-prefix'] } : {}),
    };
  }
  return info;
}

export function toDetail(td: TaskDefinition): TaskDefinitionDetail {
  const short = shortTaskDefinition(td.taskDefinitionArn);
  const detail: TaskDefinitionDetail = {
    taskDefinition: short,
    family: td.family ?? short.split(':')[0] ?? '',
    revision: td.revision ?? Number(short.split(':')[1] ?? 0),
    status: td.status ?? 'UNKNOWN',
    arn: td.taskDefinitionArn ?? '',
    networkMode: td.networkMode ?? 'bridge',
    requiresCompatibilities: td.requiresCompatibilities ?? [],
    containers: (td.containerDefinitions ?? []).map((c) => toContainer(c, td.networkMode)),
  };
  if (td.cpu) detail.cpu = td.cpu;
  if (td.memory) detail.memory = td.memory;
  if (td.taskRoleArn) detail.taskRoleArn = td.taskRoleArn;
  if (td.executionRoleArn) detail.executionRoleArn = td.executionRoleArn;
  if (td.registeredAt) detail.registeredAt = td.registeredAt.getTime();
  if (td.deregisteredAt) detail.deregisteredAt = td.deregisteredAt.getTime();
  return detail;
}
