import { type NotificationKind } from '../config/schema';
import { type ClusterRef, type Fact } from './types';
import { type StateStore } from '../state/table';

/**
 * A notification window: everything one Slack message (and its thread) says about a burst of one
 * kind of event for one cluster/service. One item per cluster/service/kind holds the current
 * window; a window that has been quiet long enough is replaced by the next one.
 *
 * Concurrency: `rev` is bumped by every write. Counting an occurrence is a read, then a put
 * conditional on `rev` (optimistic locking, retried on conflict), so two invocations never count
 * from the same state. Claims (post the message, edit it, post thread replies) are updates
 * conditional on the field they claim, and bump `rev` too, so a put computed before a claim can
 * never overwrite it.
 */
export interface NotificationWindow {
  pk: string;
  sk: 'window';
  /** Identifies this window among the ones that follow each other in the item. */
  windowId: string;
  rev: number;
  alias: string;
  service?: string;
  kind: NotificationKind;
  channel: string;
  cluster: ClusterRef;
  count: number;
  /** The count the Slack message shows; the window is "behind" while it is lower than count. */
  renderedCount: number;
  /** Clock ms of the last post or edit (0: never). */
  renderedAt: number;
  /** Event times (ms) of the earliest and latest occurrence. */
  firstAt: number;
  lastAt: number;
  /** Clock ms of the last counted occurrence; the quiet period runs from here. */
  lastSeenAt: number;
  latest: Fact;
  /** Facts of occurrences 2…(1 + threadDetails), for the thread. */
  details: Fact[];
  /** How many of `details` have been posted to the thread. */
  threadPosted: number;
  /** Whether the "further occurrences are only counted" reply has been posted. */
  notePosted: boolean;
  /** The Slack message, once posted. */
  ts?: string;
  postClaimBy?: string;
  postClaimUntil?: number;
  /**
   * The route's `threadDetails` and `updateInterval` (ms) when the window started, so that the
   * sweeper, which has only the window, applies the same ones. Absent in windows written before
   * these were configurable: the defaults then.
   */
  threadDetails?: number;
  updateIntervalMs?: number;
  expiresAt: number;
}

export function windowPk(alias: string, service: string | undefined, kind: NotificationKind): string {
  return `notify#${alias}#${service ?? '*'}#${kind}`;
}

/**
 * As stored: the facts and the cluster are JSON strings. They are only ever read whole, and a
 * string is much cheaper to marshal and to write than a nested map (this write happens once per
 * event).
 */
type StoredWindow = Omit<NotificationWindow, 'cluster' | 'latest' | 'details'> & {
  cluster: string;
  latest: string;
  details: string;
};

function encode(w: NotificationWindow): StoredWindow {
  return {
    ...w,
    cluster: JSON.stringify(w.cluster),
    latest: JSON.stringify(w.latest),
    details: JSON.stringify(w.details),
  };
}

function decode(item: StoredWindow | undefined): NotificationWindow | undefined {
  if (!item) return undefined;
  return {
    ...item,
    cluster: JSON.parse(item.cluster) as ClusterRef,
    latest: JSON.parse(item.latest) as Fact,
    details: JSON.parse(item.details) as Fact[],
  };
}

export async function getWindow(store: StateStore, pk: string): Promise<NotificationWindow | undefined> {
  return decode(await store.get<StoredWindow>({ pk, sk: 'window' }));
}

/** Writes the window if the stored one still has `expectedRev` (or does not exist, for undefined). */
export async function putWindow(
  store: StateStore,
  next: NotificationWindow,
  expectedRev: number | undefined,
): Promise<boolean> {
  return store.put(
    { ...encode(next) },
    expectedRev === undefined
      ? { condition: 'attribute_not_exists(#pk)' }
      : { condition: '#rev = :rev', values: { ':rev': expectedRev } },
  );
}

/**
 * Counts one more occurrence into a window known to be past its first few (which need the full
 * read-and-put, for their thread details), atomically and without reading it first: DynamoDB
 * applies concurrent increments one after the other, so there is nothing to retry. The condition
 * keeps it honest: the same window (not replaced since), still within its quiet period, same
 * channel, and a stored `lastAt` no later than `lastAtAtMost` (a late delivery takes the read-and-put path,
 * which keeps first/last times exact). Undefined when the condition failed.
 */
export async function incrementWindow(
  store: StateStore,
  w: Pick<NotificationWindow, 'pk' | 'windowId' | 'channel'>,
  input: { now: number; quietCutoff: number; at: number; lastAtAtMost: number; latest: Fact; expiresAt: number },
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(
      { pk: w.pk, sk: 'window' },
      'SET #count = #count + :one, #rev = #rev + :one, #lastSeenAt = :now, #lastAt = :at, #latest = :latest, #expiresAt = :exp',
      {
        condition: '#windowId = :wid AND #channel = :ch AND #lastSeenAt > :cutoff AND #lastAt <= :lastAtMax',
        values: {
          ':one': 1,
          ':now': input.now,
          ':at': input.at,
          ':latest': JSON.stringify(input.latest),
          ':exp': input.expiresAt,
          ':wid': w.windowId,
          ':ch': w.channel,
          ':cutoff': input.quietCutoff,
          ':lastAtMax': input.lastAtAtMost,
        },
      },
    ),
  );
}

/** Claims posting the first message of a window; the claim lapses at `until` in case its holder dies. */
export async function claimPost(
  store: StateStore,
  w: NotificationWindow,
  by: string,
  now: number,
  until: number,
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(key(w), 'SET #postClaimBy = :by, #postClaimUntil = :until, #rev = #rev + :one', {
      condition:
        '#windowId = :wid AND attribute_not_exists(#ts) AND (attribute_not_exists(#postClaimUntil) OR #postClaimUntil < :now)',
      values: { ':by': by, ':until': until, ':now': now, ':wid': w.windowId, ':one': 1 },
    }),
  );
}

export async function finishPost(
  store: StateStore,
  w: NotificationWindow,
  ts: string,
  renderedCount: number,
  now: number,
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(
      key(w),
      'SET #ts = :ts, #renderedCount = :rc, #renderedAt = :now, #rev = #rev + :one REMOVE #postClaimBy, #postClaimUntil',
      {
        condition: '#windowId = :wid',
        values: { ':ts': ts, ':rc': renderedCount, ':now': now, ':wid': w.windowId, ':one': 1 },
      },
    ),
  );
}

export async function releasePost(store: StateStore, w: NotificationWindow, by: string): Promise<void> {
  await store.update(key(w), 'SET #rev = #rev + :one REMOVE #postClaimBy, #postClaimUntil', {
    condition: '#windowId = :wid AND #postClaimBy = :by',
    values: { ':wid': w.windowId, ':by': by, ':one': 1 },
  });
}

/** Claims the next edit of the message: only one invocation per `renderedAt` wins. Returns the window as it is now. */
export async function claimEdit(
  store: StateStore,
  w: NotificationWindow,
  now: number,
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(key(w), 'SET #renderedAt = :now, #rev = #rev + :one', {
      condition: '#windowId = :wid AND #renderedAt = :old AND attribute_exists(#ts)',
      values: { ':now': now, ':old': w.renderedAt, ':wid': w.windowId, ':one': 1 },
    }),
  );
}

/** Records that the message now shows `count` (never moves backwards). */
export async function markRendered(
  store: StateStore,
  w: NotificationWindow,
  count: number,
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(key(w), 'SET #renderedCount = :c, #rev = #rev + :one', {
      condition: '#windowId = :wid AND #renderedCount < :c',
      values: { ':c': count, ':wid': w.windowId, ':one': 1 },
    }),
  );
}

/** Claims posting thread replies: details [w.threadPosted, threadPosted) and, with `note`, the closing note. */
export async function claimThread(
  store: StateStore,
  w: NotificationWindow,
  threadPosted: number,
  note: boolean,
): Promise<NotificationWindow | undefined> {
  return decode(
    await store.update<StoredWindow>(key(w), 'SET #threadPosted = :tp, #notePosted = :np, #rev = #rev + :one', {
      condition: '#windowId = :wid AND #threadPosted = :oldTp AND #notePosted = :oldNp',
      values: {
        ':tp': threadPosted,
        ':np': note || w.notePosted,
        ':oldTp': w.threadPosted,
        ':oldNp': w.notePosted,
        ':wid': w.windowId,
        ':one': 1,
      },
    }),
  );
}

function key(w: NotificationWindow): { pk: string; sk: string } {
  return { pk: w.pk, sk: 'window' };
}
