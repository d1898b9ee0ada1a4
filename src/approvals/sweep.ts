import { audit, type AuditEntry } from '../audit';
import { type Clock } from '../clock';
import { formatDuration } from '../text/times';
import { JOB_MAX_AGE_MS, WORKER_TIME_LIMIT_MS } from '../jobs/job';
import { type Logger } from '../logger';
import { expire, failUnfinished, forgetPending, getApprovalRequest, listPending, watchRequest } from './store';
import { type StateStore } from '../state/table';
import { escapeText, type SlackMessage } from '../slack/message';
import { decidedMessage, plainTitle, progressMessage, staleMessage } from './view';
import { slackError, type ChatClient } from './progress';
import { type ApprovalRequest } from './types';

/**
 * An approved request whose job has not claimed it this long after the approval never will: the
 * worker refuses approval jobs older than JOB_MAX_AGE_MS (the invoke failed, or was throttled
 * until then). The extra minute covers the sweep's own one-minute tick.
 */
export const UNSTARTED_AFTER_MS = JOB_MAX_AGE_MS + 60_000;
/**
 * A running request whose worker has not finished it this long after it started never will:
 * Lambda ends the worker at its time limit, and the worker itself stops a long run a minute
 * before that (docs/approvals.md § Teardown).
 */
export const UNFINISHED_AFTER_MS = WORKER_TIME_LIMIT_MS + 60_000;

/**
 * What the events function's one-minute tick does for approvals: requests nobody decided on
 * before their deadline expire, so their buttons disappear on time; approved requests whose job
 * never started, and running ones whose worker never finished (it crashed, or was killed at its
 * time limit), are marked failed and their message says so and what to do. Cheap when nothing is
 * due: one Query of a partition that holds only unfinished requests, each with the time it is
 * next due.
 */
export async function sweepExpiredApprovals(deps: {
  state: StateStore;
  slack: ChatClient;
  clock: Clock;
  logger: Logger;
}): Promise<{ expired: number; failed: number }> {
  const now = deps.clock.now();
  let expired = 0;
  let failed = 0;
  for (const { id, deadline } of await listPending(deps.state)) {
    if (deadline > now) continue;
    const request = await getApprovalRequest(deps.state, id);
    if (request?.status === 'pending') {
      const gone = await expire(deps.state, id, now);
      if (!gone) continue; // raced with a click that is deciding it right now; the next sweep looks again
      expired += 1;
      await show(deps, gone, decidedMessage(gone));
      line(deps, gone, 'expired', `expired without a decision: ${plainTitle(gone.plan, gone.alias)} (request ${id})`);
    } else if (request?.status === 'approved' || request?.status === 'running') {
      const since =
        request.status === 'approved'
          ? (request.decidedAt ?? request.createdAt)
          : (request.startedAt ?? request.decidedAt ?? request.createdAt);
      const dueAt = since + (request.status === 'approved' ? UNSTARTED_AFTER_MS : UNFINISHED_AFTER_MS);
      if (now < dueAt) {
        await watchRequest(deps.state, id, dueAt);
        continue;
      }
      const ended = await failUnfinished(deps.state, id, request.status, unfinishedText(request, now - since), now);
      if (!ended) continue; // the worker got there first; the next sweep sees how it ended
      failed += 1;
      await show(
        deps,
        ended,
        request.status === 'approved'
          ? staleMessage(ended, neverStartedReason(now - since))
          : progressMessage(ended, ended.steps ?? [], { ok: false, text: ended.outcome ?? '' }),
      );
      line(
        deps,
        ended,
        'error',
        `${request.status === 'approved' ? 'never started' : 'never finished'}: ${plainTitle(ended.plan, ended.alias)} (request ${id})`,
      );
      deps.logger.warn(
        { approval: id, was: request.status, sinceMs: now - since },
        'approval request stuck; marked failed',
      );
    }
    await forgetPending(deps.state, id);
  }
  return { expired, failed };
}

function neverStartedReason(waitedMs: number): string {
  return `the approved work never started: the worker did not pick it up within ${formatDuration(waitedMs)} (it could not be invoked, or was held back too long).`;
}

function unfinishedText(request: ApprovalRequest, sinceMs: number): string {
  if (request.status === 'approved') return `Not started: ${neverStartedReason(sinceMs)} Nothing was changed.`;
  return (
    `Stopped without finishing: the worker ended without saying how it went (it crashed, or ran out of time) and has not been heard of for ${formatDuration(sinceMs)} since it started, ` +
    `so some steps may have run and others not. Run \`/ecs ${escapeText(request.command)}\` again: it plans from what is left.`
  );
}

async function show(
  deps: { slack: ChatClient; logger: Logger },
  request: ApprovalRequest,
  message: SlackMessage,
): Promise<void> {
  if (!request.messageTs) return;
  await deps.slack.chat
    .update({
      channel: request.channelId,
      ts: request.messageTs,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    })
    .catch((err: unknown) =>
      deps.logger.warn(
        { err: slackError(err), approval: request.id },
        `could not show that an approval request ${request.status === 'expired' ? 'expired' : 'did not finish'}`,
      ),
    );
}

function line(
  deps: { logger: Logger },
  request: ApprovalRequest,
  outcome: AuditEntry['outcome'],
  detail: string,
): void {
  audit(deps.logger, {
    user: request.requester.id,
    channel: request.channelId,
    workspace: request.requester.teamId,
    source: 'approval',
    command: request.command,
    cluster: request.alias,
    outcome,
    detail,
    durationMs: 0,
  });
}
