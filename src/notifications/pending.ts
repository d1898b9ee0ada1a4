import { type Fact } from './types';
import { type StateStore, ttlSeconds } from '../state/table';

/**
 * Work the sweeper must come back to, all in one partition so one Query finds it:
 * - a window whose message is behind its count (its trailing edit, or a post that failed);
 * - an agent disconnect that becomes a notification if no reconnect follows in time.
 */
const PENDING_PK = 'notify#pending';

export interface WindowMarker {
  pk: typeof PENDING_PK;
  sk: string;
  type: 'window';
  windowPk: string;
  windowId: string;
  /** The window's count when it fell behind. */
  markedCount: number;
  expiresAt: number;
}

/**
 * The last known agent state of a container instance, while it matters: a disconnect waits here
 * for its grace period; a reconnect stays for the same time as a tombstone, so that a disconnect
 * delivered late (events can arrive out of order; `version` orders them) is not taken for news.
 */
export interface AgentMarker {
  pk: typeof PENDING_PK;
  sk: string;
  type: 'agent';
  connected: boolean;
  alias: string;
  /** The container instance's version in the event (ECS bumps it on each change). */
  version: number;
  /** Clock ms when a disconnect becomes worth telling, or a tombstone may go. */
  dueAt: number;
  fact: Extract<Fact, { type: 'instanceDisconnected' }>;
  clusterName: string;
  clusterArn?: string;
  region: string;
  /** The account the disconnect came from (checked again when it is delivered). */
  account?: string;
  expiresAt: number;
}

export type PendingItem = WindowMarker | AgentMarker;

export async function listPending(store: StateStore): Promise<PendingItem[]> {
  return store.query<PendingItem>(PENDING_PK);
}

export async function markWindowBehind(
  store: StateStore,
  windowPk: string,
  windowId: string,
  count: number,
  expiresAtMs: number,
): Promise<void> {
  const marker: WindowMarker = {
    pk: PENDING_PK,
    sk: windowPk,
    type: 'window',
    windowPk,
    windowId,
    markedCount: count,
    expiresAt: ttlSeconds(expiresAtMs),
  };
  await store.put({ ...marker });
}

/** Removes a window marker unless the window fell behind again since it was read. */
export async function clearWindowMarker(store: StateStore, marker: WindowMarker): Promise<boolean> {
  return store.delete(
    { pk: PENDING_PK, sk: marker.sk },
    {
      condition: '#markedCount = :mc AND #windowId = :wid',
      values: { ':mc': marker.markedCount, ':wid': marker.windowId },
    },
  );
}

export function agentSk(alias: string, containerInstanceArn: string): string {
  return `agent#${alias}#${containerInstanceArn}`;
}

/** Records the agent state of an instance unless a newer one is already known. */
export async function recordAgentState(store: StateStore, marker: Omit<AgentMarker, 'pk' | 'type'>): Promise<boolean> {
  return store.put(
    { ...marker, pk: PENDING_PK, type: 'agent' },
    { condition: 'attribute_not_exists(#pk) OR #version < :v', values: { ':v': marker.version } },
  );
}

/** Takes a due agent marker exactly once (the sweeper, with the version it read). */
export async function takeAgentMarker(store: StateStore, marker: AgentMarker): Promise<boolean> {
  return store.delete(
    { pk: PENDING_PK, sk: marker.sk },
    { condition: '#version = :v', values: { ':v': marker.version } },
  );
}
