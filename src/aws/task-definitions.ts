import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  paginateListTaskDefinitionFamilies,
  paginateListTaskDefinitions,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ChatopsError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, callContext, type AwsCallBase } from './errors';

export interface TaskDefinitionRevision {
  /** family:revision */
  taskDefinition: string;
  family: string;
  revision: number;
  /** ACTIVE | INACTIVE | DELETE_IN_PROGRESS */
  status: string;
}

export interface PortMappingInfo {
  containerPort?: number;
  /** 0 or absent = a dynamic host port. */
  hostPort?: number;
  protocol?: string;
  /** Two copies of the task cannot share an instance (a fixed host port in bridge mode, or host networking). */
  fixedOnHost: boolean;
}

/** The awslogs driver's settings, or just the driver's name for any other. */
export interface ContainerLogConfig {
  driver: string;
  group?: string;
  region?: string;
  streamPrefix?: string;
}

export interface ContainerDefinitionInfo {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential: boolean;
  ports: PortMappingInfo[];
  log?: ContainerLogConfig;
  /** Names only: values may be secrets. */
  environmentNames: string[];
  /** Secrets from Secrets Manager or SSM, by the variable name they fill. */
  secretNames: string[];
  /** Where those secrets come from (Secrets Manager or SSM ARNs, or parameter names): names, never values. */
  secretSources?: string[];
  /** Seconds between SIGTERM and SIGKILL when the task is stopped (ECS's default is 30). */
  stopTimeout?: number;
}

export interface TaskDefinitionDetail extends TaskDefinitionRevision {
  arn: string;
  /** Task-level CPU units and MiB, as ECS keeps them (strings). */
  cpu?: string;
  memory?: string;
  networkMode: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  requiresCompatibilities: string[];
  registeredAt?: number;
  deregisteredAt?: number;
  containers: ContainerDefinitionInfo[];
}

export interface TaskDefinitionPorts {
  taskDefinition: string;
  /** Fixed host ports (hostPort > 0) of its containers: what makes two copies collide on one instance. */
  fixedHostPorts: number[];
}

/** What a delete's plan says about a revision. */
export interface TaskDefinitionInfo {
  taskDefinition: string; // family:revision
  status: string; // ACTIVE | INACTIVE | DELETE_IN_PROGRESS
  images: string[];
}

/** What a revision registered for a new image is, and what it came from. */
export interface ImageRevision {
  from: string; // family:revision
  to: string; // family:revision
  container: string;
  previousImage: string;
  image: string;
}

/** Task definitions of the cluster's account and region: reads, and the revisions a deploy or rollback needs. */
export interface TaskDefinitionOps {
  ports(taskDefinition: string): Promise<TaskDefinitionPorts>;
  /** Families with an ACTIVE revision (ListTaskDefinitionFamilies, 100 a page), sorted. */
  families(): Promise<string[]>;
  /** Every revision of a family, newest first, ACTIVE and INACTIVE; NotFoundError with "did you mean" when it has none. */
  revisions(family: string): Promise<TaskDefinitionRevision[]>;
  /** DescribeTaskDefinition (a family alone = its latest ACTIVE revision); NotFoundError saying what exists. */
  describe(ref: string): Promise<TaskDefinitionDetail>;
  /** The revision with its status and images, or undefined when ECS does not know it. */
  find(ref: string): Promise<TaskDefinitionInfo | undefined>;
  /** `family` or `family:revision` → the ACTIVE revision it names (`family` = the latest); NotFoundError otherwise. */
  resolve(ref: string): Promise<string>;
  /** The newest ACTIVE revision of the same family below this one, if any. */
  previousRevision(taskDefinition: string): Promise<string | undefined>;
  /**
   * DescribeTaskDefinition of `taskDefinition` → RegisterTaskDefinition of a new revision with
   * `image` in the named container (or the only one), everything else carried over.
   */
  registerWithImage(taskDefinition: string, image: string, container?: string): Promise<ImageRevision>;
  /** DeregisterTaskDefinition (the revision becomes INACTIVE). */
  deregister(ref: string): Promise<void>;
}

/**
 * What DescribeTaskDefinition returns that RegisterTaskDefinition also accepts: a new revision
 * for a new image keeps all of it. The rest (arn, revision, status, requiresAttributes,
 * compatibilities, registeredAt/By, deregisteredAt) is ECS's own bookkeeping. The `satisfies`
 * makes the compiler check each name exists on both sides.
 */
const CARRIED_OVER = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const satisfies readonly (keyof TaskDefinition & keyof RegisterTaskDefinitionCommandInput)[];

/** ListTaskDefinitions and ListTaskDefinitionFamilies return at most 100 a page. */
const LIST_PAGE = 100;

export function createTaskDefinitionOps(clients: Pick<AwsClients, 'ecs'>, base: AwsCallBase): TaskDefinitionOps {
  const ctx = callContext(base);

  /** DescribeTaskDefinition, with its tags when asked. */
  const describeCall =
    (ref: string, withTags = false) =>
    () =>
      clients
        .ecs()
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, ...(withTags ? { include: ['TAGS'] } : {}) }));

  /** DescribeTaskDefinition; undefined when ECS does not know the family or revision. */
  async function findRaw(
    ref: string,
    withTags = false,
  ): Promise<{ taskDefinition: TaskDefinition; tags: Tag[] } | undefined> {
    const out = await awsCallUnlessMissing(
      ctx('ecs:DescribeTaskDefinition', `task definition ${ref}`),
      // ECS answers an unknown family or revision with ClientException "Unable to describe task definition."
      (name, message) => name === 'ClientException' && /unable to describe|not found|does not exist/i.test(message),
      describeCall(ref, withTags),
    );
    return out?.taskDefinition ? { taskDefinition: out.taskDefinition, tags: out.tags ?? [] } : undefined;
  }

  async function families(): Promise<string[]> {
    return awsCall(ctx('ecs:ListTaskDefinitionFamilies'), async () => {
      const all: string[] = [];
      for await (const page of paginateListTaskDefinitionFamilies(
        { client: clients.ecs(), pageSize: LIST_PAGE },
        { status: 'ACTIVE', maxResults: LIST_PAGE },
      )) {
        all.push(...(page.families ?? []));
      }
      return all.sort();
    });
  }

  /** ListTaskDefinitions takes one status at a time; asked for newest first (`sort: DESC`). */
  async function revisionsWith(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<TaskDefinitionRevision[]> {
    return awsCall(ctx('ecs:ListTaskDefinitions', `task definition family ${family}`), async () => {
      const found: TaskDefinitionRevision[] = [];
      // familyPrefix names one family exactly, despite its name.
      const pages = paginateListTaskDefinitions(
        { client: clients.ecs(), pageSize: LIST_PAGE },
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

  async function activeRevisions(family: string): Promise<number[]> {
    return (await revisionsWith(family, 'ACTIVE')).map((r) => r.revision);
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

  /** A deploy or rollback named a revision ECS does not have: say which ACTIVE ones (or families) there are. */
  async function unknownTaskDefinition(ref: string): Promise<never> {
    const [family] = ref.split(':');
    const active = await activeRevisions(family!).catch(() => [] as number[]);
    if (active.length > 0) {
      throw new NotFoundError(
        `ECS has no task definition \`${escapeText(ref)}\`. ACTIVE revisions of ${escapeText(family ?? '')}: ${revisionList(family!, active)}.`,
      );
    }
    const known = await families().catch(() => [] as string[]);
    const listed =
      known.length === 0
        ? ''
        : ` Families: ${known
            .slice(0, 30)
            .map((f) => `\`${escapeText(f)}\``)
            .join(', ')}${known.length > 30 ? ' and more' : ''}.`;
    throw new NotFoundError(
      `ECS has no task definition family \`${escapeText(family ?? '')}\`.${didYouMean(family!, known)}${listed}`,
    );
  }

  return {
    async ports(taskDefinition) {
      const out = await awsCall(
        ctx('ecs:DescribeTaskDefinition', `task definition ${taskDefinition}`),
        describeCall(taskDefinition),
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
      const found = await findRaw(ref);
      if (found) return toDetail(found.taskDefinition);
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

    async find(ref) {
      const td = (await findRaw(ref))?.taskDefinition;
      if (!td) return undefined;
      return {
        taskDefinition: `${td.family}:${td.revision}`,
        status: td.status ?? 'UNKNOWN',
        images: [...new Set((td.containerDefinitions ?? []).map((c) => c.image ?? '').filter(Boolean))],
      };
    },

    async resolve(ref) {
      const found = await findRaw(ref);
      if (!found) return unknownTaskDefinition(ref);
      const resolved = shortTaskDefinition(found.taskDefinition.taskDefinitionArn);
      if (found.taskDefinition.status !== 'ACTIVE') {
        const family = found.taskDefinition.family ?? ref.split(':')[0]!;
        const active = await activeRevisions(family);
        throw new ChatopsError(
          'taskdef_inactive',
          `\`${escapeText(resolved)}\` is ${escapeText(found.taskDefinition.status ?? 'not ACTIVE')} (deregistered), and ECS deploys only ACTIVE revisions.${active.length > 0 ? ` ACTIVE revisions of ${escapeText(family)}: ${revisionList(family, active)}.` : ` ${escapeText(family)} has no ACTIVE revision.`}`,
        );
      }
      return resolved;
    },

    async previousRevision(taskDefinition) {
      const [family, rev] = taskDefinition.split(':');
      const current = Number(rev);
      // The highest revision number below the current one, read from every page: the order of
      // ListTaskDefinitions is a request (`sort`), not something to stake a rollback on.
      const below = (await activeRevisions(family!)).filter((r) => r < current);
      return below.length > 0 ? `${family}:${Math.max(...below)}` : undefined;
    },

    async registerWithImage(taskDefinition, image, containerName): Promise<ImageRevision> {
      const found = await findRaw(taskDefinition, true);
      if (!found) return unknownTaskDefinition(taskDefinition);
      const td = found.taskDefinition;
      const containers = td.containerDefinitions ?? [];
      const names = containers.map((c) => c.name ?? '');
      let target: string;
      if (containerName !== undefined) {
        if (!names.includes(containerName)) {
          throw new NotFoundError(
            `\`${escapeText(taskDefinition)}\` has no container \`${escapeText(containerName)}\`.${didYouMean(containerName, names)} Its containers: ${names.map((n) => `\`${escapeText(n)}\``).join(', ')}.`,
          );
        }
        target = containerName;
      } else if (containers.length === 1) {
        target = names[0]!;
      } else {
        throw new ChatopsError(
          'container_ambiguous',
          `\`${escapeText(taskDefinition)}\` has ${containers.length} containers (${names.map((n) => `\`${escapeText(n)}\``).join(', ')}); say which one gets the image with \`--container NAME\`. Nothing was changed.`,
        );
      }
      const previousImage = containers.find((c) => c.name === target)?.image ?? '';
      if (previousImage === image) {
        throw new ChatopsError(
          'image_unchanged',
          `Container \`${escapeText(target)}\` of \`${escapeText(taskDefinition)}\` already runs \`${escapeText(image)}\`, so there is nothing new to deploy. To pull the same tag again, \`/ecs restart\` replaces the tasks.`,
        );
      }
      const carried: Record<string, unknown> = {};
      for (const key of CARRIED_OVER) if (td[key] !== undefined) carried[key] = td[key];
      const input = {
        ...carried,
        family: td.family!,
        containerDefinitions: containers.map((c) => (c.name === target ? { ...c, image } : c)),
      } as RegisterTaskDefinitionCommandInput;
      // Tags come back only when asked for; an empty list is left out (nothing to carry).
      const tags = found.tags.filter((t) => t.key !== undefined);
      if (tags.length > 0) input.tags = tags;
      const out = await awsCall(ctx('ecs:RegisterTaskDefinition', `task definition family ${td.family}`), () =>
        clients.ecs().send(new RegisterTaskDefinitionCommand(input)),
      );
      return {
        from: shortTaskDefinition(td.taskDefinitionArn),
        to: shortTaskDefinition(out.taskDefinition?.taskDefinitionArn),
        container: target,
        previousImage,
        image,
      };
    },

    async deregister(ref) {
      await awsCall(ctx('ecs:DeregisterTaskDefinition', `task definition ${ref}`), () =>
        clients.ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: ref })),
      );
    },
  };
}

/** `arn:aws:ecs:…:task-definition/web:3` → `web:3`. */
export function shortTaskDefinition(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '';
}

function revisionList(family: string, revisions: number[]): string {
  const shown = revisions.slice(0, 10).map((r) => `\`${escapeText(family)}:${r}\``);
  return `${shown.join(', ')}${revisions.length > 10 ? ` and ${revisions.length - 10} older` : ''}`;
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

function toDetail(td: TaskDefinition): TaskDefinitionDetail {
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
