import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  paginateListServices,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { ChatopsError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, awsErrorName, callContext, type AwsCallBase } from './errors';
import { chunk, createLimiter, mapLimit } from './concurrency';
import {
  launchParams,
  toAwsVpcNetwork,
  toStrategy,
  type AwsVpcNetwork,
  type CapacityProviderItem,
  type LaunchSpec,
} from './launch';
import { toDeployment, type Deployment } from './deployments';
import { shortTaskDefinition } from './task-definitions';

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceDetail {
  name: string;
  arn: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition: string; // family:revision
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderItem[];
  platformVersion?: string;
  network?: AwsVpcNetwork;
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt?: number;
  /** The ARN of its newest service deployment (Service.currentServiceDeployment). */
  currentServiceDeployment?: string;
  /** The ELBv2 target groups its tasks register with (src/aws/load-balancers.ts reads their health). */
  loadBalancers?: { targetGroupArn: string; containerName?: string; containerPort?: number }[];
}

/** One line of `services`: the counts and the rollout, without the events. */
export interface ServiceSummary {
  name: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition: string; // family:revision
  deployments: number;
  /** The PRIMARY deployment's rollout state (IN_PROGRESS | COMPLETED | FAILED), when ECS gives one. */
  rolloutState?: string;
  /** Running = desired, nothing pending, one deployment, and that one not failed. */
  steady: boolean;
}

export interface ServiceOps {
  /** Every service name in the cluster (ListServices, 100 a page). */
  listNames(): Promise<string[]>;
  /** One service; NotFoundError naming the cluster and the services that exist. */
  describe(name: string): Promise<ServiceDetail>;
  /** Many services, 10 per DescribeServices call (ECS's limit), a few calls at a time; INACTIVE and unknown ones left out. */
  describeMany(names: string[]): Promise<ServiceDetail[]>;
  /** Sets desiredCount; returns the service as ECS reports it after the update. */
  scale(name: string, desiredCount: number): Promise<ServiceDetail>;
  /**
   * Every service of the cluster, slimmed to what a list shows: ListServices 100 a page, and
   * each page's DescribeServices (10 names a call) started as soon as the page arrives.
   */
  summaries(): Promise<ServiceSummary[]>;
  /** UpdateService forceNewDeployment: new tasks replace the old ones, same revision. */
  restart(name: string): Promise<ServiceDetail>;
  /** UpdateService taskDefinition (`family:revision`). */
  deploy(name: string, taskDefinition: string): Promise<ServiceDetail>;
  /** CreateService on the EC2 launch type; a name already taken is a sentence that says what to do instead. */
  create(name: string, taskDefinition: string, desiredCount: number, launch?: LaunchSpec): Promise<ServiceDetail>;
  /**
   * UpdateService to 0, then DeleteService with force; 'gone' when it was already deleted, so that
   * running a delete again after a partial run finishes the job.
   */
  delete(name: string): Promise<'deleted' | 'draining' | 'gone'>;
}

/** ECS limits: ListServices returns at most 100 a page; DescribeServices takes at most 10 names. */
const LIST_PAGE = 100;
const DESCRIBE_BATCH = 10;
const PARALLEL_CALLS = 8;

export function createServiceOps(clients: Pick<AwsClients, 'ecs'>, base: AwsCallBase): ServiceOps {
  const cluster = base.clusterName;
  const ctx = callContext(base);

  async function listNames(): Promise<string[]> {
    return awsCall(ctx('ecs:ListServices'), () => listServiceNames(clients.ecs(), cluster));
  }

  async function notFound(name: string): Promise<never> {
    throw noSuchService(base.alias, name, await listNames());
  }

  /** One DescribeServices call (at most 10 names); INACTIVE services count as gone, as in the console. */
  async function describeRaw(names: string[]): Promise<Service[]> {
    const out = await awsCall(ctx('ecs:DescribeServices', names.length === 1 ? `service ${names[0]}` : undefined), () =>
      clients.ecs().send(new DescribeServicesCommand({ cluster, services: names })),
    );
    return (out.services ?? []).filter((s) => s.status !== 'INACTIVE');
  }

  async function describeBatch(names: string[]): Promise<{ found: ServiceDetail[]; missing: string[] }> {
    const found = (await describeRaw(names)).map(toServiceDetail);
    const present = new Set(found.map((s) => s.name));
    return { found, missing: names.filter((n) => !present.has(n) && !present.has(n.split('/').pop()!)) };
  }

  /** UpdateService; a service that is gone gets "did you mean" and the names that exist. */
  async function update(
    name: string,
    input: Omit<UpdateServiceCommandInput, 'cluster' | 'service'>,
  ): Promise<ServiceDetail> {
    try {
      const out = await awsCall(ctx('ecs:UpdateService', `service ${name}`), () =>
        clients.ecs().send(new UpdateServiceCommand({ cluster, service: name, ...input })),
      );
      if (!out.service) throw new Error('ECS returned no service');
      return toServiceDetail(out.service);
    } catch (err) {
      if (isServiceMissing(err)) return notFound(name);
      throw err;
    }
  }

  /**
   * Pages of names come one after another (each needs the last one's token), but each page's
   * describes can start at once: they overlap with the next ListServices instead of waiting for
   * the whole list. One gate bounds the describes in flight. Events are dropped per batch, so a
   * cluster of 1,000 services never holds 1,000 services' events at once. The first failure
   * stops batches not yet started, and nothing is left running when the error is thrown.
   */
  async function summaries(): Promise<ServiceSummary[]> {
    const limited = createLimiter(PARALLEL_CALLS);
    const batches: Promise<ServiceSummary[]>[] = [];
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown): ServiceSummary[] => {
      failure ??= { error };
      return [];
    };
    try {
      await awsCall(ctx('ecs:ListServices'), async () => {
        for await (const page of paginateListServices(
          { client: clients.ecs(), pageSize: LIST_PAGE },
          { cluster, maxResults: LIST_PAGE },
        )) {
          if (failure) break;
          const names = (page.serviceArns ?? []).map((arn) => arn.split('/').pop()!);
          for (const batch of chunk(names, DESCRIBE_BATCH)) {
            batches.push(
              limited(async () => (failure ? [] : (await describeRaw(batch)).map(toServiceSummary))).catch(fail),
            );
          }
        }
      });
    } catch (err) {
      fail(err);
    }
    const described = await Promise.all(batches);
    if (failure) throw failure.error;
    return described.flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  return {
    listNames,
    async describe(name) {
      const { found } = await describeBatch([name]);
      return found[0] ?? notFound(name);
    },
    async describeMany(names) {
      const batches = await mapLimit(chunk(names, DESCRIBE_BATCH), PARALLEL_CALLS, describeBatch);
      return batches.flatMap((b) => b.found);
    },
    scale: (name, desiredCount) => update(name, { desiredCount }),
    summaries,
    restart: (name) => update(name, { forceNewDeployment: true }),
    deploy: (name, taskDefinition) => update(name, { taskDefinition }),
    async create(name, taskDefinition, desiredCount, launch) {
      try {
        const out = await awsCall(ctx('ecs:CreateService', `service ${name}`), () =>
          clients.ecs().send(
            new CreateServiceCommand({
              cluster,
              serviceName: name,
              taskDefinition,
              desiredCount,
              ...launchParams(launch),
              schedulingStrategy: 'REPLICA',
            }),
          ),
        );
        if (!out.service) throw new Error('ECS returned no service');
        return toServiceDetail(out.service);
      } catch (err) {
        // ECS's words for "a service of that name is already ACTIVE or DRAINING".
        if (err instanceof ChatopsError && /not idempotent/i.test(err.message)) {
          throw new ChatopsError(
            'service_exists',
            `There is already a service \`${escapeText(name)}\` in *${base.alias}*. \`/ecs deploy ${escapeText(name)} ${escapeText(taskDefinition)}\` changes what it runs, \`/ecs scale ${escapeText(name)} N\` how many.`,
            { cause: err },
          );
        }
        throw err;
      }
    },
    async delete(name) {
      // Scale to 0 first so ECS stops the tasks through the scheduler; force deletes it even so.
      const scaled = await awsCallUnlessMissing(ctx('ecs:UpdateService', `service ${name}`), isGone, () =>
        clients.ecs().send(new UpdateServiceCommand({ cluster, service: name, desiredCount: 0 })),
      );
      if (!scaled) return 'gone';
      const deleted = await awsCallUnlessMissing(ctx('ecs:DeleteService', `service ${name}`), isGone, () =>
        clients.ecs().send(new DeleteServiceCommand({ cluster, service: name, force: true })),
      );
      if (!deleted) return 'gone';
      return deleted.service?.status === 'INACTIVE' ? 'deleted' : 'draining';
    },
  };
}

function toServiceDetail(s: Service): ServiceDetail {
  const detail: ServiceDetail = {
    name: s.serviceName ?? s.serviceArn?.split('/').pop() ?? '?',
    arn: s.serviceArn ?? '',
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition: shortTaskDefinition(s.taskDefinition),
    deployments: (s.deployments ?? []).map(toDeployment),
    events: (s.events ?? []).map((e) => ({
      id: e.id ?? '',
      createdAt: e.createdAt?.getTime() ?? 0,
      message: e.message ?? '',
    })),
  };
  if (s.launchType) detail.launchType = s.launchType;
  const strategy = toStrategy(s.capacityProviderStrategy);
  if (strategy) detail.capacityProviderStrategy = strategy;
  if (s.platformVersion) detail.platformVersion = s.platformVersion;
  const network = toAwsVpcNetwork(s.networkConfiguration?.awsvpcConfiguration);
  if (network) detail.network = network;
  if (s.createdAt) detail.createdAt = s.createdAt.getTime();
  if (s.currentServiceDeployment) detail.currentServiceDeployment = s.currentServiceDeployment;
  const balancers = (s.loadBalancers ?? []).flatMap((lb) =>
    lb.targetGroupArn
      ? [{ targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort }]
      : [],
  );
  if (balancers.length > 0) detail.loadBalancers = balancers;
  return detail;
}

function toServiceSummary(s: Service): ServiceSummary {
  const deployments = s.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const summary: ServiceSummary = {
    name: s.serviceName ?? s.serviceArn?.split('/').pop() ?? '?',
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition: shortTaskDefinition(s.taskDefinition),
    deployments: deployments.length,
    steady: false,
  };
  if (primary?.rolloutState) summary.rolloutState = primary.rolloutState;
  summary.steady =
    summary.status === 'ACTIVE' &&
    summary.running === summary.desired &&
    summary.pending === 0 &&
    summary.deployments <= 1 &&
    summary.rolloutState !== 'FAILED';
  return summary;
}

/** What ECS answers about a service it no longer has, or has only as INACTIVE. */
function isGone(name: string): boolean {
  return name === 'ServiceNotFoundException' || name === 'ServiceNotActiveException';
}

function isServiceMissing(err: unknown): boolean {
  return isGone(err instanceof Error && 'awsErrorName' in err ? String(err.awsErrorName) : awsErrorName(err));
}

/** Every service name of the cluster, sorted (all pages of ListServices). */
export async function listServiceNames(ecs: ECSClient, cluster: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListServices(
    { client: ecs, pageSize: LIST_PAGE },
    { cluster, maxResults: LIST_PAGE },
  )) {
    for (const arn of page.serviceArns ?? []) names.push(arn.split('/').pop()!);
  }
  return names.sort();
}

/** "There is no service X in prod", with a "did you mean" and up to 30 of the services there are. */
export function noSuchService(alias: string, name: string, names: string[]): NotFoundError {
  const listed =
    names.length === 0
      ? 'It has no services yet.'
      : `Services there: ${names
          .slice(0, 30)
          .map((n) => `\`${escapeText(n)}\``)
          .join(', ')}${names.length > 30 ? ` and ${names.length - 30} more` : ''}.`;
  return new NotFoundError(
    `There is no service \`${escapeText(name)}\` in *${alias}*.${didYouMean(name, names)} ${listed}`,
  );
}
