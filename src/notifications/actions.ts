import { type WebClient } from '@slack/web-api';
import { z } from 'zod';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Level } from '../levels';
import { type Decision } from '../auth/policy';
import { type Logger } from '../logger';
import { activeMute, clearMute, setMute } from './mutes';
import { type StateStore } from '../state/table';
import { alreadyMutedMessage, mutedMessage, unmutedNotice } from './view';
import { audit } from '../audit';
import { escapeText } from '../slack/message';
import { parseJsonAs, type Interaction } from '../slack/payloads';

export interface NotificationActionDeps {
  config: Config;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** May this user act at `needed` on this cluster in this channel? (The app's policy decides and words the refusal.) */
  decide: (userId: string, channelId: string, clusterAlias: string, needed: Level, action: string) => Promise<Decision>;
}

/** The Mute button's value: `{"cluster":"prod","service":"web","minutes":60}` (no service: the whole cluster). */
export const MuteButtonValue = z.strictObject({
  cluster: z.string().min(1),
  service: z.string().min(1).optional(),
  minutes: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 60),
});
export type MuteButtonValue = z.infer<typeof MuteButtonValue>;

/** The Unmute button's value: `{"cluster":"prod","service":"web"}`. */
export const UnmuteButtonValue = z.strictObject({ cluster: z.string().min(1), service: z.string().min(1).optional() });

/** The level Mute and Unmute need on a cluster unless its `notify.muteLevel` says otherwise. */
export const DEFAULT_MUTE_LEVEL: Level = 'operate';

/** A click on Mute or Unmute, as the listener read it (src/listeners/notification-buttons.ts registers both). */
export interface MuteClick {
  interaction: Interaction;
  /** The button's value: JSON the bot wrote, or someone forged. */
  value: string | undefined;
  /** The app's Web API client: the answer goes to the channel (or, to the clicker alone, ephemeral). */
  client: Pick<WebClient, 'chat'>;
}

/**
 * The notification buttons the app does not route as commands: Mute and Unmute. (Logs, Task
 * details and Restart are `cmd:*` buttons, handled by the app's generic command action.)
 * Silencing a cluster's alerts hides them from everyone in the channel, so both need `operate`
 * (or the cluster's `notify.muteLevel`).
 */
export async function muteClicked(
  { interaction, value: raw, client }: MuteClick,
  deps: NotificationActionDeps,
): Promise<void> {
  const click = clickContext(deps, interaction, 'mute');
  const tell = (message: { text: string; blocks?: unknown[] }) =>
    client.chat.postEphemeral({ channel: click.channelId, user: click.userId, ...message } as never);

  const value = parseJsonAs(MuteButtonValue, raw);
  if (!value.success || !Object.hasOwn(deps.config.clusters, value.data.cluster)) {
    click.audit('usage', undefined, 'invalid mute button');
    await tell({ text: 'This Mute button no longer matches the configuration; nothing was muted.' });
    return;
  }
  const { cluster, service, minutes } = value.data;
  const decision = await deps.decide(click.userId, click.channelId, cluster, muteLevel(deps.config, cluster), 'Mute');
  if (!decision.allowed) {
    click.audit('refused', cluster);
    await tell({ text: `${decision.reason} Nothing was muted.` });
    return;
  }
  const now = deps.clock.now();
  const current = await activeMute(deps.state, cluster, service, now);
  if (current) {
    click.audit('ok', cluster, `already muted until ${new Date(current.until).toISOString()}; nothing changed`);
    await tell(alreadyMutedMessage(current));
    return;
  }
  const until = now + minutes * 60_000;
  await setMute(deps.state, { alias: cluster, ...(service ? { service } : {}), until, by: click.userId, at: now });
  click.audit('ok', cluster, `muted ${service ?? 'the whole cluster'} until ${new Date(until).toISOString()}`);
  await client.chat.postMessage({
    channel: click.channelId,
    ...(click.threadTs ? { thread_ts: click.threadTs } : {}),
    ...mutedMessage({ userId: click.userId, until, alias: cluster, ...(service ? { service } : {}) }),
  });
}

/** Unmute: ends the mute this button is for (see muteClicked). */
export async function unmuteClicked(
  { interaction, value: raw, client }: MuteClick,
  deps: NotificationActionDeps,
): Promise<void> {
  const click = clickContext(deps, interaction, 'unmute');
  const tell = (text: string) => client.chat.postEphemeral({ channel: click.channelId, user: click.userId, text });

  const value = parseJsonAs(UnmuteButtonValue, raw);
  if (!value.success || !Object.hasOwn(deps.config.clusters, value.data.cluster)) {
    click.audit('usage', undefined, 'invalid unmute button');
    await tell('This Unmute button no longer matches the configuration; nothing was changed.');
    return;
  }
  const { cluster, service } = value.data;
  const decision = await deps.decide(click.userId, click.channelId, cluster, muteLevel(deps.config, cluster), 'Unmute');
  if (!decision.allowed) {
    click.audit('refused', cluster);
    await tell(`${decision.reason} Nothing was changed.`);
    return;
  }
  const current = await activeMute(deps.state, cluster, service, deps.clock.now());
  // Only the mute this button is for: a service's Unmute leaves a mute of the whole cluster alone.
  if (!current || current.service !== service) {
    click.audit('ok', cluster, 'not muted; nothing changed');
    await tell(
      current
        ? `${escapeText(service ? `${cluster}/${service}` : cluster)} is not muted on its own: the whole of ${cluster} is, until its own Unmute. Nothing was changed.`
        : `${escapeText(service ? `${cluster}/${service}` : cluster)} notifications are not muted (any more). Nothing was changed.`,
    );
    return;
  }
  await clearMute(deps.state, cluster, service);
  click.audit('ok', cluster, `unmuted ${service ?? 'the whole cluster'}`);
  await client.chat.postMessage({
    channel: click.channelId,
    ...(click.threadTs ? { thread_ts: click.threadTs } : {}),
    text: unmutedNotice({
      userId: click.userId,
      alias: cluster,
      ...(service ? { service } : {}),
      mutedBy: current.by,
    }),
  });
}

/** The level Mute and Unmute need on a cluster. */
export function muteLevel(config: Config, alias: string): Level {
  return config.clusters[alias]?.notify?.muteLevel ?? DEFAULT_MUTE_LEVEL;
}

function clickContext(deps: NotificationActionDeps, interaction: Interaction, command: 'mute' | 'unmute') {
  const { user, channelId, threadTs } = interaction;
  const started = deps.clock.now();
  return {
    userId: user.id,
    channelId,
    threadTs,
    audit: (outcome: 'ok' | 'refused' | 'usage', cluster?: string, detail?: string) =>
      audit(deps.logger, {
        user: user.id,
        channel: channelId,
        workspace: user.teamId,
        source: 'button',
        command,
        ...(cluster ? { cluster } : {}),
        outcome,
        ...(detail ? { detail } : {}),
        durationMs: deps.clock.now() - started,
      }),
  };
}
