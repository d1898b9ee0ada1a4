import { parseArgs } from 'node:util';
import { HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { systemClock } from '../clock';
import { createApp } from '../app';
import { createInProcessDispatcher } from '../jobs/dispatch';
import { runJob } from '../worker/run-job';
import { workerDepsFromEnv } from './worker-deps';
import { boltLogger } from '../slack/bolt-logger';
import { ConfigError } from '../errors';
import { readEnv, required, type Env } from './env';
import { runPlayground } from '../playground';
import { requestKeyProperties } from '../slack/request-key';

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
  const env = readEnv(process.env);
  const slackConfigured = Boolean(env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET));
  if (!slackConfigured) {
    // No Slack app to connect to: the playground, the real bot against a simulated AWS account.
    // The SDK's notice that its 2027 releases need Node 22 is for whoever deploys the bot; in the
    // middle of the playground's chat it would only puzzle a first-time user.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const argv = process.argv.slice(2);
    const code = await runPlayground({
      argv,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      noColor: Boolean(process.env.NO_COLOR),
      ...(process.env.LOG_LEVEL ? { logLevel: env.LOG_LEVEL } : {}),
    });
    if (argv.includes('--help') || argv.includes('-h')) process.stdout.write(`\nWith a Slack app instead:\n\n${USAGE}`);
    // Everything the playground started is stopped by now; this also ends what a library may keep open.
    process.exit(code);
  }
  const { values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  await startWithSlack(env);
}

async function startWithSlack(env: Env): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  const botToken = required(env, 'SLACK_BOT_TOKEN', 'the bot posts with it');
  const worker = workerDepsFromEnv(env, config, logger);
  const state = worker.state;
  const dispatcher = createInProcessDispatcher((job) => runJob(job, worker), logger);
  const receiver: Receiver = env.SLACK_APP_TOKEN
    ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger: boltLogger(logger) })
    : new HTTPReceiver({
        signingSecret: required(env, 'SLACK_SIGNING_SECRET', 'Slack requests are verified with it'),
        logger: boltLogger(logger),
        port: env.PORT,
        customPropertiesExtractor: requestKeyProperties,
      });
  const { app } = createApp(
    {
      config,
      logger,
      clock: systemClock,
      dispatcher,
      botToken,
      ...(state ? { state } : {}),
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    },
    receiver,
  );
  await app.start(env.PORT);
  logger.info(
    { mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port: env.SLACK_APP_TOKEN ? undefined : env.PORT },
    'ecs-chatops is running',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
