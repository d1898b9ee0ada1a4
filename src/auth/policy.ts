import { type Config } from '../config/schema';
import { atLeast, highest, type Level } from '../levels';
import { escapeText } from '../text/escape';

/** One team's grant on one cluster, as it applies to this user in this channel. */
export interface Grant {
  team: string;
  level: Level;
  /** The team's grants count only in these channels (undefined: everywhere). */
  channels?: string[];
}

export interface ClusterAccess {
  /** Highest level granted here, in this channel; undefined when none. */
  level?: Level;
  /** The team whose grant gives that level (for session tags and audit). */
  team?: string;
  /** Grants that would apply in another channel only. */
  elsewhere: Grant[];
}

export interface UserAccess {
  userId: string;
  /** Teams the user belongs to (by user id or user group), whatever the channel. */
  teams: string[];
  clusters: Record<string, ClusterAccess>;
}

/** What a user may do on each cluster, in a channel. Pure: membership comes in as groups. */
export function accessFor(config: Config, userId: string, groups: Set<string>, channelId: string): UserAccess {
  const teams = Object.entries(config.teams)
    .filter(([, t]) => t.users.includes(userId) || t.usergroups.some((g) => groups.has(g)))
    .map(([name]) => name);
  const clusters: Record<string, ClusterAccess> = {};
  for (const alias of Object.keys(config.clusters)) {
    const access: ClusterAccess = { elsewhere: [] };
    for (const team of teams) {
      const t = config.teams[team]!;
      const level = teamLevel(t.access, alias);
      if (!level) continue;
      if (t.channels && !t.channels.includes(channelId)) {
        access.elsewhere.push({ team, level, channels: t.channels });
        continue;
      }
      if (highest(access.level, level) !== access.level || access.level === undefined) {
        access.level = level;
        access.team = team;
      }
    }
    clusters[alias] = access;
  }
  return { userId, teams, clusters };
}

/**
 * One team's level on one cluster: its grant for that cluster when it names it, else its `"*"`
 * grant. Within a team the specific grant wins either way (`{ "*": operate, prod: read }` is read
 * on prod): a team that names a cluster says exactly what it wants there. Across teams the
 * highest level wins (see accessFor).
 */
export function teamLevel(access: Partial<Record<string, Level>>, alias: string): Level | undefined {
  return Object.hasOwn(access, alias) ? access[alias] : access['*'];
}

/** Clusters where the user has at least `level` in this channel. */
export function clustersWith(access: UserAccess, level: Level = 'read'): string[] {
  return Object.entries(access.clusters)
    .filter(([, a]) => atLeast(a.level, level))
    .map(([alias]) => alias);
}

/** Teams whose grant on `alias` reaches `needed` (so a refusal can say who could grant it). */
export function teamsGranting(config: Config, alias: string, needed: Level): string[] {
  return Object.entries(config.teams)
    .filter(([, t]) => atLeast(teamLevel(t.access, alias), needed))
    .map(([name]) => name);
}

export type Decision = { allowed: true; level: Level; team: string } | { allowed: false; reason: string };

/** May this user act at `needed` on cluster `alias` here? The refusal says what to do next. */
export function authorize(config: Config, access: UserAccess, alias: string, needed: Level, action: string): Decision {
  const here = access.clusters[alias];
  if (here?.level && atLeast(here.level, needed) && here.team) {
    return { allowed: true, level: here.level, team: here.team };
  }
  if (access.teams.length === 0) {
    return { allowed: false, reason: notInAnyTeam(access.userId) };
  }
  const parts = [`\`${action}\` needs *${needed}* on *${alias}*`];
  parts.push(
    here?.level ? `you have *${here.level}* there (team ${escapeText(here.team ?? '')}).` : `you have no access there.`,
  );
  const elsewhere = here?.elsewhere.filter((g) => atLeast(g.level, needed)) ?? [];
  if (elsewhere.length > 0) {
    const g = elsewhere[0]!;
    parts.push(
      `Team *${escapeText(g.team)}* grants ${g.level} on ${alias} only in ${g.channels!.map((c) => `<#${c}>`).join(', ')}: run it there.`,
    );
  } else {
    const granting = teamsGranting(config, alias, needed);
    parts.push(
      granting.length > 0
        ? `Teams that grant ${needed} on ${alias}: ${escapeText(granting.join(', '))}. Ask a platform admin to add you to one.`
        : `No team grants ${needed} on ${alias}; a platform admin can add it to the config.`,
    );
  }
  return { allowed: false, reason: `${parts[0]}, but ${parts.slice(1).join(' ')}` };
}

export function notInAnyTeam(userId: string): string {
  return `Sorry, you're not in any team in the ecs-chatops config yet, so you can't use it. Ask a platform admin to add you (<@${userId}>, id ${userId}) or one of your Slack user groups to a team.`;
}
