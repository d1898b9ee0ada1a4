import {
  DescribeServicesCommand,
  UpdateServiceCommand,
  paginateListServices,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { awsCall, type AwsCallContext } from './errors';
import { chunk, mapLimit } from './concurrency';
import { type ServiceDetail, type ServiceOps } from './types';

/** ECS limits: ListServices returns at most 100 a page; DescribeServices takes at most 10 names. */
const LIST_PAGE = 100;
const DESCRIBE_BATCH = 10;
const PARALLEL_CALLS = 8;

export function createServiceOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): ServiceOps {
  const cluster = base.clusterName;
  const ctx = (action: string, resource?: string): AwsCallContext => ({ ...base, action, ...(resource ? { resource } : {}) });

  async function listNames(): Promise<string[]> {
    return awsCall(ctx('ecs:ListServices'), async () => {
      const names: string[] = [];
      for await (const page of paginateListServices({ client: ecs, pageSize: LIST_PAGE }, { cluster, maxResults: LIST_PAGE })) {
        for (const arn of page.serviceArns ?? []) names.push(arn.split('/').pop()!);
      }
      return names.sort();
    });
  }

  async function notFound(name: string): Promise<never> {
    const names = await listNames();
    const listed = names.length === 0 ? 'It has no services yet.' : `Services there: ${names.slice(0, 30).map((n) => `\`${n}\``).join(', ')}${names.length > 30 ? ` and ${names.length - 30} more` : ''}.`;
    throw new NotFoundError(`There is no service \`${name}\` in *${base.alias}*.${didYouMean(name, names)} ${listed}`);
  }

  async function describeBatch(names: string[]): Promise<{ found: ServiceDetail[]; missing: string[] }> {
    const out = await awsCall(ctx('ecs:DescribeServices', names.length === 1 ? `service ${names[0]}` : undefined), () =>
      ecs.send(new DescribeServicesCommand({ cluster, services: names })),
    );
    const found = (out.services ?? []).filter((s) => s.status !== 'INACTIVE').map(toServiceDetail);
    const present = new Set(found.map((s) => s.name));
    return { found, missing: names.filter((n) => !present.has(n) && !present.has(n.split('/').pop()!)) };
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
    async scale(name, desiredCount) {
      try {
        const out = await awsCall(ctx('ecs:UpdateService', `service ${name}`), () =>
          ecs.send(new UpdateServiceCommand({ cluster, service: name, desiredCount })),
        );
        if (!out.service) throw new Error('ECS returned no service');
        return toServiceDetail(out.service);
      } catch (err) {
        if (err instanceof Error && 'awsErrorName' in err && (err.awsErrorName === 'ServiceNotFoundException' || err.awsErrorName === 'ServiceNotActiveException')) {
          return notFound(name);
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
    events: (s.events ?? []).map((e) => ({ id: e.id ?? '', createdAt: e.createdAt?.getTime() ?? 0, message: e.message ?? '' })),
  };
  if (s.launchType) detail.launchType = s.launchType;
  if (s.createdAt) detail.createdAt = s.createdAt.getTime();
  return detail;
}

/** `arn:aws:ecs:…:task-definition/web:3` → `web:3`. */
export function shortTaskDefinition(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '';
}
