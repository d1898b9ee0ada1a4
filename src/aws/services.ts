import {
  CreateServiceCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  paginateListServices,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { launchParams, toAwsVpcNetwork, toStrategy } from './launch';
import { ChatopsError } from '../errors';
import { awsCall, awsErrorName, type AwsCallContext } from './errors';
import { chunk, createLimiter, mapLimit } from './concurrency';
import { type ServiceDetail, type ServiceOps, type ServiceSummary } from './types';
import { escapeText } from '../slack/message';
import { listServiceNames, noSuchService } from './service-names';

/** ECS limits: ListServices returns at most 100 a page; DescribeServices takes at most 10 names. */
const LIST_PAGE = 100;
const DESCRIBE_BATCH = 10;
const PARALLEL_CALLS = 8;

export function createServiceOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): ServiceOps {
  const cluster = base.clusterName;
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  async function listNames(): Promise<string[]> {
    return awsCall(ctx('ecs:ListServices'), () => listServiceNames(ecs, cluster));
  }

  async function notFound(name: string): Promise<never> {
    throw noSuchService(base.alias, name, await listNames());
  }

  /** One DescribeServices call (at most 10 names); INACTIVE services count as gone, as in the console. */
  async function describeRaw(names: string[]): Promise<Service[]> {
    const out = await awsCall(ctx('ecs:DescribeServices', names.length === 1 ? `service ${names[0]}` : undefined), () =>
      ecs.send(new DescribeServicesCommand({ cluster, services: names })),
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
        ecs.send(new UpdateServiceCommand({ cluster, service: name, ...input })),
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
          { client: ecs, pageSize: LIST_PAGE },
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
          ecs.send(
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
  };
}

export function toServiceDetail(s: Service): ServiceDetail {
  const detail: ServiceDetail = {
    name: s.serviceName ?? s.serviceArn?.split('/').pop() ?? '?',
    arn: s.serviceArn ?? '',
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition: shortTaskDefinition(s.taskDefinition),
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
      taskDefinition: shortTaskDefinition(d.taskDefinition),
      desired: d.desiredCount ?? 0,
      running: d.runningCount ?? 0,
      pending: d.pendingCount ?? 0,
      failed: d.failedTasks ?? 0,
      ...(d.createdAt ? { createdAt: d.createdAt.getTime() } : {}),
      ...(d.updatedAt ? { updatedAt: d.updatedAt.getTime() } : {}),
    })),
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
  return detail;
}

export function toServiceSummary(s: Service): ServiceSummary {
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

function isServiceMissing(err: unknown): boolean {
  const name = err instanceof Error && 'awsErrorName' in err ? String(err.awsErrorName) : awsErrorName(err);
  return name === 'ServiceNotFoundException' || name === 'ServiceNotActiveException';
}

/** `arn:aws:ecs:…:task-definition/web:3` → `web:3`. */
export function shortTaskDefinition(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '';
}
