import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadConfigFile } from '../config/load';
import { createLogger, type Logger } from '../logger';
import { systemClock } from '../clock';
import { createInProcessDispatcher, createLambdaDispatcher, type JobDispatcher } from '../jobs/dispatch';
import { type Job } from '../jobs/job';
import { createLambdaInvoker } from '../jobs/lambda-invoker';
import { type SlackLambdaHandler } from '../slack/replay-window';
import { slackLambdaApp } from '../wiring/slack-app';
import { oncePerColdStart } from './cold-start';
import { readEnv, required, type Env } from './env';
import { withSecrets } from './secrets';
import { stateStore } from './state-store';

type LambdaHandler = SlackLambdaHandler;

/** Reads env, secrets (SSM / Secrets Manager when deployed) and config and builds the app: once per cold start. Exported for the cold-start bench. */
export const init: () => Promise<LambdaHandler> = oncePerColdStart(async () => {
  const env = await withSecrets(readEnv(process.env), ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ecs-chatops-slack' });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  return slackLambdaApp({
    signingSecret: required(env, 'SLACK_SIGNING_SECRET', 'Slack requests are verified with it'),
    config,
    logger,
    clock: systemClock,
    dispatcher: dispatcher(env, logger),
    botToken: required(env, 'SLACK_BOT_TOKEN', 'the bot reads user groups with it'),
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // Approval buttons read and decide requests here (the SDK reads AWS_REGION / AWS_ENDPOINT_URL_DYNAMODB).
    ...(env.STATE_TABLE ? { state: stateStore(env.STATE_TABLE) } : {}),
  }).handler;
});

/**
 * With WORKER_FUNCTION set, jobs go to the worker Lambda by async invoke. Without it they run in
 * this process through the worker bundle beside this one (dist/worker.js), loaded only then, so
 * this bundle itself carries no ECS client. That mode is for local use and tests: on Lambda the
 * process freezes after the response.
 */
function dispatcher(env: Env, logger: Logger): JobDispatcher {
  if (env.WORKER_FUNCTION) {
    return createLambdaDispatcher({ functionName: env.WORKER_FUNCTION, invoker: createLambdaInvoker(), logger });
  }
  const load = createRequire(__filename);
  let worker: { handler: (job: Job) => Promise<void> } | undefined;
  return createInProcessDispatcher(async (job) => {
    worker ??= load(join(__dirname, 'worker.js')) as { handler: (job: Job) => Promise<void> };
    await worker.handler(job);
  }, logger);
}

/** The Slack function: API Gateway HTTP API → Bolt (signature check, ack within 3 s). */
export async function handler(
  event: Parameters<LambdaHandler>[0],
  context: Parameters<LambdaHandler>[1],
): ReturnType<LambdaHandler> {
  return (await init())(event, context);
}
