import {
  blockActionsBody,
  signedLambdaEvent,
  signSlackRequest,
  slashCommandBody as slackSlashCommandBody,
  viewSubmissionBody as slackViewSubmissionBody,
  type ApiGatewayV2Event,
  type Workspace,
} from '../src/slack/signed-requests';

/**
 * The test workspace's requests: src/slack/signed-requests.ts (signed exactly as Slack signs
 * them, with Slack's fields and content types, wrapped as API Gateway HTTP API v2 events) with the
 * test workspace, user and channel filled in.
 */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export type { ApiGatewayV2Event };

const TEST_WORKSPACE: Workspace = {
  teamId: 'T0TEST',
  domain: 'test',
  appId: 'A0TEST',
  botUserId: 'U0BOT',
  botId: 'B0TEST',
};

function workspace(teamId?: string): Workspace {
  return teamId ? { ...TEST_WORKSPACE, teamId } : TEST_WORKSPACE;
}

export function sign(body: string, timestamp: number, secret = TEST_SIGNING_SECRET): string {
  return signSlackRequest(body, timestamp, secret);
}

export function apiGatewayEvent(
  body: string,
  options: { secret?: string; timestamp?: number; signature?: string | null; base64?: boolean } = {},
): ApiGatewayV2Event {
  const { secret, ...rest } = options;
  return signedLambdaEvent(body, { signingSecret: secret ?? TEST_SIGNING_SECRET, ...rest });
}

export interface SlashCommandInput {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  responseUrl: string;
  command?: string;
  triggerId?: string;
}

/** The form body Slack sends for a slash command, in Slack's field order. */
export function slashCommandBody(input: SlashCommandInput): string {
  return slackSlashCommandBody({
    workspace: workspace(input.teamId),
    user: { id: input.userId ?? 'U0ALICE', name: input.userName ?? 'alice' },
    channel: { id: input.channelId ?? 'C0WEB', name: input.channelName ?? 'web' },
    command: input.command ?? '/ecs',
    text: input.text,
    responseUrl: input.responseUrl,
    triggerId: input.triggerId ?? `${Date.now()}.trigger`,
  });
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  teamId?: string;
  responseUrl: string;
  messageTs?: string;
  blockId?: string;
}

/** The form body Slack sends when a button is clicked: payload=<JSON>. */
export function blockActionBody(input: BlockActionInput): string {
  return blockActionsBody({
    workspace: workspace(input.teamId),
    user: { id: input.userId ?? 'U0ALICE', name: input.userName ?? 'alice' },
    channel: { id: input.channelId ?? 'C0WEB', name: 'web' },
    message: { ts: input.messageTs ?? '1700000000.000100', text: '', ephemeral: false },
    button: { actionId: input.actionId, blockId: input.blockId ?? 'actions', text: 'button', value: input.value },
    responseUrl: input.responseUrl,
    triggerId: `${Date.now()}.trigger`,
    actionTs: `${Date.now() / 1000}`,
  });
}

export interface ViewSubmissionInput {
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value?: string }>>;
  userId?: string;
  teamId?: string;
}

export function viewSubmissionBody(input: ViewSubmissionInput): string {
  return slackViewSubmissionBody({
    workspace: workspace(input.teamId),
    user: { id: input.userId ?? 'U0ALICE', name: 'alice' },
    view: {
      id: 'V0TEST',
      view: {
        callback_id: input.callbackId,
        private_metadata: input.privateMetadata,
        title: { type: 'plain_text', text: 'x' },
        blocks: [],
      },
    },
    values: input.values,
    triggerId: `${Date.now()}.trigger`,
  });
}
