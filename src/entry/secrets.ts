import { ConfigError } from '../errors';
import { type Env } from './env';

/**
 * The Slack secrets of the Lambda functions. Locally they are plain variables
 * (`SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`); deployed, `SLACK_SIGNING_SECRET_PARAM` and
 * `SLACK_BOT_TOKEN_PARAM` name where they are stored, and they are read once per cold start
 * (the entries keep the result for every warm invocation after it). A plain variable wins
 * over its `_PARAM`, so a local run never needs AWS.
 *
 * A `_PARAM` value is one of:
 * - `/ecs-chatops/prod/slack-bot-token`, `ssm:/ecs-chatops/prod/slack-bot-token` or an SSM
 *   parameter ARN: SSM Parameter Store, a SecureString read with decryption;
 * - `secretsmanager:ecs-chatops/prod/slack` or a Secrets Manager secret ARN;
 * and may end in `#key` to take one key of a JSON value (`secretsmanager:ecs-chatops/prod/slack#botToken`),
 * so one secret can hold both.
 *
 * The AWS clients come from Powertools parameters and are loaded only when a `_PARAM` is used:
 * a bundle pays nothing for them at start-up otherwise. They read AWS_REGION and
 * AWS_ENDPOINT_URL(_SSM / _SECRETS_MANAGER) like every other client.
 */
export type SecretRef = { store: 'ssm' | 'secretsmanager'; id: string; key?: string };

/** Reads one stored secret as text; injected in tests, Powertools parameters by default. */
export type SecretReader = (ref: SecretRef) => Promise<string | undefined>;

/** Each secret and the variable that names where it is stored. */
const SECRETS = [
  { plain: 'SLACK_SIGNING_SECRET', param: 'SLACK_SIGNING_SECRET_PARAM' },
  { plain: 'SLACK_BOT_TOKEN', param: 'SLACK_BOT_TOKEN_PARAM' },
] as const;

export type SecretName = (typeof SECRETS)[number]['plain'];

/**
 * The env with each wanted secret filled in from its `_PARAM` when the plain variable is not set.
 * Throws ConfigError naming the variable and the parameter (never the value) when one cannot be read.
 */
export async function withSecrets(
  env: Env,
  wanted: readonly SecretName[],
  options: { read?: SecretReader } = {},
): Promise<Env> {
  const read = options.read ?? readWithPowertools;
  const filled = await Promise.all(
    SECRETS.filter((s) => wanted.includes(s.plain) && env[s.plain] === undefined && env[s.param] !== undefined).map(
      async (s) => {
        const where = env[s.param]!;
        const ref = parseSecretRef(where);
        let value: string | undefined;
        try {
          value = pick(await read(ref), ref);
        } catch (err) {
          const root = rootCause(err);
          throw new ConfigError(`cannot read ${s.plain} from ${where} (${s.param}): ${root.name}: ${root.message}`, {
            cause: err,
          });
        }
        if (!value)
          throw new ConfigError(
            `${s.plain} from ${where} (${s.param}) is empty${ref.key ? ` or has no key "${ref.key}"` : ''}`,
          );
        return [s.plain, value] as const;
      },
    ),
  );
  return { ...env, ...Object.fromEntries(filled) };
}

export function parseSecretRef(value: string): SecretRef {
  const hash = value.lastIndexOf('#');
  const [where, key] = hash > 0 ? [value.slice(0, hash), value.slice(hash + 1)] : [value, undefined];
  const withKey = (ref: SecretRef): SecretRef => (key ? { ...ref, key } : ref);
  if (where.startsWith('arn:')) {
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:…
    const service = where.split(':')[2];
    if (service === 'ssm' || service === 'secretsmanager') return withKey({ store: service, id: where });
    throw new ConfigError(`${value} is neither an SSM parameter nor a Secrets Manager secret ARN`);
  }
  if (where.startsWith('secretsmanager:'))
    return withKey({ store: 'secretsmanager', id: where.slice('secretsmanager:'.length) });
  if (where.startsWith('ssm:')) return withKey({ store: 'ssm', id: where.slice('ssm:'.length) });
  return withKey({ store: 'ssm', id: where });
}

function pick(text: string | undefined, ref: SecretRef): string | undefined {
  if (text === undefined || !ref.key) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`the value is not JSON, so it has no key "${ref.key}"`);
  }
  const value = (parsed as Record<string, unknown> | null)?.[ref.key];
  return typeof value === 'string' ? value : undefined;
}

/** Powertools wraps the SDK's error (ParameterNotFound, AccessDeniedException…); that one says what to fix. */
function rootCause(err: unknown): Error {
  let current = err instanceof Error ? err : new Error(String(err));
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

async function readWithPowertools(ref: SecretRef): Promise<string | undefined> {
  if (ref.store === 'ssm') {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
    return getParameter(ref.id, { decrypt: true });
  }
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(ref.id);
  if (value instanceof Uint8Array) throw new ConfigError('the secret is binary; store it as a SecretString');
  return value;
}
