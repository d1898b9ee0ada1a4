import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { runJob, type WorkerDeps } from '../worker/run-job';
import { oncePerColdStart } from './cold-start';
import { readEnv, required } from './env';
import { withSecrets } from './secrets';
import { workerDepsFromEnv } from './worker-deps';

/**
 * Reads env, the bot token (SSM / Secrets Manager when deployed) and config, and builds the
 * worker's dependencies: once per cold start; env is read here and nowhere deeper. Exported for
 * the cold-start bench.
 */
export const init: () => Promise<WorkerDeps> = oncePerColdStart(async () => {
  const env = await withSecrets(readEnv(process.env), ['SLACK_BOT_TOKEN']);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ecs-chatops-worker' });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  return workerDepsFromEnv(env, config, logger);
});

/**
 * The worker function: one job per invocation (async invoke from the Slack function). The Lambda
 * context's remaining time lets a long approved run (a teardown) stop cleanly before the timeout.
 */
export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<void> {
  const deps = await init();
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  await runJob(event, remaining ? { ...deps, remainingTimeMs: remaining } : deps);
}
