/**
 * The events function (bundled to dist/events.js): ECS events from EventBridge, and the
 * scheduled tick that sweeps trailing message edits. Reads the environment once per cold start.
 * Keep imports light: no ECS/EC2/ECR clients belong in this bundle.
 */
import { WebClient } from '@slack/web-api';
import { systemClock } from '../clock';
import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { createEventsHandler, type EventsHandler } from '../notifications/pipeline';
import { stateStore } from './state-store';
import { sweepExpiredApprovals } from '../approvals/sweep';
import { handleDeploymentEvent } from '../deployments/events';
import { watchByJob } from '../deployments/watch-job';
import { createLambdaDispatcher } from '../jobs/dispatch';
import { createLambdaInvoker } from '../jobs/lambda-invoker';
import { readEnv, required } from './env';
import { withSecrets } from './secrets';

let built: Promise<EventsHandler> | undefined;

export async function handler(event: unknown): Promise<unknown> {
  return (await init())(event);
}

/** Builds the handler once per cold start (a failed start is tried again next time). Exported for the cold-start bench. */
export function init(): Promise<EventsHandler> {
  built ??= build().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}

async function build(): Promise<EventsHandler> {
  // The bot token comes from SLACK_BOT_TOKEN, or from SSM / Secrets Manager via SLACK_BOT_TOKEN_PARAM (secrets.ts).
  const env = await withSecrets(readEnv(process.env), ['SLACK_BOT_TOKEN']);
  const logger = createLogger({ name: 'events', level: env.LOG_LEVEL });
  const configPath = required(env, 'CHATOPS_CONFIG', 'it names the YAML config file');
  const tableName = required(env, 'STATE_TABLE', 'it names the DynamoDB state table');
  const token = required(env, 'SLACK_BOT_TOKEN', 'the bot posts notifications with it (or set SLACK_BOT_TOKEN_PARAM)');
  const config = loadConfigFile(configPath);
  // The SDK reads AWS_REGION / AWS_ENDPOINT_URL(_DYNAMODB) itself.
  const state = stateStore(tableName);
  const slack = new WebClient(token, {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    // A 429 waits for Retry-After and tries again; a few retries fit in a Lambda's time, and
    // anything still unsent is picked up by the next sweep from the state table.
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
  });
  const worker = env.WORKER_FUNCTION
    ? createLambdaDispatcher({ functionName: env.WORKER_FUNCTION, invoker: createLambdaInvoker(), logger })
    : undefined;
  const watch = worker ? watchByJob((job) => worker.dispatch(job), systemClock) : undefined;
  return createEventsHandler({
    config,
    logger,
    clock: systemClock,
    state,
    slack,
    // The same tick expires approval requests nobody decided on and takes their buttons away.
    onTick: () => sweepExpiredApprovals({ state, slack, clock: systemClock, logger }),
    // Deployment State Change events keep the live deployment messages up to date (no AWS call here);
    // a deployment started outside Slack is handed to the worker to follow (WORKER_FUNCTION).
    onDeploymentEvent: (event) =>
      handleDeploymentEvent({ config, state, slack, clock: systemClock, logger, ...(watch ? { watch } : {}) }, event),
  });
}
