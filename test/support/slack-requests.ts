import { createHmac } from 'node:crypto';

/**
 * Requests signed exactly as Slack signs them (v0:{ts}:{body}, HMAC-SHA256 with the signing
 * secret), with Slack's exact content types, wrapped as API Gateway HTTP API (v2) events.
 */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface ApiGatewayV2Event {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  requestContext: Record<string, unknown>;
  body: string;
  isBase64Encoded: boolean;
}

export function sign(body: string, timestamp: number, secret = TEST_SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function apiGatewayEvent(
  body: string,
  options: { secret?: string; timestamp?: number; signature?: string | null; base64?: boolean } = {},
): ApiGatewayV2Event {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = options.signature === undefined ? sign(body, timestamp, options.secret) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'POST', path: '/slack/events' }, requestId: `req-${timestamp}-${Math.random()}` },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
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
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: input.teamId ?? 'T0TEST',
    team_domain: 'test',
    channel_id: input.channelId ?? 'C0WEB',
    channel_name: input.channelName ?? 'web',
    user_id: input.userId ?? 'U0ALICE',
    user_name: input.userName ?? 'alice',
    command: input.command ?? '/ecs',
    text: input.text,
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? `${Date.now()}.trigger`,
  }).toString();
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
  const payload = {
    type: 'block_actions',
    user: {
      id: input.userId ?? 'U0ALICE',
      username: input.userName ?? 'alice',
      name: input.userName ?? 'alice',
      team_id: input.teamId ?? 'T0TEST',
    },
    api_app_id: 'A0TEST',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: input.messageTs ?? '1700000000.000100',
      channel_id: input.channelId ?? 'C0WEB',
      is_ephemeral: false,
    },
    trigger_id: `${Date.now()}.trigger`,
    team: { id: input.teamId ?? 'T0TEST', domain: 'test' },
    channel: { id: input.channelId ?? 'C0WEB', name: 'web' },
    message: { type: 'message', ts: input.messageTs ?? '1700000000.000100', text: '' },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'actions',
        value: input.value,
        text: { type: 'plain_text', text: 'button' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewSubmissionInput {
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value?: string }>>;
  userId?: string;
  teamId?: string;
}

export function viewSubmissionBody(input: ViewSubmissionInput): string {
  const payload = {
    type: 'view_submission',
    team: { id: input.teamId ?? 'T0TEST', domain: 'test' },
    user: { id: input.userId ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: input.teamId ?? 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.trigger`,
    view: {
      id: 'V0TEST',
      team_id: input.teamId ?? 'T0TEST',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values: input.values },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
    },
    response_urls: [],
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
