import { type App, type BlockAction, type ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { setMute } from '../state/mutes';
import { type StateStore } from '../state/table';
import { ACTION_IDS } from './constants';
import { muteNotice } from './view';

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
    const audit = { audit: true, action: ACTION_IDS.mute, user: userId, channel: channelId };
    const tell = (text: string) => client.chat.postEphemeral({ channel: channelId, user: userId, text });

    const parsed = safeJson(action.value);
    const value = MuteButtonValue.safeParse(parsed);
    if (!value.success || !Object.hasOwn(deps.config.clusters, value.data.cluster)) {
      deps.logger.warn({ ...audit, outcome: 'invalid', value: action.value }, 'mute button with an invalid value');
      await tell('This Mute button no longer matches the configuration; nothing was muted.');
      return;
    }
    const { cluster, service, minutes } = value.data;
    if (!(await deps.authorize(userId, channelId, cluster))) {
      deps.logger.info({ ...audit, cluster, service, outcome: 'refused' }, 'mute refused');
      await tell(`Muting needs at least read access to *${cluster}*; ask a platform admin which team grants it.`);
      return;
    }
    const now = deps.clock.now();
    const until = now + minutes * 60_000;
    await setMute(deps.state, { alias: cluster, ...(service ? { service } : {}), until, by: userId, at: now });
    deps.logger.info({ ...audit, cluster, service, until: new Date(until).toISOString(), outcome: 'muted' }, 'notifications muted');
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
