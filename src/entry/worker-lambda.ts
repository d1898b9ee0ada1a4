import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { runJob, type WorkerDeps } from '../worker/run-job';
import { readEnv, required, type Env } from './env';
import { withSecrets } from './secrets';
import { workerDepsFromEnv } from './worker-deps';

let deps: WorkerDeps | undefined;
let token: Promise<Env> | undefined;

/** Built once per cold start; env is read here and nowhere deeper. Exported for the cold-start bench. */
export function init(env: Env = readEnv(process.env)): WorkerDeps {
  if (deps) return deps;
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ecs-chatops-worker' });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  deps = workerDepsFromEnv(env, config, logger);
  return deps;
}

/**
 * The worker function: one job per invocation (async invoke from the Slack function). The Lambda
 * context's remaining time lets a long approved run (a teardown) stop cleanly before the timeout.
 */
export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<void> {
  // The bot token (SSM / Secrets Manager when deployed) is read once per cold start; a failed read is retried next time.
  token ??= withSecrets(readEnv(process.env), ['SLACK_BOT_TOKEN']).catch((err: unknown) => {
    token = undefined;
    throw err;
  });
  const deps = init(await token);
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  await runJob(event, remaining ? { ...deps, remainingTimeMs: remaining } : deps);
}
