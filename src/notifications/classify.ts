import { type EcsEvent, parseTime, type TaskStateChangeDetail } from './events';
import { type ClusterRef, type ContainerFact, type Occurrence } from './types';

/**
 * ECS stop codes (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html).
 * SpotInterruption and TerminationNotice arrive while the task is still RUNNING with desiredStatus
 * STOPPED; the task's later STOPPED event is the same stop and is de-duplicated by task.
 */
const SPOT_STOP_CODES = new Set(['SpotInterruption', 'TerminationNotice']);

/** The service scheduler also replaces tasks that fail health checks; those are not a scale-in. */
const HEALTH_CHECK_REASON = /health ?checks?/i;

const ROLLBACK_REASON = /rolling back|rollback/i;

/**
 * What an ECS event means for a channel, or undefined when it is nothing to tell (a task starting,
 * a steady state, a routine agent reconnect). Container instance disconnects are not classified
 * here: whether the agent *stays* disconnected is decided later (see disconnects.ts).
 */
export function classifyEvent(event: EcsEvent): Occurrence | undefined {
  switch (event.type) {
    case 'task':
      return classifyTask(event, event.detail);
    case 'service': {
      const { eventName } = event.detail;
      if (
        ![
          'SERVICE_TASK_PLACEMENT_FAILURE',
          'SERVICE_TASK_START_IMPAIRED',
          'SERVICE_TASK_CONFIGURATION_FAILURE',
        ].includes(eventName)
      )
        return undefined;
      const service = serviceFromArn(event.resources.find((r) => r.includes(':service/')));
      return {
        kind: 'placementFailure',
        cluster: clusterRef(event.detail.clusterArn, event.region, event.account),
        ...(service.name ? { service: service.name } : {}),
        dedupeKey: `event:${event.id}`,
        at: parseTime(event.detail.createdAt) ?? event.time,
        fact: {
          type: 'serviceAction',
          eventName,
          ...opt('eventType', event.detail.eventType),
          ...opt('reason', event.detail.reason ?? event.detail.reasons?.join(', ')),
        },
      };
    }
    case 'deployment': {
      const { eventName, reason } = event.detail;
      const rollback = eventName === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && ROLLBACK_REASON.test(reason ?? '');
      const kind =
        eventName === 'SERVICE_DEPLOYMENT_FAILED' || rollback
          ? 'deploymentFailure'
          : eventName === 'SERVICE_DEPLOYMENT_COMPLETED'
            ? 'deploymentComplete'
            : undefined;
      if (!kind) return undefined;
      // The deployment event has no clusterArn; the service ARN (long format) names the cluster.
      const service = serviceFromArn(event.resources.find((r) => r.includes(':service/')));
      if (!service.cluster || !service.name) return undefined;
      return {
        kind,
        cluster: {
          name: service.cluster,
          ...opt('arn', clusterArnOf(service.arn)),
          region: event.region || regionFromArn(service.arn),
          ...opt('account', event.account),
        },
        service: service.name,
        dedupeKey: `event:${event.id}`,
        at: parseTime(event.detail.updatedAt) ?? event.time,
        fact: {
          type: 'deployment',
          eventName,
          rollback,
          ...opt('deploymentId', event.detail.deploymentId),
          ...opt('reason', reason),
        },
      };
    }
    case 'instance':
      return undefined;
  }
}

function classifyTask(event: EcsEvent, d: TaskStateChangeDetail): Occurrence | undefined {
  const stopping =
    d.lastStatus === 'STOPPED' || (d.desiredStatus === 'STOPPED' && SPOT_STOP_CODES.has(d.stopCode ?? ''));
  if (!stopping) return undefined;
  const containers: ContainerFact[] = (d.containers ?? []).map((c) => ({
    name: c.name,
    ...opt('exitCode', c.exitCode),
    ...opt('reason', c.reason),
  }));
  const service = d.group?.startsWith('service:') ? d.group.slice('service:'.length) : undefined;
  const kind = stopKind(d, containers, service !== undefined);
  if (!kind) return undefined;
  const stoppedAt = parseTime(d.stoppedAt) ?? parseTime(d.stoppingAt);
  return {
    kind,
    cluster: clusterRef(d.clusterArn, event.region, event.account),
    ...(service ? { service } : {}),
    // A task stops once; its STOPPED event may come twice, or after a Spot termination notice.
    dedupeKey: `stop:${d.taskArn}`,
    at: stoppedAt ?? event.time,
    fact: {
      type: 'taskStopped',
      taskArn: d.taskArn,
      taskId: lastSegment(d.taskArn),
      ...opt('taskDefinition', d.taskDefinitionArn ? lastSegment(d.taskDefinitionArn) : undefined),
      lastStatus: d.lastStatus,
      ...opt('stopCode', d.stopCode),
      ...opt('stoppedReason', d.stoppedReason),
      containers,
      ...opt('createdAt', parseTime(d.createdAt)),
      ...opt('startedAt', parseTime(d.startedAt)),
      ...opt('stoppedAt', stoppedAt),
      ...opt('launchType', d.launchType),
    },
  };
}

function stopKind(
  d: TaskStateChangeDetail,
  containers: ContainerFact[],
  inService: boolean,
): Occurrence['kind'] | undefined {
  const failedExit = containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0);
  switch (d.stopCode) {
    case 'UserInitiated':
      return 'userStop';
    case 'ServiceSchedulerInitiated':
      return HEALTH_CHECK_REASON.test(d.stoppedReason ?? '') ? 'unexpectedStop' : 'scaleIn';
    case 'TaskFailedToStart':
    case 'SpotInterruption':
    case 'TerminationNotice':
      return 'unexpectedStop';
    case 'EssentialContainerExited':
      // A standalone task (RunTask) whose containers all exited 0 simply finished its job.
      return inService || failedExit || containers.every((c) => c.exitCode === undefined)
        ? 'unexpectedStop'
        : undefined;
    case undefined:
      return failedExit ? 'unexpectedStop' : undefined;
    default:
      // A stop code ECS added after this was written: better said than missed.
      return 'unexpectedStop';
  }
}

export function clusterRef(clusterArnOrName: string, region: string, account?: string): ClusterRef {
  const from = opt('account', account);
  if (!clusterArnOrName.startsWith('arn:')) return { name: clusterArnOrName, region, ...from };
  return {
    name: lastSegment(clusterArnOrName),
    arn: clusterArnOrName,
    region: region || regionFromArn(clusterArnOrName),
    ...from,
  };
}

/** The cluster ARN a long-format service ARN implies: `arn:aws:ecs:R:A:service/C/S` → `arn:aws:ecs:R:A:cluster/C`. */
function clusterArnOf(serviceArn: string | undefined): string | undefined {
  const parts = serviceArn?.split(':');
  const resource = parts?.slice(5).join(':').split('/');
  if (!parts || parts.length < 6 || resource?.length !== 3) return undefined;
  return `${parts.slice(0, 5).join(':')}:cluster/${resource[1]}`;
}

/** `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME` (long format) or `…:service/NAME` (short, no cluster). */
export function serviceFromArn(arn: string | undefined): { arn?: string; cluster?: string; name?: string } {
  if (!arn) return {};
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  if (parts[0] !== 'service') return {};
  if (parts.length >= 3) return { arn, cluster: parts[1], name: parts.slice(2).join('/') };
  return parts[1] ? { arn, name: parts[1] } : {};
}

export function lastSegment(arn: string): string {
  const resource = arn.split(':').slice(5).join(':') || arn;
  return resource.split('/').pop() ?? resource;
}

export function regionFromArn(arn: string | undefined): string {
  return arn?.split(':')[3] ?? '';
}

export function accountFromArn(arn: string | undefined): string {
  return arn?.split(':')[4] ?? '';
}

/** `{ key: value }` when value is defined, else `{}` — keeps optional fields absent rather than undefined. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
