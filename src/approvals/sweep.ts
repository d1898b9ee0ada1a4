import { audit } from '../audit';
import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { expire, forgetPending, getApprovalRequest, listPending } from '../state/approvals';
import { type StateStore } from '../state/table';
import { decidedMessage, plainTitle } from '../slack/views/approvals';
import { slackError, type ChatClient } from './progress';

/**
 * Expires requests whose deadline has passed without a click, so their buttons disappear on time
 * (a click on an expired request does the same, sooner or later; this does it when nobody clicks).
 * Meant for a scheduled invocation (the events function's tick); cheap when nothing is due: one
 * Query of a partition that holds only the requests still waiting.
 */
export async function sweepExpiredApprovals(deps: { state: StateStore; slack: ChatClient; clock: Clock; logger: Logger }): Promise<{ expired: number }> {
  const now = deps.clock.now();
  let expired = 0;
  for (const { id, deadline } of await listPending(deps.state)) {
    if (deadline > now) continue;
    const request = await expire(deps.state, id, now);
    if (request) {
      expired += 1;
      if (request.messageTs) {
        const message = decidedMessage(request);
        await deps.slack.chat
          .update({ channel: request.channelId, ts: request.messageTs, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) })
          .catch((err: unknown) => deps.logger.warn({ err: slackError(err), approval: id }, 'could not show that an approval request expired'));
      }
      audit(deps.logger, {
        user: request.requester.id,
        channel: request.channelId,
        workspace: request.requester.teamId,
        source: 'approval',
        command: request.command,
        cluster: request.alias,
        outcome: 'expired',
        detail: `expired without a decision: ${plainTitle(request.plan, request.alias)} (request ${id})`,
        durationMs: 0,
      });
    } else if ((await getApprovalRequest(deps.state, id))?.status === 'pending') {
      continue; // raced with a click that is deciding it right now; the next sweep looks again
    }
    await forgetPending(deps.state, id);
  }
  return { expired };
}
