/**
 * The events function (bundled to dist/events.js): ECS events from EventBridge, and the
 * scheduled tick that sweeps trailing message edits. Reads the environment once per cold start.
 * Keep imports light: no ECS/EC2/ECR clients belong in this bundle.
 */
import { systemClock } from '../clock';
import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { createEventsHandler, type EventsHandler } from '../notifications/pipeline';
import { MEMORY_BEFORE_MS } from '../notifications/publish';
import { createMemoryReader } from '../aws/metrics';
import { stateStore } from './state-store';
import { sweepExpiredApprovals } from '../approvals/sweep';
import { handleDeploymentEvent } from '../notifications/deployments/events';
import { watchByJob } from '../notifications/deployments/watch-job';
import { createLambdaDispatcher } from '../jobs/dispatch';
import { createLambdaInvoker } from '../jobs/lambda-invoker';
import { readEnv, required } from './env';
import { withSecrets } from './secrets';
import { oncePerColdStart } from './cold-start';
import { botWebClient } from '../slack/web-client';

export async function handler(event: unknown): Promise<unknown> {
  return (await init())(event);
}

/** Builds the handler once per cold start. Exported for the cold-start bench. */
export const init: () => Promise<EventsHandler> = oncePerColdStart(async () => {
  // The bot token comes from SLACK_BOT_TOKEN, or from SSM / Secrets Manager via SLACK_BOT_TOKEN_PARAM (secrets.ts).
  const env = await withSecrets(readEnv(process.env), ['SLACK_BOT_TOKEN']);
  const logger = createLogger({ name: 'events', level: env.LOG_LEVEL });
  const configPath = required(env, 'CHATOPS_CONFIG', 'it names the YAML config file');
  const tableName = required(env, 'STATE_TABLE', 'it names the DynamoDB state table');
  const token = required(env, 'SLACK_BOT_TOKEN', 'the bot posts notifications with it (or set SLACK_BOT_TOKEN_PARAM)');
  const config = loadConfigFile(configPath);
  // The SDK reads AWS_REGION / AWS_ENDPOINT_URL(_DYNAMODB) itself.
  const state = stateStore(tableName);
  // A 429 waits and retries (src/slack/web-client.ts); what is still unsent, the next sweep sends.
  const slack = botWebClient(token, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {});
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
    // An OOM kill's message shows the service's memory before it: STS and CloudWatch only, with
    // the cluster's read role (the SDK reads AWS_REGION / AWS_ENDPOINT_URL itself).
    memoryBefore: createMemoryReader({ config, clock: systemClock, logger, windowMs: MEMORY_BEFORE_MS }),
    // The same tick expires approval requests nobody decided on and takes their buttons away.
    onTick: () => sweepExpiredApprovals({ state, slack, clock: systemClock, logger }),
    // Deployment State Change events keep the live deployment messages up to date (no AWS call here);
    // a deployment started outside Slack is handed to the worker to follow (WORKER_FUNCTION).
    onDeploymentEvent: (event) =>
      handleDeploymentEvent({ config, state, slack, clock: systemClock, logger, ...(watch ? { watch } : {}) }, event),
  });
});
