import { THREAD_DETAIL_LIMIT, UPDATE_INTERVAL_MS } from './constants';

/**
 * The tunables a window carries from its route (see NotificationWindow). A window stored before
 * they were configurable has none, and gets the defaults.
 */
export interface WindowSettings {
  threadDetails?: number;
  updateIntervalMs?: number;
}

export function threadDetailsOf(w: WindowSettings): number {
  return w.threadDetails ?? THREAD_DETAIL_LIMIT;
}

export function updateIntervalOf(w: WindowSettings): number {
  return w.updateIntervalMs ?? UPDATE_INTERVAL_MS;
}

/** Whether a window owes its thread the "further occurrences are only counted" note: never when it has no thread. */
export function overflowNoteDue(w: WindowSettings & { count: number; notePosted: boolean }): boolean {
  const limit = threadDetailsOf(w);
  return limit > 0 && w.count > limit + 1 && !w.notePosted;
}
