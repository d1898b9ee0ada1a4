import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { systemClock } from '../clock';
import { botWebClient } from '../slack/web-client';
import { type WorkerDeps } from '../worker/run-job';
import { buildWorkerDeps } from '../wiring/worker-deps';
import { type Env } from './env';
import { stateStore } from './state-store';

/**
 * What the worker runs with, from the environment: the worker Lambda and `npm start` (Slack mode)
 * build it the same way. AWS endpoints and credentials come from the SDK's own variables.
 */
export function workerDepsFromEnv(env: Env, config: Config, logger: Logger): WorkerDeps {
  return buildWorkerDeps({
    config,
    logger,
    clock: systemClock,
    timing: {
      followUpPollMs: env.CHATOPS_FOLLOW_UP_POLL_MS,
      followUpTimeoutMs: env.CHATOPS_FOLLOW_UP_TIMEOUT_MS,
      followUpSteadyMs: env.CHATOPS_FOLLOW_UP_STEADY_MS,
    },
    // Approval requests: the state table, and the bot's own messages (posted, then edited as steps run).
    ...(env.STATE_TABLE ? { state: stateStore(env.STATE_TABLE) } : {}),
    ...(env.SLACK_BOT_TOKEN
      ? { slack: botWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) }
      : {}),
  });
}
