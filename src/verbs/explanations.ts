import { explainPlacement, portsInUse } from '../text/stop-causes';
import { type ClusterOps } from '../aws/access';
import { type Deployment } from '../aws/deployments';
import { type ServiceDetail, type ServiceEvent } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';

/**
 * Why a service is not where it should be, said once for every reply that needs it: the follow-ups
 * of scale, restart, deploy, rollback and service create, and `service SVC`.
 */

/** ECS's service event when the scheduler cannot place a task ("was unable to place a task because …"). */
export const PLACEMENT_FAILURE = /was unable to place a task/i;
/** ECS's service event each time the scheduler starts tasks: "(service web) has started 2 tasks: (task …) (task …)." */
const STARTED_TASKS = /has started (\d+) tasks?/i;

/** Stops the service scheduler or a person asked for (scale-in, replaced by a deployment): not why a service is failing. */
const ASKED_FOR = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);

/** Stops of started tasks (within the window) that make a service "crash-looping" rather than unlucky once. */
export const CRASH_LOOP_STOPS = 2;
/**
 * New tasks that stopped before they ever ran (an image that cannot be pulled, a missing secret)
 * that end a follow-up early: the deployment circuit breaker's own minimum threshold.
 */
export const FAILED_TO_START_STOPS = 3;
/** How far back `service SVC` looks for a crash loop. */
export const CRASH_LOOP_WINDOW_MS = 15 * 60 * 1000;

/** How many tasks the scheduler started, by these service events. */
export function tasksStarted(events: readonly ServiceEvent[]): number {
  let n = 0;
  for (const e of events) {
    const m = STARTED_TASKS.exec(e.message);
    if (m) n += Number(m[1]);
  }
  return n;
}

/**
 * The service's tasks that stopped on their own (not scaled in, not stopped by a person), created
 * at or after `since` (all of them when it is undefined), newest stop first.
 */
export function stoppedOnTheirOwn(tasks: readonly TaskInfo[], since: number | undefined): TaskInfo[] {
  return tasks
    .filter((t) => since === undefined || (t.createdAt ?? Number.POSITIVE_INFINITY) >= since)
    .filter((t) => !ASKED_FOR.has(t.stopCode ?? ''))
    .sort(
      (a, b) => (b.stoppedAt ?? b.stoppingAt ?? 0) - (a.stoppedAt ?? a.stoppingAt ?? 0) || a.id.localeCompare(b.id),
    );
}

/** Of those, the ones that had started (ran, then stopped): a crash, not a failure to start. */
export function crashed(stopped: readonly TaskInfo[]): TaskInfo[] {
  return stopped.filter((t) => t.startedAt !== undefined);
}

/**
 * Whether `service SVC` should look for a crash loop: within the window the scheduler started more
 * tasks than the service wants (so some were replaced) — read from the service's own events, so
 * a healthy service costs no further AWS call.
 */
export function restartsHint(service: ServiceDetail, now: number, windowMs: number = CRASH_LOOP_WINDOW_MS): boolean {
  const recent = service.events.filter((e) => e.createdAt >= now - windowMs);
  return service.desired > 0 && tasksStarted(recent) > service.desired;
}

/** The deployment a reply is about: the PRIMARY one (the newest), if ECS listed it. */
export function primaryDeployment(service: ServiceDetail): Deployment | undefined {
  return service.deployments.find((d) => d.status === 'PRIMARY');
}

/**
 * ECS's placement event said the way a person would, naming the port or the resource, with what
 * we know besides: the task definition's fixed host ports and how many instances the cluster has.
 * During a deployment (more than one deployment listed) the old tasks are what hold the port.
 */
export async function placementReason(
  deps: {
    aws: {
      taskDefinitions: Pick<ClusterOps['taskDefinitions'], 'ports'>;
      instances: Pick<ClusterOps['instances'], 'count'>;
    };
  },
  service: ServiceDetail,
  message: string,
): Promise<string> {
  if (/already using a port/i.test(message)) {
    const [{ fixedHostPorts }, instances] = await Promise.all([
      deps.aws.taskDefinitions.ports(service.taskDefinition).catch(() => ({ fixedHostPorts: [] as number[] })),
      deps.aws.instances.count().catch(() => 0),
    ]);
    const ports = portsInUse(fixedHostPorts);
    const where =
      instances === 1 ? 'the only instance' : instances > 1 ? `all ${instances} instances` : 'every instance';
    const rolling =
      service.deployments.length > 1
        ? ' The old tasks hold it until new ones run, so a rolling deployment with a fixed host port needs a free instance (or a minimum healthy percent below 100).'
        : '';
    return `${ports} already used on ${where}.${rolling} Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.`;
  }
  if (/insufficient CPU/i.test(message)) return 'no instance has enough free CPU. Add instances or lower the task CPU.';
  if (/insufficient memory/i.test(message))
    return 'no instance has enough free memory. Add instances or lower the task memory.';
  if (/no container instances were found/i.test(message)) return 'the cluster has no container instances.';
  const why = explainPlacement(message);
  return why ? `${message} ${why}` : message;
}
