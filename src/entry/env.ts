import { z } from 'zod';
import { ConfigError } from '../errors';
import { formatIssues } from '../config/load';
import { DEPLOYED_COMMAND_TIMING } from '../wiring/command-timing';

/**
 * Every environment variable the bot reads, in one place (README § Configuration lists them).
 * AWS endpoints and credentials are read by the AWS SDK itself (AWS_REGION, AWS_ENDPOINT_URL, …).
 */
export const Env = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Where the signing secret / bot token are stored when not set above (SSM or Secrets Manager; see secrets.ts). */
  SLACK_SIGNING_SECRET_PARAM: z.string().min(1).optional(),
  SLACK_BOT_TOKEN_PARAM: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: z.string().url().optional(),
  CHATOPS_CONFIG: z.string().min(1).optional(),
  STATE_TABLE: z.string().min(1).optional(),
  WORKER_FUNCTION: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHATOPS_FOLLOW_UP_POLL_MS: z.coerce.number().int().min(10).default(DEPLOYED_COMMAND_TIMING.followUpPollMs),
  CHATOPS_FOLLOW_UP_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEPLOYED_COMMAND_TIMING.followUpTimeoutMs),
  CHATOPS_FOLLOW_UP_STEADY_MS: z.coerce.number().int().min(0).default(DEPLOYED_COMMAND_TIMING.followUpSteadyMs),
});
export type Env = z.infer<typeof Env>;

export function readEnv(source: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = Env.safeParse(cleaned);
  if (!result.success) throw new ConfigError(`environment is not valid:\n${formatIssues(result.error)}`);
  return result.data;
}

export function required<K extends keyof Env>(env: Env, key: K, why: string): NonNullable<Env[K]> {
  const value = env[key];
  if (value === undefined || value === null) throw new ConfigError(`${String(key)} is not set: ${why}`);
  return value as NonNullable<Env[K]>;
}
