import { App, type Receiver } from '@slack/bolt';
import { type Config } from './config/schema';
import { type Logger } from './logger';
import { type Clock } from './clock';
import { type JobDispatcher } from './jobs/dispatch';
import { type AnyVerbSpec } from './verbs/context';
import { createTeamDirectory, type TeamDirectory } from './auth/directory';
import { boltLogger } from './slack/bolt-logger';
import { registerListeners } from './listeners';
import { responseUrlPrefixesFor } from './slack/response-url';
import { VERBS } from './verbs';
import { type StateStore } from './state/table';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  dispatcher: JobDispatcher;
  botToken: string;
  /** Web API base URL (SLACK_API_URL); Slack's own by default. */
  slackApiUrl?: string;
  verbs?: readonly AnyVerbSpec[];
  /** Team membership; built on the app's Slack client when not given. */
  directory?: TeamDirectory;
  /** The state table (approval requests); approval buttons are registered only with one. */
  state?: StateStore;
  /** Where response URLs may point: Slack's hooks, and `slackApiUrl`'s origin when one is set (a stand-in). */
  responseUrlPrefixes?: readonly string[];
}

/**
 * The Bolt app with every listener. The receiver is the seam: Lambda, Socket Mode, HTTP, the
 * playground and the tests all wrap this same app. No globals, no environment reads.
 */
export function createApp(deps: AppDeps, receiver: Receiver): { app: App; directory: TeamDirectory } {
  const app = new App({
    receiver,
    // One workspace, one bot token: no auth.test round trip in the ack path.
    authorize: async () => ({ botToken: deps.botToken }),
    logger: boltLogger(deps.logger),
    clientOptions: deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {},
  });
  const directory =
    deps.directory ??
    createTeamDirectory({
      config: deps.config,
      slack: withToken(app, deps.botToken),
      clock: deps.clock,
      logger: deps.logger,
    });
  const responseUrlPrefixes = deps.responseUrlPrefixes ?? responseUrlPrefixesFor(deps.slackApiUrl);
  registerListeners(app, {
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    dispatcher: deps.dispatcher,
    directory,
    verbs: deps.verbs ?? VERBS,
    responseUrlPrefixes,
    ...(deps.state ? { state: deps.state } : {}),
  });
  return { app, directory };
}

function withToken(app: App, token: string) {
  return {
    usergroups: {
      users: { list: (args: { usergroup: string }) => app.client.usergroups.users.list({ ...args, token }) },
    },
  };
}
