import { loadConfigFile } from '../config/load';
import { createLogger } from '../logger';
import { systemClock } from '../clock';
import { createAwsAccess } from '../aws/access';
import { VERBS } from '../handlers';
import { runJob, type WorkerDeps } from '../worker/run-job';
import { readEnv, required } from './env';

let deps: WorkerDeps | undefined;

/** Built once per cold start; env is read here and nowhere deeper. Exported for the cold-start bench. */
export function init(): WorkerDeps {
  if (deps) return deps;
  const env = readEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ecs-chatops-worker' });
  const config = loadConfigFile(required(env, 'CHATOPS_CONFIG', 'it names the YAML config file'));
  deps = {
    config,
    logger,
    clock: systemClock,
    aws: createAwsAccess({ config, clock: systemClock, logger }),
    verbs: VERBS,
    timing: { followUpPollMs: env.CHATOPS_FOLLOW_UP_POLL_MS, followUpTimeoutMs: env.CHATOPS_FOLLOW_UP_TIMEOUT_MS },
  };
  return deps;
}

/** The worker function: one job per invocation (async invoke from the Slack function). */
export async function handler(event: unknown): Promise<void> {
  await runJob(event, init());
}
