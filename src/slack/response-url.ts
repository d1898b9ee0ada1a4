/**
 * Where the bot may post a response URL that came back to it inside a payload (the Scale form keeps
 * its URL in the modal's `private_metadata`, which the client returns): a security check, since a
 * forged URL would make the bot post its replies (and the user's words) to someone else's server.
 */

/** Slack's response URLs all start with this (https://api.slack.com/interactivity/handling#message_responses). */
export const SLACK_RESPONSE_URL_PREFIX = 'https://hooks.slack.com/';

/** Slack's hooks, plus the origin of `slackApiUrl` when one is set (the Slack stand-in in tests and the playground). */
export function responseUrlPrefixesFor(slackApiUrl?: string): readonly string[] {
  return [SLACK_RESPONSE_URL_PREFIX, ...(slackApiUrl ? [`${new URL(slackApiUrl).origin}/`] : [])];
}

/** Whether the bot may post to `url`: it starts with one of the prefixes, compared as parsed URLs. */
export function isAllowedResponseUrl(url: string, prefixes: readonly string[] = [SLACK_RESPONSE_URL_PREFIX]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return prefixes.some((prefix) => {
    const allowed = new URL(prefix);
    return parsed.origin === allowed.origin && parsed.pathname.startsWith(allowed.pathname);
  });
}

/** A URL's host for a log line (never the whole URL: a response URL is a secret). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}
