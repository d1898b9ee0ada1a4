import { type ClusterOps } from '../../aws/access';
import { type ServiceDetail } from '../../aws/services';
import { type TaskInfo } from '../../aws/tasks';
import { type Config } from '../../config/schema';
import { routeFor } from '../routing';
import { DEFAULT_NOTIFY_SETTINGS } from '../constants';
import { isEnded, phaseOf } from '../../slack/views/deployments';
import { stopReason, stoppedTasksLine } from '../../slack/views/stopped-tasks';
import {
  claimRead,
  liveKey,
  openLive,
  publish,
  readLive,
  saveLive,
  showLatest,
  type LiveDeployment,
  type LiveDeps,
  type StartedBy,
  type StoppedSummary,
  type Verdict,
} from './live';

export interface WatchDeps extends LiveDeps {
  /** The cluster's operations on the watcher's role (reads only). */
  aws: ClusterOps;
}

export interface WatchOptions {
  /** How often ECS may be read for this deployment, whoever watches. */
  pollMs: number;
  /** How long this watcher follows it before leaving it to its events. */
  forMs: number;
  /** The worker's time left; a watcher stops a poll early rather than be cut off. */
  remainingTimeMs?: () => number;
  /** Says when this watcher may leave the rest to the events (the command's follow-up has its answer). */
  enough?: () => boolean;
  /** False when someone else reads the stopped tasks (a command's follow-up does, and hands them over). */
  readStopped?: boolean;
}

/** Stops by the scheduler or a person are not why a deployment failed. */
const ASKED_FOR = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);
const STOPPED_DETAILS = 10;

/** Where a service's deployment messages go, and how often they may change. */
export function deploymentRoute(
  config: Config,
  alias: string,
  service: string,
  fallbackChannel: string | undefined,
): { channel: string; updateIntervalMs: number } | undefined {
  const route = routeFor(config, alias, service);
  const channel = route?.channel ?? fallbackChannel;
  if (!channel) return undefined;
  return { channel, updateIntervalMs: route?.settings.updateIntervalMs ?? DEFAULT_NOTIFY_SETTINGS.updateIntervalMs };
}

/**
 * After a command changed a service: when it started a new deployment, the deployment's live
 * message, opened (in the service's channel, else where the command was typed) and posted once.
 * Undefined when the change started no deployment or nowhere is set for it.
 */
export async function openCommandDeployment(
  deps: LiveDeps & { config: Config },
  input: {
    alias: string;
    service: string;
    before: ServiceDetail | undefined;
    after: ServiceDetail;
    startedBy: Extract<StartedBy, { kind: 'user' }>;
    channelId: string;
    /** The command's announcement (plain text): kept on the message when it goes to the command's channel. */
    announcement?: string;
  },
): Promise<LiveDeployment | undefined> {
  const primary = input.after.deployments.find((d) => d.status === 'PRIMARY');
  const previous = input.before?.deployments.find((d) => d.status === 'PRIMARY');
  // A change of desired count alone starts no deployment: nothing to follow.
  if (!primary || primary.id === previous?.id) return undefined;
  const route = deploymentRoute(deps.config, input.alias, input.service, input.channelId);
  if (!route) return undefined;
  const from = previous?.taskDefinition ?? input.after.deployments.find((d) => d.status === 'ACTIVE')?.taskDefinition;
  return openLive(deps, {
    alias: input.alias,
    service: input.service,
    ecsId: primary.id,
    ...(input.after.currentServiceDeployment ? { arn: input.after.currentServiceDeployment } : {}),
    channel: route.channel,
    startedBy: input.startedBy,
    ...(from ? { from } : {}),
    to: primary.taskDefinition,
    startedAt: deps.clock.now(),
    updateIntervalMs: route.updateIntervalMs,
    ...(input.announcement && route.channel === input.channelId ? { said: input.announcement.slice(0, 1000) } : {}),
  });
}

/**
 * What a command's follow-up found (settled, crash-looping, could not place…), written into the
 * deployment's live message, with the stopped tasks it read (so they are read once): the message
 * shows it while the deployment has not ended, its end line counts the tasks, its thread lists them.
 */
export async function concludeCommandDeployment(
  deps: LiveDeps,
  ref: { alias: string; service: string; ecsId: string },
  verdict: Verdict | undefined,
  tasks: readonly TaskInfo[],
): Promise<void> {
  const item = await readLive(deps.state, liveKey(ref.alias, ref.service, ref.ecsId));
  if (!item) return;
  const changed: (keyof LiveDeployment)[] = [];
  if (verdict) {
    item.verdict = verdict;
    changed.push('verdict');
  }
  const own = tasks.filter((t) => !ASKED_FOR.has(t.stopCode ?? ''));
  if (!item.stopped && own.length > 0) {
    item.stopped = summarise(own);
    changed.push('stopped');
  }
  if (changed.length === 0) return;
  await saveLive(deps.state, item, changed);
  await showLatest(deps, { pk: item.pk, sk: item.sk });
}

/**
 * After a command's watcher has left: when none of its reads succeeded (the message still says
 * "starting"), one more read, whoever read last; then the message shows what the item holds.
 */
export async function finishCommandWatch(
  deps: WatchDeps,
  ref: { alias: string; service: string; ecsId: string },
  pollMs: number,
): Promise<void> {
  const key = liveKey(ref.alias, ref.service, ref.ecsId);
  const item = await readLive(deps.state, key);
  if (!item) return;
  if (item.snapshot === undefined && item.event === undefined) {
    await deps.state.update(key, 'SET #readAt = :zero', { values: { ':zero': 0 } });
    await refreshLive(deps, { ...item, readAt: 0 }, pollMs, { readStopped: false });
  }
  await showLatest(deps, key);
}

/** Follows one live deployment until it ends, pauses, or this watcher's time is up. */
export async function followLive(
  deps: WatchDeps,
  item: LiveDeployment,
  options: WatchOptions,
): Promise<LiveDeployment> {
  const until = deps.clock.now() + options.forMs;
  let current = item;
  for (;;) {
    try {
      current = await refreshLive(deps, current, options.pollMs, { readStopped: options.readStopped ?? true });
    } catch (err) {
      // One failed look (AWS throttling past the retries, the table) does not end the watch: the next one may do.
      deps.logger.warn(
        { err: err instanceof Error ? err.message : String(err), service: current.service },
        'deployment: a look failed',
      );
    }
    const phase = phaseOf(current);
    if (isEnded(phase) || phase.kind === 'paused') return current;
    const left = options.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY;
    if (deps.clock.now() + options.pollMs > until || left < options.pollMs + 30_000 || options.enough?.())
      return current;
    await deps.clock.sleep(options.pollMs);
  }
}

/**
 * One look: reads ECS if this caller wins the read for this poll interval (one
 * DescribeServiceDeployments; the stopped tasks once, when it has failed), else takes what the
 * winner stored; then edits the message if that is due.
 */
export async function refreshLive(
  deps: WatchDeps,
  item: LiveDeployment,
  pollMs: number,
  options: { readStopped?: boolean } = {},
): Promise<LiveDeployment> {
  let current = item;
  if (await claimRead(deps, current, pollMs)) {
    // What the others wrote meanwhile (the message's ts, its last edit), under this read's result.
    const stored = await readLive(deps.state, liveKey(item.alias, item.service, item.ecsId));
    if (stored) current = { ...stored, readAt: current.readAt };
    if (!current.arn) await resolveArn(deps, current);
    if (current.arn) {
      const [info] = await deps.aws.serviceDeployments.describe([current.arn]);
      if (info) current.snapshot = info;
    }
    const phase = phaseOf(current);
    const failing = ['rollingBack', 'rolledBack', 'failed', 'stopped'].includes(phase.kind);
    if (failing && !current.stopped && isEnded(phase) && options.readStopped !== false) {
      const since = (current.snapshot as { createdAt?: number } | undefined)?.createdAt;
      current.stopped = await stoppedDuring(deps, current.service, since);
    }
    await saveLive(deps.state, current, ['arn', 'snapshot', 'stopped', 'from', 'to']);
  } else {
    current = (await readLive(deps.state, liveKey(item.alias, item.service, item.ecsId))) ?? current;
  }
  await publish(deps, current);
  return current;
}

/**
 * A deployment started outside Slack: its events name the `ecs-svc/…` deployment, not the service
 * deployment. The service deployment is the newest one created by the time of its first event
 * (ListServiceDeployments), and DescribeServices names the revisions while their deployments are
 * still there; read together, once.
 */
async function resolveArn(deps: WatchDeps, item: LiveDeployment): Promise<void> {
  const [recent, service] = await Promise.all([
    deps.aws.serviceDeployments.list(item.service, 5),
    deps.aws.services.describe(item.service).catch(() => undefined),
  ]);
  const startedBy = item.startedAt + CLOCK_SKEW_MS;
  const match = recent
    .filter((d) => (d.createdAt ?? 0) <= startedBy)
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0];
  if (match) item.arn = match.arn;
  const own = service?.deployments.find((d) => d.id === item.ecsId);
  if (own) {
    item.to ??= own.taskDefinition;
    const source = service?.deployments.find((d) => d.id !== own.id && (d.createdAt ?? 0) <= (own.createdAt ?? 0));
    if (source) item.from ??= source.taskDefinition;
  }
}

/** ECS's clock and the event's may differ a little. */
const CLOCK_SKEW_MS = 60_000;

/** Why its tasks stopped: the service's stopped tasks created since the deployment began, counted by reason. */
async function stoppedDuring(deps: WatchDeps, service: string, since: number | undefined): Promise<StoppedSummary> {
  let tasks: TaskInfo[] = [];
  try {
    tasks = await deps.aws.tasks.list({ service, stopped: true });
  } catch (err) {
    deps.logger.warn(
      { err: err instanceof Error ? err.message : String(err), service },
      'deployment: stopped tasks not read',
    );
  }
  return summarise(
    tasks
      .filter((t) => since === undefined || (t.createdAt ?? Number.POSITIVE_INFINITY) >= since)
      .filter((t) => !ASKED_FOR.has(t.stopCode ?? '')),
  );
}

/** Stopped tasks (stopped on their own) → the line and the thread's detail. */
function summarise(tasks: readonly TaskInfo[]): StoppedSummary {
  const own = [...tasks].sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0));
  if (own.length === 0) return { summary: 'no task stopped on its own', reasons: [], details: [] };
  const { summary, reasons } = stoppedTasksLine(own);
  return {
    summary,
    reasons,
    newestTask: own[0]!.id.slice(0, 100),
    details: own
      .slice(0, STOPPED_DETAILS)
      .map((t) => `${t.id.slice(0, 8)} (${t.taskDefinition}): ${stopReason(t)}`.slice(0, 590)),
  };
}
