import { type Logger } from '../logger';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';

/** The part of the Slack Web API the directory needs (a Bolt/WebClient `client` fits). */
export interface UsergroupReader {
  usergroups: {
    users: { list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[]; error?: string }> };
  };
}

/**
 * Which of the config's Slack user groups a user belongs to. Membership comes from
 * `usergroups.users.list`, cached per group for `ttlMs` so the ack path rarely calls Slack.
 */
export interface TeamDirectory {
  groupsOf(userId: string): Promise<Set<string>>;
}

export function createTeamDirectory(deps: {
  config: Config;
  slack: UsergroupReader;
  clock: Clock;
  logger: Logger;
  ttlMs?: number;
}): TeamDirectory {
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const groups = [...new Set(Object.values(deps.config.teams).flatMap((t) => t.usergroups))];
  const cache = new Map<string, { members: Promise<Set<string>>; fetchedAt: number }>();

  function members(group: string): Promise<Set<string>> {
    const hit = cache.get(group);
    if (hit && deps.clock.now() - hit.fetchedAt < ttlMs) return hit.members;
    const fetching = deps.slack.usergroups.users
      .list({ usergroup: group })
      .then((res) => new Set(res.users ?? []))
      .catch((err: unknown) => {
        // Fail closed: an unreadable group grants nothing. Forget it so the next request tries again.
        cache.delete(group);
        deps.logger.warn(
          { usergroup: group, err: String(err) },
          'cannot read Slack user group; its members get no access until it can be read (needs the usergroups:read scope)',
        );
        return new Set<string>();
      });
    cache.set(group, { members: fetching, fetchedAt: deps.clock.now() });
    return fetching;
  }

  return {
    async groupsOf(userId) {
      const found = await Promise.all(groups.map(async (g) => ((await members(g)).has(userId) ? g : undefined)));
      return new Set(found.filter((g): g is string => g !== undefined));
    },
  };
}
