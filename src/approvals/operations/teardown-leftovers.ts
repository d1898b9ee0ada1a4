import { type StateStore, ttlSeconds } from '../../state/table';

/**
 * EC2 instances a teardown deregistered but has not terminated. Once a container instance is
 * deregistered, ECS no longer lists it, so a teardown that stopped before terminating its EC2
 * instance would lose track of it. It is remembered here first and forgotten once terminated;
 * the next plan for the cluster looks these up again. Keys: `approval#leftovers#<alias>` /
 * `ec2#<instance id>` (the key layout is in src/state/table.ts).
 */

const LEFTOVER_RETENTION_MS = 30 * 24 * 3_600_000;

export async function rememberLeftovers(
  store: StateStore,
  alias: string,
  instanceIds: string[],
  requestId: string,
  now: number,
): Promise<void> {
  for (const id of instanceIds) {
    await store.put({
      pk: leftoversPk(alias),
      sk: `ec2#${id}`,
      instanceId: id,
      requestId,
      since: now,
      expiresAt: ttlSeconds(now + LEFTOVER_RETENTION_MS),
    });
  }
}

export async function forgetLeftover(store: StateStore, alias: string, instanceId: string): Promise<void> {
  await store.delete({ pk: leftoversPk(alias), sk: `ec2#${instanceId}` });
}

export async function listLeftovers(store: StateStore, alias: string, now: number): Promise<string[]> {
  const items = await store.query<{ instanceId: string; expiresAt?: number }>(leftoversPk(alias), { skPrefix: 'ec2#' });
  return items.filter((i) => i.expiresAt === undefined || i.expiresAt * 1000 > now).map((i) => i.instanceId);
}

function leftoversPk(alias: string): string {
  return `approval#leftovers#${alias}`;
}
