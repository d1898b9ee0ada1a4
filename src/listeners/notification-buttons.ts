import { type App, type BlockAction, type ButtonAction } from '@slack/bolt';
import { ACTION_IDS } from '../notifications/constants';
import { muteClicked, unmuteClicked, type NotificationActionDeps } from '../notifications/actions';
import { interactionOf } from '../slack/payloads';

/**
 * The Mute and Unmute buttons under a notification (src/notifications/actions.ts decides what a
 * click does). Mutes live in the state table, so the app registers these only with one.
 */
export function registerMuteButtons(app: App, deps: NotificationActionDeps): void {
  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: ACTION_IDS.mute },
    async ({ ack, body, action, client }) => {
      await ack();
      await muteClicked({ interaction: interactionOf(body), value: action.value, client }, deps);
    },
  );
  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: ACTION_IDS.unmute },
    async ({ ack, body, action, client }) => {
      await ack();
      await unmuteClicked({ interaction: interactionOf(body), value: action.value, client }, deps);
    },
  );
}
