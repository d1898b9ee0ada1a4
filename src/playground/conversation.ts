import { type SlackCall, type StoredMessage } from '../slack/standin/server';
import { blockIdOf, type ButtonElement } from './render/blocks';

/**
 * Everything the app has said, as a Slack client would hold it: messages per channel (posted,
 * then updated or deleted), which are ephemeral and for whom, threads, and where each
 * response_url reply belongs. It learns from the slash command acks (the front end hands them
 * over) and from every call the app makes to the Slack stand-in. It does not draw anything;
 * it tells its listener what changed.
 */
export interface ShownMessage {
  /** Unique: `C0WEB:1700000000.000001` for channel messages, `ephemeral:N` for the rest. */
  key: string;
  channel: string;
  ts: string;
  threadTs?: string;
  ephemeral: boolean;
  /** For ephemeral messages: the one person who sees it. */
  visibleTo?: string;
  text?: string;
  blocks?: unknown[];
  /** When it was posted, in the simulated account's time (Slack shows a message under the time it was posted). */
  postedAt: number;
  /** 1 when posted, +1 for every update. */
  version: number;
  deleted: boolean;
  /** Posted by the app, through which path (for the record; the screen shows them alike). */
  via: 'ack' | 'response_url' | 'chat.postMessage' | 'chat.postEphemeral';
}

export type ConversationEvent =
  | { type: 'posted'; message: ShownMessage }
  | { type: 'updated'; message: ShownMessage }
  | { type: 'deleted'; message: ShownMessage }
  | { type: 'modal'; triggerId: string; view: Record<string, unknown>; method: string };

/** A response_url handed out with a command or a click, and what it replies to. */
interface ResponseTarget {
  channel: string;
  user: string;
  /** A command's replies replace its latest one; a click's replace the message clicked. */
  from: 'command' | 'click';
  /** The message `replace_original` / `delete_original` act on. */
  original?: string;
}

export class Conversation {
  private readonly messages = new Map<string, ShownMessage>();
  private readonly order: string[] = [];
  private readonly responses = new Map<string, ResponseTarget>();
  private ephemeralCount = 0;

  constructor(
    private readonly listener: (event: ConversationEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A slash command or a click is about to be sent with this response_url id. */
  expectResponses(
    responseId: string,
    target: { channel: string; user: string; from: 'command' | 'click'; original?: string },
  ): void {
    this.responses.set(responseId, { ...target });
  }

  /** What the app answered in the HTTP response to a slash command: an ephemeral or channel message. */
  ackReceived(responseId: string, ack: { text?: string; blocks?: unknown[]; response_type?: string }): void {
    const target = this.responses.get(responseId);
    if (!target || (!ack.text && !ack.blocks)) return;
    const message = this.add({
      channel: target.channel,
      ephemeral: ack.response_type !== 'in_channel',
      visibleTo: target.user,
      text: ack.text,
      blocks: ack.blocks,
      via: 'ack',
    });
    target.original = message.key;
  }

  /**
   * One call the app made to the stand-in. `stored` reads the stand-in's copy of a channel as it
   * stands after the call (for the `ts` it gave a new message).
   */
  slackCall(call: SlackCall, stored: (channel: string) => StoredMessage[]): void {
    if (call.status !== 200) return;
    const args = call.args;
    switch (call.method) {
      case 'response_url':
        this.responseUrl(call.responseId ?? '', args);
        return;
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        const posted = stored(channel).at(-1);
        if (!posted) return;
        this.add({
          channel,
          ts: posted.ts,
          ephemeral: false,
          text: posted.text,
          blocks: posted.blocks,
          via: 'chat.postMessage',
          ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
        });
        return;
      }
      case 'chat.postEphemeral':
        this.add({
          channel: String(args.channel ?? ''),
          ephemeral: true,
          visibleTo: String(args.user ?? ''),
          text: str(args.text),
          blocks: arr(args.blocks),
          via: 'chat.postEphemeral',
        });
        return;
      case 'chat.update': {
        const message = this.messages.get(`${String(args.channel)}:${String(args.ts)}`);
        if (message)
          this.update(message, { text: str(args.text) ?? message.text, blocks: arr(args.blocks) ?? message.blocks });
        return;
      }
      case 'chat.delete': {
        const message = this.messages.get(`${String(args.channel)}:${String(args.ts)}`);
        if (message && !message.deleted) {
          message.deleted = true;
          this.listener({ type: 'deleted', message });
        }
        return;
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
        if (args.view && typeof args.view === 'object') {
          this.listener({
            type: 'modal',
            triggerId: String(args.trigger_id ?? ''),
            view: args.view as Record<string, unknown>,
            method: call.method,
          });
        }
        return;
      default:
        // usergroups.users.list, users.info, auth.test: nothing to show.
        return;
    }
  }

  message(key: string): ShownMessage | undefined {
    return this.messages.get(key);
  }

  /** Whether a message still shows a button whose action_id starts with `prefix` (an Approve waiting for a decision). */
  showsButton(prefix: string): boolean {
    for (const message of this.messages.values()) {
      if (!message.deleted && buttonsOf(message).some(({ button }) => button.action_id?.startsWith(prefix)))
        return true;
    }
    return false;
  }

  /** Messages of a channel in the order they were posted (thread replies included). */
  channelMessages(channel: string): ShownMessage[] {
    return this.order.map((k) => this.messages.get(k)!).filter((m) => m.channel === channel);
  }

  private responseUrl(responseId: string, args: Record<string, unknown>): void {
    const target = this.responses.get(responseId);
    if (!target) return;
    const original = target.original ? this.messages.get(target.original) : undefined;
    if (args.delete_original === true) {
      if (original && !original.deleted) {
        original.deleted = true;
        this.listener({ type: 'deleted', message: original });
      }
      return;
    }
    if (args.replace_original === true && original) {
      this.update(original, { text: str(args.text), blocks: arr(args.blocks) });
      return;
    }
    const inChannel = args.response_type === 'in_channel';
    const message = this.add({
      channel: target.channel,
      ephemeral: !inChannel,
      visibleTo: target.user,
      text: str(args.text),
      blocks: arr(args.blocks),
      via: 'response_url',
      ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    });
    if (target.from === 'command' || !target.original) target.original = message.key;
  }

  private add(
    input: Omit<ShownMessage, 'key' | 'ts' | 'version' | 'deleted' | 'postedAt'> & { ts?: string },
  ): ShownMessage {
    let key: string;
    let ts = input.ts;
    if (ts && !input.ephemeral) {
      key = `${input.channel}:${ts}`;
    } else {
      this.ephemeralCount += 1;
      key = `ephemeral:${this.ephemeralCount}`;
      ts ??= syntheticTs(this.ephemeralCount);
    }
    const message: ShownMessage = { ...input, key, ts, postedAt: this.now(), version: 1, deleted: false };
    if (!input.ephemeral || input.visibleTo === undefined) delete message.visibleTo;
    this.messages.set(key, message);
    this.order.push(key);
    this.listener({ type: 'posted', message });
    return message;
  }

  private update(message: ShownMessage, content: { text: string | undefined; blocks: unknown[] | undefined }): void {
    message.text = content.text;
    message.blocks = content.blocks;
    message.version += 1;
    message.deleted = false;
    this.listener({ type: 'updated', message });
  }
}

/** The buttons of a message, in order, with the block each sits in. */
export function buttonsOf(message: { blocks?: unknown[] }): { button: ButtonElement; blockId: string }[] {
  const out: { button: ButtonElement; blockId: string }[] = [];
  for (const [i, raw] of (message.blocks ?? []).entries()) {
    const block = raw as { type?: string; block_id?: string; elements?: unknown[]; accessory?: unknown };
    const blockId = blockIdOf(block, i);
    const candidates =
      block.type === 'actions'
        ? (block.elements ?? [])
        : block.type === 'section' && block.accessory
          ? [block.accessory]
          : [];
    for (const c of candidates)
      if ((c as { type?: string }).type === 'button') out.push({ button: c as ButtonElement, blockId });
  }
  return out;
}

function syntheticTs(n: number): string {
  return `${Math.floor(Date.now() / 1000)}.${String(900_000 + n).padStart(6, '0')}`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function arr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
