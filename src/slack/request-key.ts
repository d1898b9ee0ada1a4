import { createHash } from 'node:crypto';

/**
 * A key for one signed Slack request, derived from its signature and timestamp. Bolt's receiver
 * has verified both before any listener runs, so a request replayed within Slack's 5-minute window
 * (same timestamp, same signature, same body) has the same key, and no other request has it. The
 * job such a request starts takes its id from this key, so the worker's claim on the job id
 * (src/jobs/claims.ts) turns a replay into a no-op: the ack path itself makes no extra call.
 *
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */

/** The listener context property the receivers set (Bolt's `customPropertiesExtractor`). */
export const REQUEST_KEY_PROPERTY = 'slackRequestKey';

type Headers = Record<string, string | string[] | undefined> | undefined;

/** For a receiver's `customPropertiesExtractor` (AwsLambdaReceiver's API Gateway event, HTTPReceiver's request). */
export function requestKeyProperties(request: { headers?: Headers }): Record<string, string> {
  const key = requestKeyOf(request.headers);
  return key ? { [REQUEST_KEY_PROPERTY]: key } : {};
}

/** The key of a request with these headers; undefined without a signature (Socket Mode, tests of our own). */
export function requestKeyOf(headers: Headers): string | undefined {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp) return undefined;
  return createHash('sha256').update(`${timestamp}:${signature}`).digest('hex').slice(0, 32);
}

/** The key a listener got in its context, if its receiver set one. */
export function requestKeyFrom(context: Record<string, unknown>): string | undefined {
  const key = context[REQUEST_KEY_PROPERTY];
  return typeof key === 'string' && /^[0-9a-f]{32}$/.test(key) ? key : undefined;
}

/** `{ requestKey }` for an invocation when the receiver set one: a replay of the request then starts nothing new. */
export function requestKeyPart(context: Record<string, unknown>): { requestKey?: string } {
  const key = requestKeyFrom(context);
  return key ? { requestKey: key } : {};
}

function header(headers: Headers, name: string): string | undefined {
  if (!headers) return undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}
