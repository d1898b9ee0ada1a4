import { AwsLambdaReceiver, type App } from '@slack/bolt';
import { createApp, type AppDeps } from '../app';
import { type TeamDirectory } from '../auth/directory';
import { systemClock, type Clock } from '../clock';
import { boltLogger } from '../slack/bolt-logger';
import { slackLambdaHandler, type SlackLambdaHandler } from '../slack/replay-window';
import { requestKeyProperties } from '../slack/request-key';

/**
 * The Slack function as Lambda runs it: the app behind AwsLambdaReceiver, which checks each
 * request's signature, gives each signed request its key (a replay starts no second job), and
 * refuses requests stamped too far in the future. The Lambda entry, the playground, the tests
 * and the bench all send their requests through this.
 */
export function slackLambdaApp(
  deps: AppDeps & {
    signingSecret: string;
    /** The clock the future-timestamp check reads: real time, as Slack signs by it. */
    requestClock?: Clock;
  },
): { handler: SlackLambdaHandler; app: App; directory: TeamDirectory } {
  const { signingSecret, requestClock, ...appDeps } = deps;
  const receiver = new AwsLambdaReceiver({
    signingSecret,
    logger: boltLogger(appDeps.logger),
    customPropertiesExtractor: requestKeyProperties,
  });
  const { app, directory } = createApp(appDeps, receiver);
  return { handler: slackLambdaHandler(receiver, requestClock ?? systemClock), app, directory };
}
