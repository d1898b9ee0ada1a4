import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ServiceDeployment,
  type ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import { NotFoundError } from '../errors';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, type AwsCallContext } from './errors';

/** A revision's task counts, as a service deployment reports them. */
export interface RevisionCounts {
  arn: string;
  requested: number;
  running: number;
  pending: number;
}

/** A lifecycle hook the deployment ran or waits on (DeploymentLifecycleHookDetail). */
export interface HookInfo {
  id: string;
  type: string;
  status: string;
  expiresAt?: number;
  timeoutAction?: string;
}

/** One service deployment (DescribeServiceDeployments), times in epoch ms. */
export interface ServiceDeploymentInfo {
  arn: string;
  /** The last part of the ARN: what `deployment SVC/ID` takes. */
  id: string;
  service: string;
  status: string;
  statusReason?: string;
  lifecycleStage?: string;
  strategy?: string;
  createdAt?: number;
  startedAt?: number;
  updatedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  target?: RevisionCounts;
  sources: RevisionCounts[];
  circuitBreaker?: { status: string; failures: number; threshold: number };
  alarms?: { status: string; names: string[]; triggered: string[] };
  rollback?: { reason?: string; startedAt?: number; revisionArn?: string };
  hooks: HookInfo[];
}

/** One line of ListServiceDeployments. */
export interface ServiceDeploymentBriefInfo {
  arn: string;
  id: string;
  status: string;
  statusReason?: string;
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface ServiceDeploymentOps {
  /** The service's most recent service deployments, newest first (one ListServiceDeployments page). */
  list(service: string, max?: number): Promise<ServiceDeploymentBriefInfo[]>;
  /** DescribeServiceDeployments (20 ARNs a call); unknown ARNs are left out. */
  describe(arns: readonly string[]): Promise<ServiceDeploymentInfo[]>;
  /** `SVC/ID` or an ARN → the service deployment, or NotFoundError naming the recent ones. */
  find(service: string, id: string): Promise<ServiceDeploymentInfo>;
  /** StopServiceDeployment with stopType ROLLBACK. */
  rollback(arn: string): Promise<void>;
  /** ContinueServiceDeployment on a paused hook: CONTINUE or ROLLBACK. */
  resume(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void>;
}

/** The API's ceiling for DescribeServiceDeployments. */
const DESCRIBE_BATCH = 20;

export function createServiceDeploymentOps(
  clients: Pick<AwsClients, 'ecs'>,
  base: Omit<AwsCallContext, 'action'>,
): ServiceDeploymentOps {
  const ecs = clients.ecs();
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  const ops: ServiceDeploymentOps = {
    async list(service, max = 10) {
      const out = await awsCall(ctx('ecs:ListServiceDeployments', `service ${service}`), () =>
        ecs.send(
          new ListServiceDeploymentsCommand({
            cluster: base.clusterName,
            service,
            maxResults: Math.min(100, Math.max(1, max)),
          }),
        ),
      );
      return (out.serviceDeployments ?? []).map((b) => ({
        arn: b.serviceDeploymentArn ?? '',
        id: lastPart(b.serviceDeploymentArn),
        status: b.status ?? 'UNKNOWN',
        ...(b.statusReason ? { statusReason: b.statusReason } : {}),
        ...ms('createdAt', b.createdAt),
        ...ms('startedAt', b.startedAt),
        ...ms('finishedAt', b.finishedAt),
      }));
    },

    async describe(arns) {
      const found: ServiceDeploymentInfo[] = [];
      for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
        const batch = arns.slice(i, i + DESCRIBE_BATCH);
        const out = await awsCall(ctx('ecs:DescribeServiceDeployments', 'service deployments'), () =>
          ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [...batch] })),
        );
        found.push(...(out.serviceDeployments ?? []).map(toInfo));
      }
      return found;
    },

    async find(service, id) {
      const arn = id.startsWith('arn:') ? id : undefined;
      if (arn) {
        const [one] = await ops.describe([arn]);
        if (one) return one;
      } else {
        const recent = await ops.list(service, 100);
        const match = recent.filter((b) => b.id === id || b.id.startsWith(id));
        if (match.length === 1) {
          const [one] = await ops.describe([match[0]!.arn]);
          if (one) return one;
        }
        if (match.length > 1) {
          throw new NotFoundError(
            `\`${escapeText(id)}\` fits ${match.length} deployments of ${escapeText(service)}; type more of the id.`,
          );
        }
      }
      throw new NotFoundError(
        `*${escapeText(service)}* in *${base.alias}* has no deployment \`${escapeText(id)}\` among its recent ones. \`/ecs deployments ${escapeText(service)}\` lists them.`,
      );
    },

    async rollback(arn) {
      await awsCall(ctx('ecs:StopServiceDeployment', `deployment ${lastPart(arn)}`), () =>
        ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
      );
    },

    async resume(arn, hookId, action) {
      await awsCall(ctx('ecs:ContinueServiceDeployment', `deployment ${lastPart(arn)}`), () =>
        ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action })),
      );
    },
  };
  return ops;
}

function toInfo(d: ServiceDeployment): ServiceDeploymentInfo {
  const breaker = d.deploymentCircuitBreaker;
  return {
    arn: d.serviceDeploymentArn ?? '',
    id: lastPart(d.serviceDeploymentArn),
    service: lastPart(d.serviceArn),
    status: d.status ?? 'UNKNOWN',
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
    ...(d.deploymentConfiguration?.strategy ? { strategy: d.deploymentConfiguration.strategy } : {}),
    ...ms('createdAt', d.createdAt),
    ...ms('startedAt', d.startedAt),
    ...ms('updatedAt', d.updatedAt),
    ...ms('finishedAt', d.finishedAt),
    ...ms('stoppedAt', d.stoppedAt),
    ...(d.targetServiceRevision ? { target: counts(d.targetServiceRevision) } : {}),
    sources: (d.sourceServiceRevisions ?? []).map(counts),
    ...(breaker && breaker.status !== 'DISABLED'
      ? {
          circuitBreaker: {
            status: breaker.status ?? 'MONITORING',
            failures: breaker.failureCount ?? 0,
            threshold: breaker.threshold ?? 0,
          },
        }
      : {}),
    ...(d.alarms && d.alarms.status !== 'DISABLED'
      ? {
          alarms: {
            status: d.alarms.status ?? 'MONITORING',
            names: d.alarms.alarmNames ?? [],
            triggered: d.alarms.triggeredAlarmNames ?? [],
          },
        }
      : {}),
    ...(d.rollback
      ? {
          rollback: {
            ...(d.rollback.reason ? { reason: d.rollback.reason } : {}),
            ...ms('startedAt', d.rollback.startedAt),
            ...(d.rollback.serviceRevisionArn ? { revisionArn: d.rollback.serviceRevisionArn } : {}),
          },
        }
      : {}),
    hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
      id: h.hookId ?? '',
      type: h.targetType ?? 'AWS_LAMBDA',
      status: h.status ?? 'IN_PROGRESS',
      ...ms('expiresAt', h.expiresAt),
      ...(h.timeoutAction ? { timeoutAction: h.timeoutAction } : {}),
    })),
  };
}

function counts(r: ServiceRevisionSummary): RevisionCounts {
  return {
    arn: r.arn ?? '',
    requested: r.requestedTaskCount ?? 0,
    running: r.runningTaskCount ?? 0,
    pending: r.pendingTaskCount ?? 0,
  };
}

function ms<K extends string>(key: K, date: Date | undefined): { [P in K]?: number } {
  return (date ? { [key]: date.getTime() } : {}) as { [P in K]?: number };
}

function lastPart(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '';
}
