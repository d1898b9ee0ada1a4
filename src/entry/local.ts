import { parseArgs } from 'node:util';
import { HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { systemClock } from '../clock';
import { createApp } from '../app';
import { createAwsAccess } from '../aws/access';
import { createInProcessDispatcher } from '../jobs/dispatch';
import { runJob, type WorkerDeps } from '../worker/run-job';
import { VERBS } from '../handlers';
import { boltLogger } from '../slack/bolt-logger';
import { ConfigError } from '../errors';
import { readEnv, required, type Env } from './env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WebClient } from '@slack/web-api';
import { StateStore } from '../state/table';

const USAGE = `npm start — run ecs-chatops locally

  With SLACK_APP_TOKEN (xapp-…) and SLACK_BOT_TOKEN: Socket Mode, no public URL needed.
  With SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN: Bolt's HTTP receiver on PORT (default 3000),
    Slack's request URL is http(s)://HOST:PORT/slack/events.
  Either way CHATOPS_CONFIG names the YAML config, and AWS calls assume the configured roles
  starting from your own AWS credentials (the SDK's usual chain: AWS_PROFILE, env, SSO…).

Options:
  -h, --help   this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: false });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const env = readEnv(process.env);
  if (!env.SLACK_BOT_TOKEN || (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET)) {
    process.stdout.write(
      `No Slack app is configured, so there is nothing to connect to yet.\n\nSet SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP on PORT), and CHATOPS_CONFIG (see config/example.yaml).\n\n${USAGE}`,
    );
    process.exitCode = 1;
    return;
  }
  await startWithSlack(env);
}

async function startWithSlack(env: Env): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  const botToken = required(env, 'SLACK_BOT_TOKEN', 'the bot posts with it');
  // Approvals need the state table (STATE_TABLE: a DynamoDB table, or dynalite via AWS_ENDPOINT_URL_DYNAMODB).
  const state = env.STATE_TABLE ? new StateStore({ client: new DynamoDBClient({}), tableName: env.STATE_TABLE }) : undefined;
  const worker: WorkerDeps = {
    config,
    logger,
    clock: systemClock,
    aws: createAwsAccess({ config, clock: systemClock, logger }),
    verbs: VERBS,
    timing: { followUpPollMs: env.CHATOPS_FOLLOW_UP_POLL_MS, followUpTimeoutMs: env.CHATOPS_FOLLOW_UP_TIMEOUT_MS },
    ...(state ? { state } : {}),
    slack: new WebClient(botToken, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  };
  const dispatcher = createInProcessDispatcher((job) => runJob(job, worker), logger);
  const receiver: Receiver = env.SLACK_APP_TOKEN
    ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger: boltLogger(logger) })
    : new HTTPReceiver({ signingSecret: required(env, 'SLACK_SIGNING_SECRET', 'Slack requests are verified with it'), logger: boltLogger(logger), port: env.PORT });
  const { app } = createApp({ config, logger, clock: systemClock, dispatcher, botToken, ...(state ? { state } : {}), ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) }, receiver);
  await app.start(env.PORT);
  logger.info({ mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port: env.SLACK_APP_TOKEN ? undefined : env.PORT }, 'ecs-chatops is running');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
