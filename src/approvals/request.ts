import { randomUUID } from 'node:crypto';
import { audit } from '../audit';
import { type ClusterOps } from '../aws/access';
import { type Clock } from '../clock';
import { type ClusterConfig, type Config } from '../config/schema';
import { type Logger } from '../logger';
import { type StateStore } from '../state/table';
import { ChatopsError } from '../errors';
import {
  claimExecution,
  createApprovalRequest,
  forgetPending,
  setRequestMessage,
  watchRequest,
  withdraw,
} from './store';
import { UNSTARTED_AFTER_MS } from './sweep';
import { approvalRequestMessage, plainTitle, progressMessage } from './view';
import { executeRequest } from './execute';
import { slackError, type ChatClient } from './progress';
import { type ApprovalTiming } from './gated-operation';
import { levelFor, type Plan } from './plan';
import { type ApprovalRequest } from './types';
import { escapeText } from '../slack/message';

/** What asking for an approval needs of the verb's job (its context has all of it). */
export interface ApprovalAsk {
  alias: string;
  cluster: ClusterConfig;
  user: { id: string; name?: string; teamId: string };
  channelId: string;
  /** The team whose grant gave the requester admin. */
  team?: string;
  config: Config;
  clock: Clock;
  logger: Logger;
  aws: ClusterOps;
  state?: StateStore;
  slack?: ChatClient;
  approvalTiming?: Partial<ApprovalTiming>;
  remainingTimeMs?: () => number;
}

/** The largest plan we store: a DynamoDB item holds at most 400 KB. */
const MAX_PLAN_BYTES = 300_000;

/**
 * The worker's half of typing an approval-gated verb, once its plan has been read from the live
 * state: store the request and post it in the channel with Approve / Deny / Cancel. When the
 * config's `approvals.verbs` does not list the verb, it runs at once instead (still as a channel
 * message that shows each step), with the requester's role.
 */
export async function requestApproval(ctx: ApprovalAsk, verb: string, words: string[], plan: Plan): Promise<void> {
  const { state, slack } = ctx;
  if (!state || !slack) {
    throw new ChatopsError(
      'approvals_unavailable',
      `\`${escapeText(verb)}\` needs the bot's state table (STATE_TABLE) and its Slack token, and this deployment has not got both. Nothing was changed.`,
    );
  }
  const gated = (ctx.config.approvals.verbs as string[]).includes(verb);
  const approvers = ctx.config.approvals.approvers;
  if (gated && approvers.length === 0) {
    throw new ChatopsError(
      'no_approvers',
      `\`${escapeText(verb)}\` needs a second person's approval, but the config names no approver team (\`approvals.approvers\`), so nobody could approve it. Nothing was changed.`,
    );
  }
  if (JSON.stringify(plan).length > MAX_PLAN_BYTES) {
    throw new ChatopsError(
      'plan_too_large',
      `The plan for \`${escapeText(words.join(' '))}\` is too large to keep for an approval. Nothing was changed; do this one with the AWS console or CLI.`,
    );
  }
  const now = ctx.clock.now();
  const requester = { id: ctx.user.id, teamId: ctx.user.teamId, ...(ctx.user.name ? { name: ctx.user.name } : {}) };
  const request: ApprovalRequest = {
    id: randomUUID(),
    command: words.join(' '),
    alias: ctx.alias,
    clusterName: ctx.cluster.name,
    region: ctx.cluster.region,
    channelId: ctx.channelId,
    requester,
    requesterTeam: ctx.team ?? 'unknown',
    createdAt: now,
    deadline: now + ctx.config.approvals.expires,
    // Not gated: approved from the start, run as the requester (there is no second person).
    status: gated ? 'pending' : 'approved',
    ...(gated ? {} : { runAs: { user: requester, team: ctx.team ?? 'unknown' } }),
    plan,
  };
  const line = {
    user: ctx.user.id,
    channel: ctx.channelId,
    workspace: ctx.user.teamId,
    source: 'approval' as const,
    command: request.command,
    cluster: ctx.alias,
    level: levelFor(plan),
  };

  await createApprovalRequest(state, request);
  // Not gated: approved already, and watched as any approved request is (a run that never ends is marked failed).
  if (!gated) await watchRequest(state, request.id, now + UNSTARTED_AFTER_MS);
  const message = gated ? approvalRequestMessage(request, ctx.config.approvals) : progressMessage(request, []);
  let ts: string | undefined;
  try {
    const posted = await slack.chat.postMessage({
      channel: ctx.channelId,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
    ts = posted.ts;
  } catch (err) {
    // Nobody can click on a message that was never posted: end the request.
    await withdraw(state, request.id, requester, ctx.clock.now()).catch(() => undefined);
    await forgetPending(state, request.id).catch(() => undefined);
    const reason = slackError(err);
    audit(ctx.logger, {
      ...line,
      outcome: 'error',
      detail: `could not post the request: ${reason}`,
      durationMs: ctx.clock.now() - now,
    });
    throw new ChatopsError(
      'approval_not_posted',
      reason === 'not_in_channel' || reason === 'channel_not_found'
        ? `I could not post the plan for approval here (${reason}). Invite me to this channel (\`/invite @ecs\`) and run \`/ecs ${escapeText(request.command)}\` again. Nothing was changed.`
        : `I could not post the plan for approval (Slack said ${escapeText(reason)}). Nothing was changed; try again.`,
    );
  }
  if (ts) await setRequestMessage(state, request.id, ts);
  const posted: ApprovalRequest = { ...request, ...(ts ? { messageTs: ts } : {}) };

  if (gated) {
    audit(ctx.logger, {
      ...line,
      outcome: 'ok',
      detail: `approval requested (${request.id}): ${plainTitle(plan, ctx.alias)}`,
      durationMs: ctx.clock.now() - now,
    });
    return;
  }
  audit(ctx.logger, {
    ...line,
    outcome: 'ok',
    detail: `runs without approval (approvals.verbs does not list ${verb}) (${request.id})`,
    durationMs: ctx.clock.now() - now,
  });
  const running = await claimExecution(state, posted.id, ctx.clock.now());
  if (running) {
    await executeRequest(running, {
      config: ctx.config,
      logger: ctx.logger,
      clock: ctx.clock,
      aws: { forCluster: async () => ctx.aws },
      state,
      slack,
      ...(ctx.approvalTiming ? { approvalTiming: ctx.approvalTiming } : {}),
      ...(ctx.remainingTimeMs ? { remainingTimeMs: ctx.remainingTimeMs } : {}),
    });
  }
}
