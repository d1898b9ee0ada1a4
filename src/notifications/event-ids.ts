import { type StateStore, ttlSeconds } from '../state/table';

/**
 * Event ids seen (EventBridge delivers at least once). The first invocation to claim a key counts
 * the event; later claims of the same key lose the conditional put. An expired claim that DynamoDB
 * has not deleted yet is treated as absent.
 */
export async function claimEventKey(store: StateStore, key: string, nowMs: number, ttlMs: number): Promise<boolean> {
  return store.put(
    { pk: eventPk(key), sk: 'seen', seenAt: nowMs, expiresAt: ttlSeconds(nowMs + ttlMs) },
    { condition: 'attribute_not_exists(#pk) OR #expiresAt <= :now', values: { ':now': ttlSeconds(nowMs) } },
  );
}

/** Gives a claim back, so that a retry of an invocation that failed half way counts the event after all. */
export async function releaseEventKey(store: StateStore, key: string): Promise<void> {
  await store.delete({ pk: eventPk(key), sk: 'seen' });
}

function eventPk(key: string): string {
  return `event#${key}`;
}
