import { randomUUID } from 'node:crypto';
import { audit, type AuditEntry } from '../audit';
import { type TeamDirectory } from '../auth/directory';
import { lookUpAccess } from '../auth/user-access';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { type JobDispatcher } from '../jobs/dispatch';
import { decide, expire, forgetPending, getApprovalRequest, undoApproval, watchRequest } from './store';
import { UNSTARTED_AFTER_MS } from './sweep';
import { type StateStore } from '../state/table';
import { escapeText, type SlackMessage } from '../slack/message';
import { approvalRequestMessage, decidedMessage, plainTitle } from './view';
import { slackDate } from '../text/times';
import { stripMarkup } from '../text/markup';
import { slackError, type ChatClient } from './progress';
import { mayDecide, requesterStillAdmin } from './rights';
import { levelFor } from './plan';
import { type ApprovalRequest, type ApprovalUser, type Decision } from './types';

export interface DecisionDeps {
  config: Config;
  state: StateStore;
  directory: TeamDirectory;
  dispatcher: JobDispatcher;
  slack: ChatClient;
  clock: Clock;
  logger: Logger;
}

export interface Click {
  decision: Decision;
  /** The button's value: a request id, as far as we know. Nothing else in the payload is trusted. */
  value: string;
  user: ApprovalUser;
  /** Where the click came from (audit only; the request's own channel is what counts). */
  channelId: string;
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A click on Approve, Deny or Cancel, in the ack path (no AWS call; the state table and Slack
 * only). Everything about the request comes from the state table; the button only names it.
 * Returns what to tell the clicker privately, or nothing when the channel message says it all.
 *
 * A decision is one conditional write (pending → approved/denied/cancelled before the deadline,
 * and for Approve "not by the requester" in the same condition), so of 50 concurrent clicks one
 * wins; the rest, replays and late clicks find the request decided and change nothing.
 */
export async function handleApprovalClick(click: Click, deps: DecisionDeps): Promise<string | undefined> {
  const started = deps.clock.now();
  const line = (request: ApprovalRequest | undefined, outcome: AuditEntry['outcome'], detail: string) =>
    audit(deps.logger, {
      user: click.user.id,
      channel: click.channelId,
      workspace: click.user.teamId,
      source: 'approval',
      command: `${click.decision} ${request ? request.command : '(unknown request)'}`,
      ...(request ? { cluster: request.alias } : {}),
      outcome,
      detail: `${detail} (request ${request?.id ?? click.value.slice(0, 40)})`,
      durationMs: deps.clock.now() - started,
    });

  const request = REQUEST_ID.test(click.value) ? await getApprovalRequest(deps.state, click.value) : undefined;
  if (!request) {
    line(undefined, 'refused', 'no such approval request');
    return 'That approval request does not exist (the button may be from an old or altered message). Nothing was changed.';
  }
  if (request.status !== 'pending') {
    line(request, 'refused', `already ${request.status}`);
    return alreadyDecided(request);
  }
  const now = deps.clock.now();
  if (now >= request.deadline) {
    const expired = await expire(deps.state, request.id, now);
    if (expired) {
      await settled(deps, expired.id);
      await show(deps, expired, decidedMessage(expired));
      line(expired, 'expired', 'expired before a decision');
      return `This request expired ${slackDate(request.deadline)}; nothing was changed. Run \`/ecs ${escapeText(request.command)}\` again to ask again.`;
    }
    return settledMeanwhile(deps, request, line);
  }

  const access = await lookUpAccess(deps, click.user.id, request.channelId);
  const rights = mayDecide(deps.config, access, request, click.decision);
  if (!rights.ok) {
    line(request, 'refused', stripMarkup(rights.reason));
    return rights.reason;
  }

  if (click.decision !== 'approve') {
    const to = click.decision === 'deny' ? 'denied' : 'cancelled';
    const decided = await decide(deps.state, request.id, { to, by: click.user }, now);
    if (!decided) return settledMeanwhile(deps, request, line);
    await settled(deps, decided.id);
    await show(deps, decided, decidedMessage(decided));
    line(decided, to === 'denied' ? 'denied' : 'cancelled', `${to}: ${plainTitle(decided.plan, decided.alias)}`);
    return undefined;
  }

  // The requester's own grant may have changed since they asked: their role would run it.
  const runAsApprover = deps.config.approvals.runAs === 'approver';
  let runAs: { user: ApprovalUser; team: string };
  if (runAsApprover) {
    runAs = { user: click.user, team: rights.team ?? 'unknown' };
  } else {
    const requesterAccess = await lookUpAccess(deps, request.requester.id, request.channelId);
    const level = levelFor(request.plan);
    const still = requesterStillAdmin(requesterAccess, request, level);
    if (!still.ok) {
      line(request, 'refused', `the requester no longer has ${level}`);
      return `<@${request.requester.id}> no longer has ${level} on *${request.alias}*, and their role would run this (\`approvals.runAs: requester\`). Nothing was changed; Deny it, or ask them to check their access.`;
    }
    runAs = { user: request.requester, team: still.team };
  }

  const approved = await decide(deps.state, request.id, { to: 'approved', by: click.user, runAs }, now);
  if (!approved) return settledMeanwhile(deps, request, line);
  // The sweep keeps watching it: an approved request whose job never starts is marked failed.
  await watchRequest(deps.state, approved.id, now + UNSTARTED_AFTER_MS).catch((err: unknown) =>
    deps.logger.warn({ err, approval: approved.id }, 'could not ask the sweep to watch an approved request'),
  );
  // The message first: the worker's progress updates must come after it, never before.
  await show(deps, approved, decidedMessage(approved));
  try {
    await deps.dispatcher.dispatch({ kind: 'approval', id: randomUUID(), requestId: approved.id, requestedAt: now });
  } catch (err) {
    deps.logger.error(
      { err, approval: approved.id },
      'approved, but the worker did not accept the job; back to pending',
    );
    if (await undoApproval(deps.state, approved.id)) {
      await watchRequest(deps.state, approved.id, approved.deadline).catch(() => undefined);
      await show(deps, approved, approvalRequestMessage({ ...approved, status: 'pending' }, deps.config.approvals));
    }
    line(approved, 'error', 'approved, but the worker did not start; the request is pending again');
    return 'The approval was recorded, but I could not start the work, so I put the request back. Nothing was changed; click Approve again in a moment.';
  }
  line(approved, 'dispatched', `approved: ${plainTitle(approved.plan, approved.alias)}; runs as ${runAs.user.id}`);
  return undefined;
}

/** Another click (or the deadline) got there between our read and our write. */
async function settledMeanwhile(
  deps: DecisionDeps,
  request: ApprovalRequest,
  line: (r: ApprovalRequest | undefined, o: AuditEntry['outcome'], d: string) => void,
): Promise<string> {
  const now = (await getApprovalRequest(deps.state, request.id)) ?? request;
  if (now.status === 'pending' && deps.clock.now() >= now.deadline) {
    const expired = await expire(deps.state, now.id, deps.clock.now());
    if (expired) {
      await settled(deps, expired.id);
      await show(deps, expired, decidedMessage(expired));
    }
    line(now, 'expired', 'expired before a decision');
    return `This request expired ${slackDate(now.deadline)}; nothing was changed. Run \`/ecs ${escapeText(now.command)}\` again to ask again.`;
  }
  line(now, 'refused', `already ${now.status}`);
  return alreadyDecided(now);
}

function alreadyDecided(request: ApprovalRequest): string {
  const by = request.decidedBy ? ` by <@${request.decidedBy.id}>` : '';
  const at = request.decidedAt ? ` ${slackDate(request.decidedAt)}` : '';
  switch (request.status) {
    case 'approved':
    case 'running':
      return `This was already approved${by}${at} and is running. Nothing more was changed.`;
    case 'done':
      return `This was already approved${by} and has finished. Nothing more was changed.`;
    case 'failed':
      return `This was already approved${by}; it ran and stopped part way (see the message). Run \`/ecs ${escapeText(request.command)}\` again for a fresh plan.`;
    case 'stale':
      return `This was approved${by}, but the cluster had changed, so nothing ran. Run \`/ecs ${escapeText(request.command)}\` again for a fresh plan.`;
    case 'denied':
      return `This was denied${by}${at}. Nothing was changed.`;
    case 'cancelled':
      return `This was cancelled${by}${at}. Nothing was changed.`;
    case 'expired':
      return `This request expired ${slackDate(request.deadline)}; nothing was changed. Run \`/ecs ${escapeText(request.command)}\` again to ask again.`;
    case 'pending':
      return 'This request is still waiting for a decision.';
  }
}

/** The request no longer waits for a decision: the expiry sweep can forget it (best effort; it checks anyway). */
async function settled(deps: DecisionDeps, id: string): Promise<void> {
  await forgetPending(deps.state, id).catch((err: unknown) =>
    deps.logger.warn({ err, approval: id }, 'could not drop a decided request from the pending list'),
  );
}

/** Edits the request's channel message (where the request says it is, never where the payload says). */
async function show(deps: DecisionDeps, request: ApprovalRequest, message: SlackMessage): Promise<void> {
  if (!request.messageTs) return;
  try {
    await deps.slack.chat.update({
      channel: request.channelId,
      ts: request.messageTs,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
  } catch (err) {
    deps.logger.warn({ err: slackError(err), approval: request.id }, 'could not update the approval message');
  }
}
