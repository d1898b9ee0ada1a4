import { type Config } from '../config/schema';
import { clustersWith, notInAnyTeam, type UserAccess } from './policy';
import { didYouMean } from '../commands/suggest';
import { escapeText } from '../text/escape';

export type ClusterChoice =
  { ok: true; alias: string; how: 'flag' | 'channel' | 'only' } | { ok: false; message: string };

/**
 * Which cluster a command is about: `--cluster` (an alias, or the cluster's real name/ARN),
 * else the channel's default, else the user's only cluster, else a reply listing the choices.
 */
export function resolveCluster(
  config: Config,
  access: UserAccess,
  channelId: string,
  flag: string | undefined,
): ClusterChoice {
  const aliases = Object.keys(config.clusters);
  if (flag !== undefined) {
    const alias =
      aliases.find((a) => a === flag) ??
      aliases.find((a) => a.toLowerCase() === flag.toLowerCase()) ??
      aliases.find((a) => config.clusters[a]!.name === flag || config.clusters[a]!.name.endsWith(`/${flag}`));
    if (alias) return { ok: true, alias, how: 'flag' };
    // Someone in no team learns nothing about the config, not even which names are close to one.
    if (access.teams.length === 0) return { ok: false, message: notInAnyTeam(access.userId) };
    // "Did you mean" only over the clusters this user can use here: a name they cannot use is not ours to reveal.
    const visible = clustersWith(access);
    return {
      ok: false,
      message:
        `There is no cluster called \`${escapeText(flag)}\` in the config.${didYouMean(flag, visible)} ${visible.length > 0 ? `Your clusters: ${visible.map((a) => `\`${a}\``).join(', ')}.` : ''}`.trim(),
    };
  }
  const channelDefault = config.channels[channelId]?.cluster;
  if (channelDefault) return { ok: true, alias: channelDefault, how: 'channel' };
  const visible = clustersWith(access);
  if (visible.length === 1) return { ok: true, alias: visible[0]!, how: 'only' };
  if (visible.length === 0) return { ok: false, message: noClusterMessage(access) };
  return {
    ok: false,
    message: `Which cluster? This channel has no default, and you can use ${visible.map((a) => `\`${a}\``).join(', ')}. Add \`--cluster NAME\` (or \`-c NAME\`).`,
  };
}

/** The refusal for a user with no cluster in this channel (or in no team at all). */
export function noClusterMessage(access: UserAccess): string {
  if (access.teams.length === 0) return notInAnyTeam(access.userId);
  return `None of your teams (${escapeText(access.teams.join(', '))}) has access to a cluster in this channel.`;
}
