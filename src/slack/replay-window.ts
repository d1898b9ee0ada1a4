import { type AwsLambdaReceiver } from '@slack/bolt';
import { type Clock } from '../clock';

export type SlackLambdaHandler = ReturnType<AwsLambdaReceiver['toHandler']>;

/** Slack's replay window (https://api.slack.com/authentication/verifying-requests-from-slack). */
const MAX_SKEW_SECONDS = 5 * 60;

/**
 * The receiver's Lambda handler, refusing requests stamped more than five minutes in the future
 * as well: Bolt's receiver only refuses those more than five minutes old, so a request signed
 * with a future timestamp could be replayed for longer than Slack's window.
 */
export function slackLambdaHandler(receiver: AwsLambdaReceiver, clock: Clock): SlackLambdaHandler {
  const handle = receiver.toHandler();
  return async (event, context) => {
    const headers = (event as { headers?: Record<string, string | undefined> }).headers ?? {};
    const stamp = Number(
      Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-slack-request-timestamp')?.[1],
    );
    if (Number.isFinite(stamp) && stamp > Math.floor(clock.now() / 1000) + MAX_SKEW_SECONDS) {
      return { statusCode: 401, body: '' };
    }
    return handle(event, context);
  };
}
