import { type CommandContext } from '../commands/types';
import { type ServiceDetail } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';
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

export type Settlement =
  | { kind: 'settled'; service: ServiceDetail }
  /** `missing` of `of` tasks of the newest deployment could not be placed (never 0). */
  | { kind: 'unplaceable'; service: ServiceDetail; reason: string; eventMessage: string; missing: number; of: number }
  /** `stopped`: the service's tasks that started after the change and have stopped, newest first. */
  | { kind: 'failed'; service: ServiceDetail; reason: string; stopped: TaskInfo[] }
  /** Tasks the change started keep stopping soon after they start; `stopped` as for `failed`. */
  | { kind: 'crashLooping'; service: ServiceDetail; stopped: TaskInfo[] }
  /** Tasks the change started keep stopping before they run (e.g. CannotPullContainerError); `stopped` as for `failed`. */
  | { kind: 'failingToStart'; service: ServiceDetail; stopped: TaskInfo[] }
  | { kind: 'timeout'; service: ServiceDetail; stopped: TaskInfo[] };

/** How long a settled-looking service must stay so (no task replaced) before the follow-up calls it settled. */
export const DEFAULT_FOLLOW_UP_STEADY_MS = 60_000;

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
export async function waitForSettlement(ctx: CommandContext, name: string, before: ServiceDetail): Promise<Settlement> {
  const seen = new Set(before.events.map((e) => e.id));
  const deadline = ctx.clock.now() + ctx.timing.followUpTimeoutMs;
  const steadyMs = ctx.timing.followUpSteadyMs ?? DEFAULT_FOLLOW_UP_STEADY_MS;
  // The deployment this change started (deploy, restart) or the one it adjusted (scale).
  const watchedDeployment = before.deployments.find((d) => d.status === 'PRIMARY');
  const watched = watchedDeployment?.id;
  const failedBefore = watchedDeployment?.failed ?? 0;
  // When the change reached ECS, on ECS's own clock: tasks created since then are the change's.
  const since = watchedDeployment?.updatedAt ?? watchedDeployment?.createdAt;
  let service = before;
  let steadySince: number | undefined;
  let startsSeen = 0;
  let failedSeen = failedBefore;
  for (;;) {
    await ctx.clock.sleep(ctx.timing.followUpPollMs);
    service = await ctx.aws.services.describe(name);
    const now = ctx.clock.now();
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
      return { kind: 'failed', service, reason, stopped: await stoppedSince(ctx, name, since) };
    }

    // Tasks replaced since the last look: more starts than the service wants, or failures counted.
    const starts = tasksStarted(fresh);
    const failedNow = (ours ?? primary)?.failed ?? failedSeen;
    const replacedTasks = (starts > startsSeen && starts > service.desired) || failedNow > failedSeen;
    if (starts > startsSeen) steadySince = undefined;
    startsSeen = starts;
    failedSeen = failedNow;
    if (replacedTasks) {
      const stopped = await stoppedSince(ctx, name, since);
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
        reason: await placementReason(ctx, service, placement.message),
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
          reason: await placementReason(ctx, service, lastPlacement.message),
          eventMessage: lastPlacement.message,
          ...missing,
        };
      }
      return { kind: 'timeout', service, stopped: await stoppedSince(ctx, name, since) };
    }
  }
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
async function stoppedSince(ctx: CommandContext, name: string, since: number | undefined): Promise<TaskInfo[]> {
  try {
    return stoppedOnTheirOwn(await ctx.aws.tasks.list({ service: name, stopped: true }), since);
  } catch (err) {
    ctx.logger.warn(
      { err: err instanceof Error ? err.message : String(err), service: name },
      'follow-up: could not read the stopped tasks',
    );
    return [];
  }
}
