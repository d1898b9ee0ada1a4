import { sliceWhole } from '../unicode';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  paginateListTasks,
  type Failure,
  type Task,
} from '@aws-sdk/client-ecs';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { idOfArn, idStartsWith, parseEcsId } from '../commands/ecs-ids';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, callContext, type AwsCallBase } from './errors';
import { chunk, createLimiter, mapLimit } from './concurrency';
import { launchParams, type LaunchSpec } from './launch';
import { listServiceNames, noSuchService } from './services';
import { shortTaskDefinition, type TaskDefinitionOps } from './task-definitions';

export interface ContainerState {
  name: string;
  image?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

export interface TaskInfo {
  id: string;
  arn: string;
  /** family:revision */
  taskDefinition: string;
  /** `service:web`, `family:migrate`, … */
  group?: string;
  /** The service it belongs to (from its group). */
  service?: string;
  lastStatus: string;
  desiredStatus: string;
  containerInstanceId?: string;
  startedBy?: string;
  createdAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
  /** EC2 | FARGATE | EXTERNAL */
  launchType?: string;
  capacityProvider?: string;
  platformVersion?: string;
  /** awsvpc tasks: their ENI, private IP and subnet. */
  eniId?: string;
  privateIp?: string;
  subnetId?: string;
  /** Task-level CPU units and MiB as ECS reports them; Fargate tasks' ephemeral storage. */
  cpu?: string;
  memory?: string;
  ephemeralStorageGiB?: number;
}

export interface TaskFilter {
  service?: string;
  /** STOPPED tasks (ECS keeps them about an hour) instead of running and pending ones. */
  stopped?: boolean;
  /** Only tasks on this container instance (id or ARN). */
  containerInstance?: string;
}

/** What RunTask / StartTask started, and ECS's `failures` (reason RESOURCE:PORTS, MISSING, …). */
export interface TaskLaunch {
  tasks: TaskInfo[];
  failures: { reason: string; detail?: string; arn?: string }[];
}

export interface TaskOps {
  /** ListTasks (100 a page) + DescribeTasks (100 at a time, a few calls at once). */
  list(filter?: TaskFilter): Promise<TaskInfo[]>;
  /** ListTasks alone: the ids, for counting; ECS's own error when the service is gone. */
  ids(filter?: TaskFilter): Promise<string[]>;
  /**
   * Tasks ECS is stopping but that have not reached STOPPED (of one service, or of the cluster):
   * their desiredStatus is STOPPED already, so `list()` leaves them out, yet DeleteCluster refuses
   * while they exist (ClusterContainsTasksException). ECS's own error when the service is gone.
   */
  stopping(service?: string): Promise<TaskInfo[]>;
  /** One task by id, unique id prefix or ARN, running or recently stopped; NotFoundError otherwise. */
  describe(ref: string): Promise<TaskInfo>;
  /** RunTask on the EC2 launch type. */
  run(input: { taskDefinition: string; count: number; startedBy: string; launch?: LaunchSpec }): Promise<TaskLaunch>;
  /** StartTask on one container instance (its id or ARN). */
  start(input: { taskDefinition: string; containerInstance: string; startedBy: string }): Promise<TaskLaunch>;
  /** StopTask; returns the task as ECS reports it after the call. */
  stop(id: string, reason: string): Promise<TaskInfo>;
  /** StopTask; 'gone' when ECS no longer knows the task (a teardown run again after a partial run). */
  stopIfPresent(id: string, reason: string): Promise<'stopped' | 'gone'>;
}

/** ECS limits: ListTasks returns at most 100 a page; DescribeTasks takes at most 100 tasks. */
const PAGE = 100;
const PARALLEL_CALLS = 8;
/** ECS's startedBy: up to 128 letters, digits, hyphens, underscores and slashes. */
const STARTED_BY = /[^A-Za-z0-9_/-]/g;

export function createTaskOps(
  clients: Pick<AwsClients, 'ecs'>,
  base: AwsCallBase,
  taskDefinitions: Pick<TaskDefinitionOps, 'families'>,
): TaskOps {
  const cluster = base.clusterName;
  const ctx = callContext(base);
  /** Task ARNs already seen STOPPED (see `stopping`). */
  const seenStopped = new Set<string>();

  async function describeBatch(refs: string[]): Promise<TaskInfo[]> {
    const out = await awsCall(ctx('ecs:DescribeTasks', refs.length === 1 ? `task ${refs[0]}` : undefined), () =>
      clients.ecs().send(new DescribeTasksCommand({ cluster, tasks: refs })),
    );
    return (out.tasks ?? []).map(toTaskInfo);
  }

  /**
   * Lists and describes at once: each page of ARNs is described as soon as it arrives (bounded
   * concurrency), so the describes overlap the paging instead of waiting for the last page.
   */
  async function list(filter: TaskFilter = {}): Promise<TaskInfo[]> {
    const limited = createLimiter(PARALLEL_CALLS);
    const described: Promise<TaskInfo[]>[] = [];
    try {
      await forEachPage(filter, (arns) => {
        const pending = limited(() => describeBatch(arns));
        // Awaited below; a rejection before then must not count as unhandled.
        pending.catch(() => undefined);
        described.push(pending);
      });
    } catch (err) {
      if (
        filter.service &&
        err instanceof AwsActionError &&
        (err.awsErrorName === 'ServiceNotFoundException' || err.awsErrorName === 'ServiceNotActiveException')
      ) {
        return serviceNotFound(filter.service);
      }
      throw err;
    }
    return (await Promise.all(described)).flat();
  }

  async function forEachPage(filter: TaskFilter, onPage: (arns: string[]) => void): Promise<void> {
    const resource = filter.service ? `tasks of service ${filter.service}` : undefined;
    await awsCall(ctx('ecs:ListTasks', resource), async () => {
      const input = {
        cluster,
        maxResults: PAGE,
        desiredStatus: filter.stopped ? ('STOPPED' as const) : ('RUNNING' as const),
        ...(filter.service ? { serviceName: filter.service } : {}),
        ...(filter.containerInstance ? { containerInstance: filter.containerInstance } : {}),
      };
      for await (const page of paginateListTasks({ client: clients.ecs(), pageSize: PAGE }, input)) {
        const arns = page.taskArns ?? [];
        if (arns.length > 0) onPage(arns);
      }
    });
  }

  async function listIds(filter: TaskFilter = {}): Promise<string[]> {
    const ids: string[] = [];
    await forEachPage(filter, (arns) => ids.push(...arns.map(lastPart)));
    return ids;
  }

  async function stopping(service?: string): Promise<TaskInfo[]> {
    // ECS lists stopped tasks for an hour; one seen STOPPED never changes again, so a wait that
    // polls describes only the tasks it has not yet seen stopped.
    const arns: string[] = [];
    await forEachPage({ stopped: true, ...(service ? { service } : {}) }, (page) =>
      arns.push(...page.filter((arn) => !seenStopped.has(arn))),
    );
    const tasks = (await mapLimit(chunk(arns, PAGE), PARALLEL_CALLS, describeBatch)).flat();
    for (const t of tasks) if (t.lastStatus === 'STOPPED' && t.arn) seenStopped.add(t.arn);
    return tasks.filter((t) => t.lastStatus !== 'STOPPED');
  }

  async function serviceNotFound(name: string): Promise<never> {
    throw noSuchService(
      base.alias,
      name,
      await awsCall(ctx('ecs:ListServices'), () => listServiceNames(clients.ecs(), cluster)),
    );
  }

  /** RunTask/StartTask refuse an unknown or deregistered task definition: say which exist. */
  async function launchError(err: unknown, taskDefinition: string): Promise<never> {
    if (
      !(err instanceof AwsActionError) ||
      !['InvalidParameterException', 'ClientException'].includes(err.awsErrorName)
    )
      throw err;
    const message = err.cause instanceof Error ? err.cause.message : err.message;
    if (/inactive/i.test(message)) {
      throw new NotFoundError(
        `Task definition \`${escapeText(taskDefinition)}\` is deregistered (INACTIVE), so ECS will not start it. Name an active revision, or just the family for its latest: \`${escapeText(taskDefinition.split(':')[0] ?? '')}\`.`,
      );
    }
    if (/no container instances/i.test(message)) {
      throw new NotFoundError(
        `*${base.alias}* has no container instances to run tasks on. Register EC2 instances with the cluster first (\`/ecs instances -c ${base.alias}\` shows them).`,
      );
    }
    if (!/task ?definition|unable to describe/i.test(message)) throw err;
    const families = await taskDefinitions.families();
    const family = taskDefinition.split(':')[0]!;
    const known = families.includes(family);
    const listed =
      families.length === 0
        ? 'This account has no active task definitions in that region.'
        : `Families: ${families
            .slice(0, 30)
            .map((f) => `\`${escapeText(f)}\``)
            .join(', ')}${families.length > 30 ? ` and ${families.length - 30} more` : ''}.`;
    throw new NotFoundError(
      known
        ? `Task definition \`${escapeText(taskDefinition)}\` does not exist: \`${escapeText(family)}\` has no such revision. \`/ecs taskdefs ${escapeText(family)}\` lists its revisions.`
        : `There is no task definition \`${escapeText(family)}\` for *${base.alias}*.${didYouMean(family, families)} ${listed}`,
    );
  }

  return {
    list,
    ids: listIds,
    stopping,
    async describe(ref) {
      const parsed = parseEcsId(ref, 'task');
      if (parsed?.form === 'id') {
        if (parsed.cluster && parsed.cluster !== idOfArn(cluster)) {
          throw new NotFoundError(
            `\`${escapeText(ref)}\` is a task of cluster \`${escapeText(parsed.cluster)}\`, not of *${base.alias}* (\`${escapeText(idOfArn(cluster))}\`). Add \`-c\` with the cluster it belongs to.`,
          );
        }
        // The bare id: DescribeTasks takes it in every account, whatever ARN format the task has.
        const [task] = await describeBatch([parsed.id]).catch((err: unknown) => {
          if (err instanceof AwsActionError && err.awsErrorName === 'InvalidParameterException') return [];
          throw err;
        });
        if (task) return task;
        throw new NotFoundError(
          `There is no task \`${escapeText(ref)}\` in *${base.alias}* (ECS keeps stopped tasks for about an hour). \`/ecs tasks -c ${base.alias}\` lists the running ones, \`--stopped\` the stopped ones.`,
        );
      }
      if (!parsed)
        throw new NotFoundError(
          `\`${escapeText(ref)}\` is not a task id. A task is its id, the first 8 characters of it as \`/ecs tasks -c ${base.alias}\` shows them, or its ARN.`,
        );
      // The start of an id, as lists show it: find the one running or recently stopped task it starts.
      const [running, stopped] = await Promise.all([listIds({}), listIds({ stopped: true })]);
      const matches = [...new Set([...running, ...stopped])].filter((id) => idStartsWith(id, parsed.prefix));
      if (matches.length > 1) {
        throw new NotFoundError(
          `\`${escapeText(ref)}\` matches ${matches.length} tasks in *${base.alias}*: ${matches
            .slice(0, 5)
            .map((id) => `\`${escapeText(id)}\``)
            .join(', ')}${matches.length > 5 ? ', …' : ''}. Type more of the id.`,
        );
      }
      const [task] = matches.length === 1 ? await describeBatch(matches) : [];
      if (task) return task;
      throw new NotFoundError(
        `No running or recently stopped task in *${base.alias}* has an id starting \`${escapeText(ref)}\`. \`/ecs tasks -c ${base.alias}\` lists the running ones, \`--stopped\` the stopped ones.`,
      );
    },
    async run({ taskDefinition, count, startedBy, launch }) {
      const out = await awsCall(ctx('ecs:RunTask', `task definition ${taskDefinition}`), () =>
        clients.ecs().send(
          new RunTaskCommand({
            cluster,
            taskDefinition,
            count,
            ...launchParams(launch),
            startedBy: startedByTag(startedBy),
          }),
        ),
      ).catch((err: unknown) => launchError(err, taskDefinition));
      return { tasks: (out.tasks ?? []).map(toTaskInfo), failures: (out.failures ?? []).map(toFailure) };
    },
    async start({ taskDefinition, containerInstance, startedBy }) {
      const out = await awsCall(ctx('ecs:StartTask', `task definition ${taskDefinition}`), () =>
        clients.ecs().send(
          new StartTaskCommand({
            cluster,
            taskDefinition,
            containerInstances: [containerInstance],
            startedBy: startedByTag(startedBy),
          }),
        ),
      ).catch((err: unknown) => launchError(err, taskDefinition));
      return { tasks: (out.tasks ?? []).map(toTaskInfo), failures: (out.failures ?? []).map(toFailure) };
    },
    async stop(id, reason) {
      const out = await awsCall(ctx('ecs:StopTask', `task ${id}`), () =>
        clients.ecs().send(new StopTaskCommand({ cluster, task: id, reason: sliceWhole(reason, 255) })),
      );
      if (!out.task) throw new Error('ECS returned no task');
      return toTaskInfo(out.task);
    },
    async stopIfPresent(id, reason) {
      const out = await awsCallUnlessMissing(
        ctx('ecs:StopTask', `task ${id}`),
        (name, message) => name === 'InvalidParameterException' && /not found/i.test(message),
        () => clients.ecs().send(new StopTaskCommand({ cluster, task: id, reason: sliceWhole(reason, 255) })),
      );
      return out ? 'stopped' : 'gone';
    },
  };
}

function toTaskInfo(t: Task): TaskInfo {
  const info: TaskInfo = {
    id: lastPart(t.taskArn),
    arn: t.taskArn ?? '',
    taskDefinition: shortTaskDefinition(t.taskDefinitionArn),
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '?',
      lastStatus: c.lastStatus ?? 'UNKNOWN',
      ...(c.image ? { image: c.image } : {}),
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    })),
  };
  if (t.group) info.group = t.group;
  if (t.group?.startsWith('service:')) info.service = t.group.slice('service:'.length);
  if (t.containerInstanceArn) info.containerInstanceId = lastPart(t.containerInstanceArn);
  if (t.startedBy) info.startedBy = t.startedBy;
  if (t.createdAt) info.createdAt = t.createdAt.getTime();
  if (t.startedAt) info.startedAt = t.startedAt.getTime();
  if (t.stoppingAt) info.stoppingAt = t.stoppingAt.getTime();
  if (t.stoppedAt) info.stoppedAt = t.stoppedAt.getTime();
  if (t.stopCode) info.stopCode = t.stopCode;
  if (t.stoppedReason) info.stoppedReason = t.stoppedReason;
  if (t.launchType) info.launchType = t.launchType;
  if (t.capacityProviderName) info.capacityProvider = t.capacityProviderName;
  if (t.platformVersion) info.platformVersion = t.platformVersion;
  const eni = (t.attachments ?? []).find((a) => a.type === 'ElasticNetworkInterface');
  const detail = (name: string) => eni?.details?.find((d) => d.name === name)?.value;
  const eniId = detail('networkInterfaceId');
  const privateIp = detail('privateIPv4Address');
  const subnetId = detail('subnetId');
  if (eniId) info.eniId = eniId;
  if (privateIp) info.privateIp = privateIp;
  if (subnetId) info.subnetId = subnetId;
  if (t.cpu) info.cpu = t.cpu;
  if (t.memory) info.memory = t.memory;
  if (t.ephemeralStorage?.sizeInGiB !== undefined) info.ephemeralStorageGiB = t.ephemeralStorage.sizeInGiB;
  return info;
}

function toFailure(f: Failure): TaskLaunch['failures'][number] {
  return { reason: f.reason ?? 'UNKNOWN', ...(f.detail ? { detail: f.detail } : {}), ...(f.arn ? { arn: f.arn } : {}) };
}

function startedByTag(text: string): string {
  return text.replace(STARTED_BY, '-').slice(0, 128);
}

function lastPart(arn: string | undefined): string {
  return idOfArn(arn);
}
