import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { type ChatClient } from '../slack/chat-client';
import { type SlackMessage } from '../slack/message';

export type { ChatClient } from '../slack/chat-client';

/**
 * One channel message kept up to date while something runs. Slack allows about one update a
 * second per message (chat.update is rate limited, and a channel takes ~1 message/s), so
 * intermediate states are dropped when they come faster; the final one is always shown, after
 * waiting out the interval if it must. A failed update is logged, never fatal: the work goes on.
 */
export class ProgressMessage {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: SlackMessage | undefined;

  constructor(
    private readonly options: {
      slack: ChatClient;
      channel: string;
      ts: string | undefined;
      clock: Clock;
      intervalMs: number;
      logger: Logger;
    },
  ) {}

  /** Shows this state if the last update was long enough ago; otherwise keeps it for later. */
  async show(message: SlackMessage): Promise<void> {
    this.pending = message;
    if (this.options.clock.now() - this.lastSentAt >= this.options.intervalMs) await this.send();
  }

  /** Shows this state for certain. */
  async final(message: SlackMessage): Promise<void> {
    this.pending = message;
    const wait = this.lastSentAt + this.options.intervalMs - this.options.clock.now();
    if (wait > 0) await this.options.clock.sleep(wait);
    await this.send();
  }

  private async send(): Promise<void> {
    const message = this.pending;
    const { ts, channel } = this.options;
    this.pending = undefined;
    if (!message || !ts) return;
    this.lastSentAt = this.options.clock.now();
    try {
      await this.options.slack.chat.update({
        channel,
        ts,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
    } catch (err) {
      this.options.logger.warn(
        { err: slackError(err), channel, ts },
        'could not update the progress message; carrying on',
      );
    }
  }
}

/** Slack's error code from a WebClient error (`not_in_channel`), or the message. */
export function slackError(err: unknown): string {
  const data = (err as { data?: { error?: string } } | undefined)?.data;
  return data?.error ?? (err instanceof Error ? err.message : String(err));
}
