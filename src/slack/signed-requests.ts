import { createHmac } from 'node:crypto';

/**
 * The requests Slack sends an app, field for field (https://docs.slack.dev/interactivity): a
 * slash command's form, and the `payload=` JSON of a button click and a modal submission —
 * signed with the app's signing secret and wrapped as the API Gateway (HTTP API v2) event that
 * Lambda hands the Slack function. The playground's front end, the tests and the bench all make
 * their requests here, so what they send is what Slack sends.
 */
export interface Workspace {
  teamId: string;
  domain: string;
  appId: string;
  botUserId: string;
  botId: string;
}

/** The deprecated verification token Slack still puts in every payload (Bolt checks signatures instead). */
const VERIFICATION_TOKEN = 'deprecated-verification-token';

export interface Actor {
  id: string;
  name: string;
}

export interface Place {
  id: string;
  name: string;
}

export function slashCommandBody(input: {
  workspace: Workspace;
  user: Actor;
  channel: Place;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}): string {
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: input.workspace.teamId,
    team_domain: input.workspace.domain,
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: input.workspace.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  }).toString();
}

/** What the clicked message looked like: Slack sends it with the click (not for ephemeral messages). */
export interface ClickedMessage {
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  ephemeral: boolean;
}

export interface ClickedButton {
  actionId: string;
  blockId: string;
  text: string;
  value?: string;
  style?: string;
}

export function blockActionsBody(input: {
  workspace: Workspace;
  user: Actor;
  channel: Place;
  message: ClickedMessage;
  button: ClickedButton;
  responseUrl: string;
  triggerId: string;
  actionTs: string;
}): string {
  const { workspace, user, channel, message, button } = input;
  const payload = {
    type: 'block_actions',
    ...interactionEnvelope(workspace, user),
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: message.ephemeral,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    trigger_id: input.triggerId,
    channel: { id: channel.id, name: channel.name },
    ...(message.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            subtype: 'bot_message',
            user: workspace.botUserId,
            bot_id: workspace.botId,
            app_id: workspace.appId,
            team: workspace.teamId,
            ts: message.ts,
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            text: message.text ?? '',
            ...(message.blocks ? { blocks: message.blocks } : {}),
          },
        }),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        action_id: button.actionId,
        block_id: button.blockId,
        text: { type: 'plain_text', text: button.text, emoji: true },
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.style ? { style: button.style } : {}),
        type: 'button',
        action_ts: input.actionTs,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What every interaction payload carries: who, which workspace and app, the (deprecated) token. */
function interactionEnvelope(workspace: Workspace, user: Actor) {
  return {
    team: { id: workspace.teamId, domain: workspace.domain },
    user: { id: user.id, username: user.name, name: user.name, team_id: workspace.teamId },
    api_app_id: workspace.appId,
    token: VERIFICATION_TOKEN,
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** A modal as views.open / views.update gave it, with the id Slack assigned. */
export interface OpenView {
  id: string;
  view: Record<string, unknown>;
}

export function viewSubmissionBody(input: {
  workspace: Workspace;
  user: Actor;
  view: OpenView;
  values: Record<string, Record<string, unknown>>;
  triggerId: string;
}): string {
  const { workspace, user, view } = input;
  const payload = {
    type: 'view_submission',
    ...interactionEnvelope(workspace, user),
    trigger_id: input.triggerId,
    view: submittedView(workspace, view, { values: input.values }),
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Cancel on a modal that asked to hear about it (`notify_on_close`). */
export function viewClosedBody(input: { workspace: Workspace; user: Actor; view: OpenView }): string {
  const { workspace, user, view } = input;
  const payload = {
    type: 'view_closed',
    ...interactionEnvelope(workspace, user),
    view: submittedView(workspace, view, { values: {} }),
    is_cleared: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function submittedView(
  workspace: Workspace,
  view: OpenView,
  state: { values: Record<string, Record<string, unknown>> },
) {
  return {
    id: view.id,
    team_id: workspace.teamId,
    type: 'modal',
    blocks: view.view.blocks ?? [],
    private_metadata: view.view.private_metadata ?? '',
    callback_id: view.view.callback_id ?? '',
    state,
    hash: `${Math.floor(Date.now() / 1000)}.${view.id.slice(-8)}`,
    title: view.view.title,
    clear_on_close: view.view.clear_on_close ?? false,
    notify_on_close: view.view.notify_on_close ?? false,
    close: view.view.close ?? null,
    submit: view.view.submit ?? null,
    previous_view_id: null,
    root_view_id: view.id,
    app_id: workspace.appId,
    external_id: view.view.external_id ?? '',
    app_installed_team_id: workspace.teamId,
    bot_id: workspace.botId,
  };
}

/** Slack's signature of a request body: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signSlackRequest(body: string, timestamp: number, signingSecret: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

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

/**
 * An API Gateway HTTP API (v2) event with Slack's headers and signature
 * (https://api.slack.com/authentication/verifying-requests-from-slack). For tests of the check
 * itself: `signature` replaces the real one (null: no signature header), `base64` encodes the body
 * as API Gateway does for binary media types.
 */
export function signedLambdaEvent(
  body: string,
  options: { signingSecret: string; nowMs?: number; timestamp?: number; signature?: string | null; base64?: boolean },
): ApiGatewayV2Event {
  const timestamp = options.timestamp ?? Math.floor((options.nowMs ?? Date.now()) / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature =
    options.signature === undefined ? signSlackRequest(body, timestamp, options.signingSecret) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers,
    requestContext: {
      http: { method: 'POST', path: '/slack/events', sourceIp: '127.0.0.1' },
      requestId: `req-${timestamp}-${Math.random().toString(36).slice(2)}`,
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}
