import { WebClient, type WebClientOptions } from '@slack/web-api';

/**
 * How the bot's Web API client retries: a 429 waits for Retry-After and tries again. A few
 * retries fit in a Lambda's time, and whatever is still unsent is picked up by the next sweep
 * from the state table.
 */
export const SLACK_RETRY_CONFIG = { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 } as const;

/** The bot's Web API client (chat.postMessage, chat.update): Slack's API, or `slackApiUrl` (a stand-in). */
export function botWebClient(
  token: string,
  options: {
    slackApiUrl?: string;
    retryConfig?: WebClientOptions['retryConfig'];
    logger?: WebClientOptions['logger'];
  } = {},
): WebClient {
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    retryConfig: options.retryConfig ?? SLACK_RETRY_CONFIG,
  });
}
