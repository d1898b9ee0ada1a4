import { WebClient } from '@slack/web-api';
import { systemClock } from '../clock';
import { createAwsAccess } from '../aws/access';
import { type Config } from '../config/schema';
import { VERBS } from '../verbs';
import { type Logger } from '../logger';
import { type WorkerDeps } from '../worker/run-job';
import { type Env } from './env';
import { stateStore } from './state-store';

/**
 * What the worker runs with, from the environment: the worker Lambda and `npm start` (Slack mode)
 * build it the same way. AWS endpoints and credentials come from the SDK's own variables.
 */
export function workerDepsFromEnv(env: Env, config: Config, logger: Logger): WorkerDeps {
  return {
    config,
    logger,
    clock: systemClock,
    aws: createAwsAccess({ config, clock: systemClock, logger }),
    verbs: VERBS,
    timing: {
      followUpPollMs: env.CHATOPS_FOLLOW_UP_POLL_MS,
      followUpTimeoutMs: env.CHATOPS_FOLLOW_UP_TIMEOUT_MS,
      followUpSteadyMs: env.CHATOPS_FOLLOW_UP_STEADY_MS,
    },
    // Approval requests: the state table, and the bot's own messages (posted, then edited as steps run).
    ...(env.STATE_TABLE ? { state: stateStore(env.STATE_TABLE) } : {}),
    ...(env.SLACK_BOT_TOKEN
      ? {
          slack: new WebClient(env.SLACK_BOT_TOKEN, {
            ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
            retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
          }),
        }
      : {}),
  };
}
