import { type KnownBlock } from '@slack/types';

/**
 * The part of the Slack Web API the bot's own channel messages use (a `WebClient` with the bot
 * token fits): approval requests, live deployment messages and the audit's thread are messages
 * the bot posts and then keeps editing.
 */
export interface ChatClient {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks?: KnownBlock[];
      /** A reply in the thread of that message (`/ecs audit` puts its details there). */
      thread_ts?: string;
    }): Promise<{ ok?: boolean; ts?: string; error?: string }>;
    update(args: {
      channel: string;
      ts: string;
      text: string;
      blocks?: KnownBlock[];
    }): Promise<{ ok?: boolean; error?: string }>;
  };
}
