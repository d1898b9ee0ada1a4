import { randomUUID } from 'node:crypto';
import { type AwsLambdaReceiver } from '@slack/bolt';
import { type SlackStandin } from '../slack/standin/server';
import { type Conversation, type ShownMessage } from './conversation';
import { type Channel, type Person } from './people';
import { type ButtonElement } from './render/blocks';
import {
  blockActionsBody,
  signedLambdaEvent,
  slashCommandBody,
  viewClosedBody,
  viewSubmissionBody,
  type OpenView,
  type Workspace,
} from '../slack/signed-requests';

type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;

/** What Slack shows when an app does not answer a request properly. */
export class SlackRequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SlackRequestFailed';
  }
}

/** The app's answer to a modal submission: close it, or show errors on inputs, or a new view. */
export type ViewAck =
  | { action: 'close' }
  | { action: 'errors'; errors: Record<string, string> }
  | { action: 'update' | 'push'; view: Record<string, unknown> };

/**
 * Slack's side of the conversation with the app: it turns what the person does into the
 * requests Slack would send — a slash command, a button click (block_actions), a modal
 * submission — signed and delivered to the app's Lambda handler, and hands the app's answers to
 * the conversation. Replies through response_url and the Web API reach the conversation through
 * the stand-in.
 */
export class SlackFrontEnd {
  private readonly triggers = new Map<string, string>();

  constructor(
    private readonly options: {
      handler: AwsHandler;
      signingSecret: string;
      standin: SlackStandin;
      conversation: Conversation;
      workspace: Workspace;
    },
  ) {}

  /** `/ecs scale web 3` typed by `user` in `channel`. */
  async slashCommand(input: { command: string; text: string; user: Person; channel: Channel }): Promise<void> {
    const responseId = `cmd-${randomUUID()}`;
    const triggerId = this.trigger(input.user.id);
    this.options.conversation.expectResponses(responseId, {
      channel: input.channel.id,
      user: input.user.id,
      from: 'command',
    });
    const body = slashCommandBody({
      workspace: this.options.workspace,
      user: { id: input.user.id, name: input.user.name },
      channel: { id: input.channel.id, name: input.channel.name },
      command: input.command,
      text: input.text,
      responseUrl: this.options.standin.responseUrl(responseId),
      triggerId,
    });
    const res = await this.send(body);
    if (res.statusCode !== 200)
      throw new SlackRequestFailed(
        `${input.command} failed with the error "dispatch_failed" (the app answered HTTP ${res.statusCode})`,
        res.statusCode,
      );
    this.options.conversation.ackReceived(
      responseId,
      parseJson(res.body) as { text?: string; blocks?: unknown[]; response_type?: string },
    );
  }

  /** A click on a button of a message. */
  async click(input: {
    user: Person;
    channel: Channel;
    message: ShownMessage;
    button: ButtonElement;
    blockId: string;
  }): Promise<void> {
    const responseId = `click-${randomUUID()}`;
    this.options.conversation.expectResponses(responseId, {
      channel: input.channel.id,
      user: input.user.id,
      from: 'click',
      original: input.message.key,
    });
    const body = blockActionsBody({
      workspace: this.options.workspace,
      user: { id: input.user.id, name: input.user.name },
      channel: { id: input.channel.id, name: input.channel.name },
      message: {
        ts: input.message.ts,
        ephemeral: input.message.ephemeral,
        ...(input.message.text !== undefined ? { text: input.message.text } : {}),
        ...(input.message.blocks ? { blocks: input.message.blocks } : {}),
        ...(input.message.threadTs ? { threadTs: input.message.threadTs } : {}),
      },
      button: {
        actionId: input.button.action_id ?? '',
        blockId: input.blockId,
        text: input.button.text?.text ?? '',
        ...(input.button.value !== undefined ? { value: input.button.value } : {}),
        ...(input.button.style ? { style: input.button.style } : {}),
      },
      responseUrl: this.options.standin.responseUrl(responseId),
      triggerId: this.trigger(input.user.id),
      actionTs: (Date.now() / 1000).toFixed(6),
    });
    const res = await this.send(body);
    // Slack shows a small warning beside a button whose click the app did not acknowledge.
    if (res.statusCode !== 200)
      throw new SlackRequestFailed(
        `The app did not handle that click (HTTP ${res.statusCode}); Slack would show a warning beside the button.`,
        res.statusCode,
      );
  }

  async submitView(input: {
    user: Person;
    view: OpenView;
    values: Record<string, Record<string, unknown>>;
  }): Promise<ViewAck> {
    const body = viewSubmissionBody({
      workspace: this.options.workspace,
      user: { id: input.user.id, name: input.user.name },
      view: input.view,
      values: input.values,
      triggerId: this.trigger(input.user.id),
    });
    const res = await this.send(body);
    if (res.statusCode !== 200)
      throw new SlackRequestFailed(
        `The app did not accept the form (HTTP ${res.statusCode}); Slack would say "We had some trouble connecting".`,
        res.statusCode,
      );
    const ack = parseJson(res.body) as {
      response_action?: string;
      errors?: Record<string, string>;
      view?: Record<string, unknown>;
    };
    if (ack.response_action === 'errors' && ack.errors) return { action: 'errors', errors: ack.errors };
    if ((ack.response_action === 'update' || ack.response_action === 'push') && ack.view)
      return { action: ack.response_action, view: ack.view };
    return { action: 'close' };
  }

  /** Cancel on a modal: Slack tells the app only when the view asked (`notify_on_close`). */
  async closeView(input: { user: Person; view: OpenView }): Promise<void> {
    if (input.view.view.notify_on_close !== true) return;
    await this.send(
      viewClosedBody({
        workspace: this.options.workspace,
        user: { id: input.user.id, name: input.user.name },
        view: input.view,
      }),
    );
  }

  /** Who was given this trigger_id (so a views.open is shown to the person who clicked). */
  triggeredBy(triggerId: string): string | undefined {
    return this.triggers.get(triggerId);
  }

  private trigger(userId: string): string {
    const id = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.playground`;
    this.triggers.set(id, userId);
    return id;
  }

  private async send(body: string): Promise<{ statusCode: number; body: string }> {
    const res = await this.options.handler(signedLambdaEvent(body, { signingSecret: this.options.signingSecret }), {});
    return { statusCode: res.statusCode, body: typeof res.body === 'string' ? res.body : '' };
  }
}

function parseJson(body: string): unknown {
  if (!body) return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return { text: body };
  }
}
