import { type ClusterOps } from '../aws/access';
import { type ServiceDetail } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';
import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { type SlackMessage } from '../slack/message';
import { type Replier } from '../slack/reply';
import { settlementMessage, type PausedAt, type Settlement } from '../slack/views/services';
import { deploymentRef } from '../slack/views/deployments';
import { stopSettledMessage } from '../slack/views/tasks';
import {
  CRASH_LOOP_STOPS,
  crashed,
  FAILED_TO_START_STOPS,
  PLACEMENT_FAILURE,
  placementReason,
  primaryDeployment,
  stoppedOnTheirOwn,
  tasksStarted,
} from './explanations';

/**
 * The follow-up after a change: every verb that changes a service (scale, restart, deploy,
 * rollback, service create) or stops a task goes through `changeAndFollow`: make the change, tell
 * the channel at once, watch until it ends, tell the channel how it ended — or, when the change
 * started a deployment with a live message, let that message say both. Both watches poll through
 * one loop (`poll`).
 */

export type { Settlement };

export interface FollowUpTiming {
  /** How often a follow-up (scale, deploy, stop) re-reads the service or task. */
  followUpPollMs: number;
  /** How long a follow-up waits for the service to settle (or the task to stop) before saying it has not. */
  followUpTimeoutMs: number;
  /**
   * How long a follow-up wants the service's counts to stay right, with no task replaced, before it
   * calls the service settled (a crash loop looks settled between crashes). Default 60 s.
   */
  followUpSteadyMs?: number;
}

/** What a follow-up uses, and nothing more (a verb's CommandContext is one). */
export interface FollowUpDeps {
  /** The cluster's alias, as replies name it. */
  alias: string;
  aws: {
    services: Pick<ClusterOps['services'], 'describe'>;
    tasks: Pick<ClusterOps['tasks'], 'describe' | 'list'>;
    taskDefinitions: Pick<ClusterOps['taskDefinitions'], 'ports'>;
    instances: Pick<ClusterOps['instances'], 'count'>;
    serviceDeployments: Pick<ClusterOps['serviceDeployments'], 'describe'>;
  };
  reply: Pick<Replier, 'send'>;
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
  timing: FollowUpTiming;
}

/** How long a settled-looking service must stay so (no task replaced) before the follow-up calls it settled. */
export const DEFAULT_FOLLOW_UP_STEADY_MS = 60_000;

/** One change and what became of it: the change itself, and the two messages the channel gets. */
export interface Change<T, R> {
  /** The one call that changes something; answers with the thing as AWS reported it after the call. */
  apply: () => Promise<T>;
  /** Said at once, after the change. */
  announce: (after: T) => SlackMessage;
  /** Watches until the change has ended one way or another (or until `interrupted` says to stop). */
  follow: (after: T, interrupted?: () => boolean) => Promise<R>;
  /** Said when it has. */
  report: (outcome: R) => SlackMessage;
  /**
   * When the change started something with a message of its own (a deployment's live message,
   * src/notifications/deployments/): that message is the follow-up instead of the two replies.
   * Undefined when there is none, or it could not be posted: then the replies are sent as ever.
   */
  live?: (after: T, announcement: SlackMessage) => Promise<LiveFollowUp<R> | undefined>;
}

/** A message that follows the change in place of the command's own replies. */
export interface LiveFollowUp<R> {
  /**
   * What the command's channel is told instead of the announcement, when the live message is in
   * another channel (a pointer to it); undefined when the live message is in the command's channel.
   */
  pointer?: SlackMessage;
  /** True once the live message shows that waiting is pointless (a deployment paused at a hook). */
  interrupted: () => boolean;
  /** Takes the follow-up's outcome, and the report it would have sent, into the live message. */
  conclude: (outcome: R, report: SlackMessage) => Promise<void>;
}

/**
 * Change → reply → wait → reply: the one path of every follow-up. When the change has a live
 * message, it replaces both replies: the command's channel gets at most a pointer to it, and the
 * outcome goes into it.
 */
export async function changeAndFollow<T, R>(deps: Pick<FollowUpDeps, 'reply'>, change: Change<T, R>): Promise<void> {
  const after = await change.apply();
  const announcement = change.announce(after);
  const live = await change.live?.(after, announcement);
  if (!live) {
    await deps.reply.send(announcement);
    await deps.reply.send(change.report(await change.follow(after)));
    return;
  }
  if (live.pointer) await deps.reply.send(live.pointer);
  const outcome = await change.follow(after, live.interrupted);
  await live.conclude(outcome, change.report(outcome));
}

/**
 * A change to service `name` (scale, restart, deploy, rollback, service create), followed until the
 * service settles or cannot (`waitForSettlement`). `showRevision`: the follow-up names the revision.
 */
export function changeService(
  deps: FollowUpDeps,
  name: string,
  change: Pick<Change<ServiceDetail, Settlement>, 'apply' | 'announce' | 'live'> & { showRevision?: boolean },
): Promise<void> {
  return changeAndFollow(deps, {
    apply: change.apply,
    announce: change.announce,
    ...(change.live ? { live: change.live } : {}),
    follow: (after, interrupted) => waitForSettlement(deps, name, after, interrupted),
    report: (outcome) =>
      settlementMessage(
        deps.alias,
        outcome,
        deps.timing.followUpTimeoutMs,
        change.showRevision ? { showRevision: true } : {},
      ),
  });
}

/** StopTask on task `id`, followed until ECS reports the task STOPPED or the follow-up time runs out. */
export function stopTaskAndFollow<T>(
  deps: FollowUpDeps,
  id: string,
  change: Pick<Change<T, unknown>, 'apply' | 'announce'>,
): Promise<void> {
  return changeAndFollow(deps, {
    apply: change.apply,
    announce: change.announce,
    follow: () => waitForStop(deps, id),
    report: ({ task, waitedMs }) => stopSettledMessage(deps.alias, task, deps.clock.now(), waitedMs),
  });
}

/** Every `followUpPollMs`, looks again until `look` has an answer: the follow-ups' one poll loop. */
async function poll<R>(deps: Pick<FollowUpDeps, 'clock' | 'timing'>, look: () => Promise<R | undefined>): Promise<R> {
  for (;;) {
    await deps.clock.sleep(deps.timing.followUpPollMs);
    const answer = await look();
    if (answer !== undefined) return answer;
  }
}

/** Re-reads the task until ECS reports it STOPPED or the follow-up time runs out. */
async function waitForStop(deps: FollowUpDeps, id: string): Promise<{ task: TaskInfo; waitedMs: number }> {
  const started = deps.clock.now();
  return poll(deps, async () => {
    const current = await deps.aws.tasks.describe(id);
    const waitedMs = deps.clock.now() - started;
    return current.lastStatus === 'STOPPED' || waitedMs >= deps.timing.followUpTimeoutMs
      ? { task: current, waitedMs }
      : undefined;
  });
}

/**
 * Watches a service after a change until it settles, cannot place tasks (a new placement-failure
 * event), its deployment fails, its new tasks keep stopping (a crash loop), or the time runs out.
 *
 * Settled means the counts are right (running = desired, nothing pending, one deployment) and stay
 * right for `followUpSteadyMs` with no task replaced: a crash-looping service looks settled between
 * crashes, and ECS itself reports "has reached a steady state" after each restart. A replaced task
 * shows as a "has started N tasks" service event beyond the desired count (or a deployment's failed
 * count going up); only then are the stopped tasks read (ListTasks + DescribeTasks), so the happy
 * path reads nothing but DescribeServices. New events are told apart by id, so the AWS clock and
 * ours need not agree.
 */
export async function waitForSettlement(
  deps: FollowUpDeps,
  name: string,
  before: ServiceDetail,
  interrupted?: () => boolean,
): Promise<Settlement> {
  const seen = new Set(before.events.map((e) => e.id));
  const deadline = deps.clock.now() + deps.timing.followUpTimeoutMs;
  const steadyMs = deps.timing.followUpSteadyMs ?? DEFAULT_FOLLOW_UP_STEADY_MS;
  // The deployment this change started (deploy, restart) or the one it adjusted (scale).
  const watchedDeployment = before.deployments.find((d) => d.status === 'PRIMARY');
  const watched = watchedDeployment?.id;
  const failedBefore = watchedDeployment?.failed ?? 0;
  // When the change reached ECS, on ECS's own clock: tasks created since then are the change's.
  const since = watchedDeployment?.updatedAt ?? watchedDeployment?.createdAt;
  let steadySince: number | undefined;
  let startsSeen = 0;
  let failedSeen = failedBefore;
  return poll(deps, async (): Promise<Settlement | undefined> => {
    const service = await deps.aws.services.describe(name);
    // The live message saw the deployment pause at a hook: it says so, and has the buttons.
    if (interrupted?.()) return { kind: 'paused', service };
    const now = deps.clock.now();
    const primary = primaryDeployment(service);
    const ours = service.deployments.find((d) => d.id === watched);
    // The circuit breaker marks our deployment FAILED and starts a new PRIMARY that rolls back. By the
    // next look ours may be gone and the rollback done, so a replaced PRIMARY plus ECS's "rolling back"
    // (in the new deployment's reason or a new event) counts too.
    const fresh = service.events.filter((e) => !seen.has(e.id));
    const replaced = watched !== undefined && primary !== undefined && primary.id !== watched;
    const rolledBack =
      replaced &&
      (/rolling back/i.test(primary.rolloutStateReason ?? '') ||
        fresh.some((e) => /rolling back to deployment/i.test(e.message)));
    const failed = [ours, primary].find((d) => d?.rolloutState === 'FAILED');
    if (failed || rolledBack) {
      const failedEvent = fresh
        .find((e) => /deployment failed/i.test(e.message))
        ?.message.replace(/^\(service [^)]*\)\s*(\(deployment [^)]*\)\s*)?(deployment failed:\s*)?/i, '');
      const why = failed?.rolloutStateReason ?? failedEvent ?? 'the deployment failed';
      const reason = rolledBack ? `${why.replace(/\.$/, '')}; ECS rolled back to ${primary!.taskDefinition}` : why;
      return { kind: 'failed', service, reason, stopped: await stoppedSince(deps, name, since) };
    }

    // Tasks replaced since the last look: more starts than the service wants, or failures counted.
    const starts = tasksStarted(fresh);
    const failedNow = (ours ?? primary)?.failed ?? failedSeen;
    const replacedTasks = (starts > startsSeen && starts > service.desired) || failedNow > failedSeen;
    if (starts > startsSeen) steadySince = undefined;
    startsSeen = starts;
    failedSeen = failedNow;
    if (replacedTasks) {
      const stopped = await stoppedSince(deps, name, since);
      const ran = crashed(stopped).length;
      if (ran >= CRASH_LOOP_STOPS) return { kind: 'crashLooping', service, stopped };
      if (stopped.length - ran >= FAILED_TO_START_STOPS) return { kind: 'failingToStart', service, stopped };
      steadySince = undefined;
    }

    const countsRight = service.running === service.desired && service.pending === 0 && service.deployments.length <= 1;
    if (countsRight && service.desired === 0) return { kind: 'settled', service };
    if (countsRight) {
      steadySince ??= now;
      if (now - steadySince >= steadyMs) return { kind: 'settled', service };
    } else {
      steadySince = undefined;
    }

    const missing = unplacedCount(service);
    const placement = fresh.find((e) => PLACEMENT_FAILURE.test(e.message));
    if (placement && service.pending === 0 && missing.missing > 0) {
      return {
        kind: 'unplaceable',
        service,
        reason: await placementReason(deps, service, placement.message),
        eventMessage: placement.message,
        ...missing,
      };
    }
    if (now >= deadline) {
      // ECS repeats a placement event only after hours, so the one explaining this may predate the
      // change: the newest placement failure, if no task was started after it, is still the reason.
      const latest = [...service.events].sort((a, b) => b.createdAt - a.createdAt);
      const lastPlacement = latest.find((e) => PLACEMENT_FAILURE.test(e.message));
      const lastStart = latest.find((e) => tasksStarted([e]) > 0);
      if (
        lastPlacement &&
        service.pending === 0 &&
        missing.missing > 0 &&
        (!lastStart || lastStart.createdAt <= lastPlacement.createdAt)
      ) {
        return {
          kind: 'unplaceable',
          service,
          reason: await placementReason(deps, service, lastPlacement.message),
          eventMessage: lastPlacement.message,
          ...missing,
        };
      }
      // A blue/green deployment waiting at a PAUSE hook looks stuck from DescribeServices alone.
      const paused = await pausedAt(deps, name, before);
      if (paused) return { kind: 'paused', service, at: paused };
      return { kind: 'timeout', service, stopped: await stoppedSince(deps, name, since) };
    }
    return undefined;
  });
}

/**
 * Where the change's service deployment waits, when it waits at a PAUSE lifecycle hook (one
 * DescribeServiceDeployments, only when a follow-up would otherwise say it timed out); a failure
 * to read it leaves the reply as it was.
 */
async function pausedAt(
  deps: Pick<FollowUpDeps, 'aws' | 'logger'>,
  name: string,
  after: ServiceDetail,
): Promise<PausedAt | undefined> {
  const arn = after.currentServiceDeployment;
  if (!arn) return undefined;
  try {
    const [info] = await deps.aws.serviceDeployments.describe([arn]);
    const hook = info?.hooks.find((h) => h.status === 'AWAITING_ACTION');
    if (!info || !hook || isFinished(info.status)) return undefined;
    return {
      ref: deploymentRef(name, info.id),
      // Right after a change, a deployment alone is the service's first (`service create`).
      rollBack: after.deployments.length > 1,
      ...(info.lifecycleStage ? { stage: info.lifecycleStage } : {}),
      ...(hook.expiresAt !== undefined ? { expiresAt: hook.expiresAt } : {}),
      ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
    };
  } catch (err) {
    deps.logger.warn(
      { err: err instanceof Error ? err.message : String(err), service: name },
      'follow-up: could not read the service deployment',
    );
    return undefined;
  }
}

function isFinished(status: string): boolean {
  return ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(status);
}

/** Tasks of the newest deployment that are neither running nor pending, out of how many it wants. */
function unplacedCount(service: ServiceDetail): { missing: number; of: number } {
  const primary = primaryDeployment(service);
  const of = primary?.desired ?? service.desired;
  const placed = primary ? primary.running + primary.pending : service.running + service.pending;
  return { missing: Math.max(0, of - placed), of };
}

/**
 * Why the change's tasks stopped: the service's STOPPED tasks (ListTasks + DescribeTasks) created
 * at or after `since` (all of them when ECS gave no time) that stopped on their own, newest first.
 * Only asked when a follow-up ends badly or sees tasks replaced; a failure to read them leaves the
 * reply as it was.
 */
async function stoppedSince(
  deps: Pick<FollowUpDeps, 'aws' | 'logger'>,
  name: string,
  since: number | undefined,
): Promise<TaskInfo[]> {
  try {
    return stoppedOnTheirOwn(await deps.aws.tasks.list({ service: name, stopped: true }), since);
  } catch (err) {
    deps.logger.warn(
      { err: err instanceof Error ? err.message : String(err), service: name },
      'follow-up: could not read the stopped tasks',
    );
    return [];
  }
}
