import { type Config } from '../config/schema';

/**
 * Who and where, in a workspace that exists only in the playground. The config knows people
 * and channels by Slack id only, so names come from the ids: `U0ALICE` is @alice and `C0WEB` is
 * #web (an id of another shape is its own name, lower-cased). People are the `users:` of the
 * config's teams; channels are every channel the config mentions.
 */
export interface Person {
  id: string;
  name: string;
  /** The teams that list this person by id. */
  teams: string[];
}

export interface Channel {
  id: string;
  name: string;
  /** The cluster commands typed here use by default (`channels:` in the config). */
  defaultCluster?: string;
  /** Clusters whose notifications arrive here. */
  notificationsOf: string[];
}

export interface Directory {
  readonly people: readonly Person[];
  readonly channels: readonly Channel[];
  /** By name (`alice`, `@alice`) or id. */
  person(ref: string): Person | undefined;
  /** By name (`web`, `#web`) or id. */
  channel(ref: string): Channel | undefined;
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** User groups the config names; the playground has no members for them. */
  readonly usergroups: readonly string[];
}

/** The channel the playground starts in when the config names none. */
export const FALLBACK_CHANNEL_ID = 'C0PLAYGROUND';

export function directoryFromConfig(config: Config): Directory {
  const people = new Map<string, Person>();
  for (const [team, t] of Object.entries(config.teams)) {
    for (const id of t.users) {
      const person = people.get(id) ?? { id, name: nameFromId(id, /^[UW]0([A-Z][A-Z0-9]*)$/), teams: [] };
      person.teams.push(team);
      people.set(id, person);
    }
  }
  const channelIds = new Set<string>(Object.keys(config.channels));
  for (const cluster of Object.values(config.clusters)) {
    if (cluster.notify) {
      channelIds.add(cluster.notify.channel);
      for (const route of Object.values(cluster.notify.services)) channelIds.add(route.channel);
    }
  }
  for (const t of Object.values(config.teams)) for (const c of t.channels ?? []) channelIds.add(c);
  if (channelIds.size === 0) channelIds.add(FALLBACK_CHANNEL_ID);
  const channels: Channel[] = [...channelIds].map((id) => {
    const notificationsOf = Object.entries(config.clusters)
      .filter(
        ([, c]) =>
          c.notify && (c.notify.channel === id || Object.values(c.notify.services).some((r) => r.channel === id)),
      )
      .map(([alias]) => alias);
    const defaultCluster = config.channels[id]?.cluster;
    return {
      id,
      name: nameFromId(id, /^[CGD]0([A-Z][A-Z0-9]*)$/),
      notificationsOf,
      ...(defaultCluster ? { defaultCluster } : {}),
    };
  });
  const usergroups = [...new Set(Object.values(config.teams).flatMap((t) => t.usergroups))];

  const byRef =
    <T extends { id: string; name: string }>(list: readonly T[], sigil: string) =>
    (ref: string) => {
      const key = ref.trim().replace(new RegExp(`^\\${sigil}`), '');
      return list.find((x) => x.id === key) ?? list.find((x) => x.name.toLowerCase() === key.toLowerCase());
    };
  const peopleList = [...people.values()];
  return {
    people: peopleList,
    channels,
    usergroups,
    person: byRef(peopleList, '@'),
    channel: byRef(channels, '#'),
    userName: (id) => people.get(id)?.name,
    channelName: (id) => channels.find((c) => c.id === id)?.name,
  };
}

function nameFromId(id: string, pattern: RegExp): string {
  return (pattern.exec(id)?.[1] ?? id).toLowerCase();
}
