import { type Logger } from '../logger';
import { type Clock } from '../clock';
import { type SlackMessage } from './message';

/** How a command answers: through the response_url Slack gave it. */
export interface Replier {
  /** A reply to the command, visible to the channel or only the user. */
  send(
    message: SlackMessage,
    options?: { visibility?: 'in_channel' | 'ephemeral'; replaceOriginal?: boolean },
  ): Promise<void>;
}

/**
 * `replier` whose first reply to the channel replaces the message the command came from (a
 * button's message: https://api.slack.com/interactivity/handling#message_responses),
 * so its buttons go away and the channel sees what became of it. Replies only the user sees (a
 * refusal, an error) leave it, and its buttons stay for someone else; later replies are new messages.
 */
export function replacingOriginalOnce(replier: Replier, visibility: 'in_channel' | 'ephemeral'): Replier {
  let replaced = false;
  return {
    send(message, options = {}) {
      const inChannel = (options.visibility ?? visibility) === 'in_channel';
      if (replaced || !inChannel || options.replaceOriginal !== undefined) return replier.send(message, options);
      replaced = true;
      return replier.send(message, { ...options, replaceOriginal: true });
    },
  };
}

export interface ResponseUrlOptions {
  responseUrl: string;
  visibility: 'in_channel' | 'ephemeral';
  logger: Logger;
  clock: Clock;
  fetch?: typeof fetch;
  /** Attempts on 429/5xx, honouring Retry-After. */
  maxAttempts?: number;
}

/**
 * Posts to a response_url (https://api.slack.com/interactivity/handling#message_responses).
 * Slack answers 429 with Retry-After when a response_url is used too fast; we wait and retry.
 */
export function responseUrlReplier(options: ResponseUrlOptions): Replier {
  const doFetch = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 4;
  return {
    async send(message, sendOptions = {}) {
      const body = JSON.stringify({
        response_type: sendOptions.visibility ?? options.visibility,
        replace_original: sendOptions.replaceOriginal ?? false,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
      for (let attempt = 1; ; attempt += 1) {
        const res = await doFetch(options.responseUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body,
        });
        if (res.ok) return;
        const retryable = res.status === 429 || res.status >= 500;
        if (!retryable || attempt >= maxAttempts) {
          options.logger.error({ status: res.status, attempt }, 'response_url post failed');
          throw new Error(`Slack refused the reply (HTTP ${res.status})`);
        }
        const retryAfter = Number(res.headers.get('retry-after'));
        await options.clock.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * attempt);
      }
    },
  };
}
