import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { systemClock } from '../clock';
import { createAwsAccess } from '../aws/access';
import { VERBS } from '../handlers';
import { runJob, type WorkerDeps } from '../worker/run-job';
import { readEnv, required, type Env } from './env';
import { withSecrets } from './secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WebClient } from '@slack/web-api';
import { StateStore } from '../state/table';

let deps: WorkerDeps | undefined;
let token: Promise<Env> | undefined;

/** Built once per cold start; env is read here and nowhere deeper. Exported for the cold-start bench. */
export function init(env: Env = readEnv(process.env)): WorkerDeps {
  if (deps) return deps;
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ecs-chatops-worker' });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  deps = {
    config,
    logger,
    clock: systemClock,
    aws: createAwsAccess({ config, clock: systemClock, logger }),
    verbs: VERBS,
    timing: { followUpPollMs: env.CHATOPS_FOLLOW_UP_POLL_MS, followUpTimeoutMs: env.CHATOPS_FOLLOW_UP_TIMEOUT_MS },
    // Approval requests: the state table, and the bot's own messages (posted, then edited as steps run).
    ...(env.STATE_TABLE ? { state: new StateStore({ client: new DynamoDBClient({}), tableName: env.STATE_TABLE }) } : {}),
    ...(env.SLACK_BOT_TOKEN
      ? { slack: new WebClient(env.SLACK_BOT_TOKEN, { ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}), retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 } }) }
      : {}),
  };
  return deps;
}

/** The worker function: one job per invocation (async invoke from the Slack function). */
export async function handler(event: unknown): Promise<void> {
  // The bot token (SSM / Secrets Manager when deployed) is read once per cold start; a failed read is retried next time.
  token ??= withSecrets(readEnv(process.env), ['SLACK_BOT_TOKEN']).catch((err: unknown) => {
    token = undefined;
    throw err;
  });
  await runJob(event, init(await token));
}
