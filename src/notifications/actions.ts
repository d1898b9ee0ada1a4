import { type App, type BlockAction, type ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { setMute } from '../state/mutes';
import { type StateStore } from '../state/table';
import { ACTION_IDS } from './constants';
import { muteNotice } from './view';
import { audit } from '../audit';

export interface NotificationActionDeps {
  config: Config;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** Whether the user may at least read this cluster in this channel (the app's policy decides). */
  authorize: (userId: string, channelId: string, clusterAlias: string) => Promise<boolean>;
}

/** The Mute button's value: `{"cluster":"prod","service":"web","minutes":60}` (no service: the whole cluster). */
export const MuteButtonValue = z.strictObject({
  cluster: z.string().min(1),
  service: z.string().min(1).optional(),
  minutes: z.number().int().positive().max(7 * 24 * 60),
});
export type MuteButtonValue = z.infer<typeof MuteButtonValue>;

/**
 * Registers the notification buttons the app does not route as commands: Mute. (Logs, Task
 * details and Restart are `cmd:*` buttons, handled by the app's generic command action.)
 */
export function registerNotificationActions(app: App, deps: NotificationActionDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_IDS.mute }, async ({ ack, body, action, client }) => {
    await ack();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id ?? '';
    const threadTs = (body.message?.thread_ts as string | undefined) ?? body.message?.ts ?? (body.container as { message_ts?: string } | undefined)?.message_ts;
    const started = deps.clock.now();
    const line = (outcome: 'ok' | 'refused' | 'usage', cluster?: string, detail?: string) =>
      audit(deps.logger, { user: userId, channel: channelId, workspace: body.user.team_id ?? body.team?.id ?? 'unknown', source: 'button', command: 'mute', ...(cluster ? { cluster } : {}), outcome, ...(detail ? { detail } : {}), durationMs: deps.clock.now() - started });
    const tell = (text: string) => client.chat.postEphemeral({ channel: channelId, user: userId, text });

    const parsed = safeJson(action.value);
    const value = MuteButtonValue.safeParse(parsed);
    if (!value.success || !Object.hasOwn(deps.config.clusters, value.data.cluster)) {
      line('usage', undefined, 'invalid mute button');
      await tell('This Mute button no longer matches the configuration; nothing was muted.');
      return;
    }
    const { cluster, service, minutes } = value.data;
    if (!(await deps.authorize(userId, channelId, cluster))) {
      line('refused', cluster);
      await tell(`Muting needs at least read access to *${cluster}*; ask a platform admin which team grants it.`);
      return;
    }
    const now = deps.clock.now();
    const until = now + minutes * 60_000;
    await setMute(deps.state, { alias: cluster, ...(service ? { service } : {}), until, by: userId, at: now });
    line('ok', cluster, `muted ${service ?? 'the whole cluster'} until ${new Date(until).toISOString()}`);
    await client.chat.postMessage({
      channel: channelId,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: muteNotice({ userId, until, alias: cluster, ...(service ? { service } : {}) }),
    });
  });
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
