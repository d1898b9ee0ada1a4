import { randomUUID } from 'node:crypto';
import { ChatopsError } from '../errors';
import { ttlSeconds } from '../state/table';
import { isExpired } from '../state/table';
import { getWindow, incrementWindow, type NotificationWindow, putWindow, windowPk } from './windows';
import { MAX_WINDOW_WRITE_ATTEMPTS, REORDER_TOLERANCE_MS, WINDOW_TTL_MS } from './constants';
import { type NotifierContext } from './context';
import { type Occurrence, type Route } from './types';
import { threadDetailsOf } from './settings';

export interface Counted {
  window: NotificationWindow;
  /** The window this occurrence closed (quiet period over), if any: its message may owe a last edit. */
  replaced?: NotificationWindow;
  /** True when the window was up to date before this occurrence (so the sweeper must now be told about it). */
  fellBehind: boolean;
}

export class WindowContentionError extends ChatopsError {
  constructor(pk: string) {
    super(
      'notify_window_contention',
      `could not count an occurrence into ${pk} after ${MAX_WINDOW_WRITE_ATTEMPTS} attempts`,
    );
  }
}

/**
 * Counts one occurrence (already de-duplicated) into its window: read, compute, write
 * conditionally on the revision read, retry on conflict. A window quiet for the route's quiet
 * period, or routed to another channel since, is replaced by a new one.
 *
 * The hot path of a crash loop skips the read: once a window is past its first few occurrences
 * (whose facts go to the thread), an occurrence is counted with one atomic conditional update.
 */
export async function countOccurrence(ctx: NotifierContext, route: Route, occ: Occurrence): Promise<Counted> {
  const pk = windowPk(route.alias, occ.service, occ.kind);
  // What this instance last knew of the window saves the first read; a stale copy fails its
  // condition and costs one re-read.
  let current = ctx.windows.get(pk);
  let known = current !== undefined;
  for (let attempt = 0; attempt < MAX_WINDOW_WRITE_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await ctx.clock.sleep(Math.random() * 2 ** Math.min(attempt, 6));
    if (!known) current = await getWindow(ctx.state, pk);
    known = false;
    const now = ctx.clock.now();
    const fresh =
      !current ||
      isExpired(current, now) ||
      now - current.lastSeenAt >= route.settings.quietPeriodMs ||
      current.channel !== route.channel;
    if (!fresh && canCountHot(current as NotificationWindow, occ)) {
      const updated = await countHot(ctx, current as NotificationWindow, occ, now, route.settings.quietPeriodMs);
      if (updated) return updated;
      continue;
    }
    const next = fresh
      ? startWindow(pk, route, occ, now, current?.rev ?? 0)
      : extendWindow(current as NotificationWindow, occ, now);
    if (await putWindow(ctx.state, next, current?.rev)) {
      ctx.windows.set(pk, next);
      return {
        window: next,
        ...(fresh && current ? { replaced: current } : {}),
        fellBehind: fresh || (current as NotificationWindow).count <= (current as NotificationWindow).renderedCount,
      };
    }
  }
  ctx.windows.delete(pk);
  throw new WindowContentionError(pk);
}

/** Past the first few occurrences (their facts go to the thread) and not a late delivery. */
function canCountHot(w: NotificationWindow, occ: Occurrence): boolean {
  return w.count >= threadDetailsOf(w) + 1 && occ.at + REORDER_TOLERANCE_MS >= w.lastAt;
}

async function countHot(
  ctx: NotifierContext,
  w: NotificationWindow,
  occ: Occurrence,
  now: number,
  quietPeriodMs: number,
): Promise<Counted | undefined> {
  const updated = await incrementWindow(ctx.state, w, {
    now,
    quietCutoff: now - quietPeriodMs,
    at: occ.at,
    lastAtAtMost: occ.at + REORDER_TOLERANCE_MS,
    latest: occ.fact,
    expiresAt: ttlSeconds(now + WINDOW_TTL_MS),
  });
  if (!updated) return undefined;
  ctx.windows.set(w.pk, updated);
  return { window: updated, fellBehind: updated.count - 1 <= updated.renderedCount };
}

function startWindow(pk: string, route: Route, occ: Occurrence, now: number, previousRev: number): NotificationWindow {
  return {
    pk,
    sk: 'window',
    windowId: `${now.toString(36)}-${randomUUID().slice(0, 8)}`,
    rev: previousRev + 1,
    alias: route.alias,
    ...(occ.service !== undefined ? { service: occ.service } : {}),
    kind: occ.kind,
    channel: route.channel,
    cluster: occ.cluster,
    count: 1,
    renderedCount: 0,
    renderedAt: 0,
    firstAt: occ.at,
    lastAt: occ.at,
    lastSeenAt: now,
    latest: occ.fact,
    details: [],
    threadPosted: 0,
    notePosted: false,
    threadDetails: route.settings.threadDetails,
    updateIntervalMs: route.settings.updateIntervalMs,
    expiresAt: ttlSeconds(now + WINDOW_TTL_MS),
  };
}

function extendWindow(w: NotificationWindow, occ: Occurrence, now: number): NotificationWindow {
  const count = w.count + 1;
  return {
    ...w,
    rev: w.rev + 1,
    count,
    firstAt: Math.min(w.firstAt, occ.at),
    lastAt: Math.max(w.lastAt, occ.at),
    lastSeenAt: now,
    // "Latest" is by event time: a late delivery of an old stop does not replace the newest reason.
    latest: occ.at >= w.lastAt ? occ.fact : w.latest,
    details: count <= threadDetailsOf(w) + 1 ? [...w.details, occ.fact] : w.details,
    expiresAt: ttlSeconds(now + WINDOW_TTL_MS),
  };
}
