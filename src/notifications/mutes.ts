import { type StateStore, ttlSeconds } from '../state/table';

/** A mute of a whole cluster (no service) or of one service, until a time. */
export interface Mute {
  alias: string;
  service?: string;
  /** Epoch ms. */
  until: number;
  /** Slack user id of who muted. */
  by: string;
  /** Epoch ms. */
  at: number;
}

interface MuteItem extends Mute {
  pk: string;
  sk: string;
  expiresAt: number;
}

export async function setMute(store: StateStore, mute: Mute): Promise<void> {
  const item: MuteItem = {
    pk: mutePk(mute.alias),
    sk: muteSk(mute.service),
    ...mute,
    expiresAt: ttlSeconds(mute.until),
  };
  await store.put({ ...item });
}

/** Removes a mute before its time. */
export async function clearMute(store: StateStore, alias: string, service?: string): Promise<void> {
  await store.delete({ pk: mutePk(alias), sk: muteSk(service) });
}

/** The mute in force for a cluster or one of its services (the cluster's or the service's; the later one), if any. */
export async function activeMute(
  store: StateStore,
  alias: string,
  service: string | undefined,
  nowMs: number,
): Promise<Mute | undefined> {
  const items = await store.query<MuteItem>(mutePk(alias));
  const relevant = items.filter(
    (m) => m.until > nowMs && (m.sk === muteSk(undefined) || (service !== undefined && m.sk === muteSk(service))),
  );
  relevant.sort((a, b) => b.until - a.until);
  const found = relevant[0];
  if (!found) return undefined;
  return {
    alias: found.alias,
    until: found.until,
    by: found.by,
    at: found.at,
    ...(found.service !== undefined ? { service: found.service } : {}),
  };
}

function mutePk(alias: string): string {
  return `mute#${alias}`;
}

function muteSk(service: string | undefined): string {
  return service === undefined ? 'cluster' : `service#${service}`;
}
