import { type App, type BlockButtonAction } from '@slack/bolt';
import { handleApprovalClick, type DecisionDeps } from '../approvals/decisions';
import { type StateStore } from '../state/table';
import { APPROVAL_ACTIONS } from '../approvals/view';
import { interactionOf } from '../slack/payloads';
import { type ListenerDeps } from './run-prepared';

const DECISIONS = {
  [APPROVAL_ACTIONS.approve]: 'approve',
  [APPROVAL_ACTIONS.deny]: 'deny',
  [APPROVAL_ACTIONS.cancel]: 'cancel',
} as const;

/**
 * Approve / Deny / Cancel on an approval request (src/approvals/decisions.ts decides). What the
 * clicker alone needs to know (a refusal and why) is an ephemeral reply through response_url;
 * what everyone should see goes into the channel message itself.
 */
export function registerApprovalButtons(app: App, deps: ListenerDeps & { state: StateStore }): void {
  app.action<BlockButtonAction>(/^approval:(approve|deny|cancel)$/, async ({ action, body, ack, respond, client }) => {
    await ack();
    const decision = DECISIONS[action.action_id as keyof typeof DECISIONS];
    const { user, channelId } = interactionOf(body);
    const decisionDeps: DecisionDeps = { ...deps, slack: client };
    let reply: string | undefined;
    try {
      reply = await handleApprovalClick({ decision, value: action.value ?? '', user, channelId }, decisionDeps);
    } catch (err) {
      // The state table or Slack failed us before the decision was written, or after: either way
      // the stored request is the truth, and the user can look at the message and click again.
      deps.logger.error({ err, action: action.action_id }, 'approval click failed');
      reply =
        'Sorry, I could not record that click (the bot’s state table did not answer). The message shows where the request stands; try again in a moment.';
    }
    if (reply) await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
  });
}
