import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { readEnv } from '../../src/entry/env';
import { parseSecretRef, withSecrets } from '../../src/entry/secrets';
import { startSlackStandin, type SlackStandin } from '../../src/slack/standin/server';
import { USERGROUPS, USERS, writeConfigFile } from '../../testbed/config';
import { apiGatewayEvent, slashCommandBody } from '../../testbed/slack-requests';
import { startSecretStores, type SecretStores } from '../../testbed/secret-stores';

const SIGNING_SECRET = 'signing-secret-from-ssm-0123456789';
const BOT_TOKEN = 'xoxb-token-from-secrets-manager';

/** The SDK's standard variables, pointed at the loopback stores; no other AWS is reachable. */
function awsEnv(stores: SecretStores): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIASECRETSTEST00001',
    AWS_SECRET_ACCESS_KEY: 'secrets-test-key',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ENDPOINT_URL_SSM: stores.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stores.url,
  };
}

describe('Slack secrets from SSM Parameter Store and Secrets Manager', () => {
  let stores: SecretStores;
  const saved = { ...process.env };

  beforeAll(async () => {
    stores = await startSecretStores({
      parameters: {
        '/ecs-chatops/test/slack-signing-secret': SIGNING_SECRET,
        '/ecs-chatops/test/slack-bot-token': 'xoxb-token-from-ssm',
      },
      secrets: { 'ecs-chatops/test/slack': JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN }) },
    });
    Object.assign(process.env, awsEnv(stores));
  });

  afterAll(async () => {
    process.env = saved;
    await stores?.stop();
  });

  it('a SecureString parameter is read with decryption', async () => {
    // Prepare
    const env = readEnv({ SLACK_SIGNING_SECRET_PARAM: '/ecs-chatops/test/slack-signing-secret' });

    // Act
    const filled = await withSecrets(env, ['SLACK_SIGNING_SECRET']);

    // Assess
    expect(filled.SLACK_SIGNING_SECRET).toBe(SIGNING_SECRET);
    expect(stores.calls.at(-1)).toEqual({
      target: 'AmazonSSM.GetParameter',
      params: { Name: '/ecs-chatops/test/slack-signing-secret', WithDecryption: true },
    });
  });

  it('one JSON secret in Secrets Manager can hold both, picked by #key', async () => {
    const env = readEnv({
      SLACK_SIGNING_SECRET_PARAM: 'secretsmanager:ecs-chatops/test/slack#signingSecret',
      SLACK_BOT_TOKEN_PARAM: 'secretsmanager:ecs-chatops/test/slack#botToken',
    });

    const filled = await withSecrets(env, ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);

    expect(filled.SLACK_SIGNING_SECRET).toBe(SIGNING_SECRET);
    expect(filled.SLACK_BOT_TOKEN).toBe(BOT_TOKEN);
  });

  it('a plain variable wins over its parameter, so a local run makes no AWS call', async () => {
    const before = stores.calls.length;
    const env = readEnv({ SLACK_BOT_TOKEN: 'xoxb-local', SLACK_BOT_TOKEN_PARAM: '/ecs-chatops/test/slack-bot-token' });

    const filled = await withSecrets(env, ['SLACK_BOT_TOKEN']);

    expect(filled.SLACK_BOT_TOKEN).toBe('xoxb-local');
    expect(stores.calls.length).toBe(before);
  });

  it('a missing parameter is a start-up error naming the variable and the parameter, never a value', async () => {
    const env = readEnv({
      SLACK_BOT_TOKEN_PARAM: '/ecs-chatops/test/no-such-parameter',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    });

    const failure = withSecrets(env, ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);

    await expect(failure).rejects.toThrow(
      /SLACK_BOT_TOKEN from \/ecs-chatops\/test\/no-such-parameter \(SLACK_BOT_TOKEN_PARAM\).*ParameterNotFound/,
    );
    await expect(failure).rejects.not.toThrow(SIGNING_SECRET);
  });

  it('a JSON secret without the asked key is an error that says which key', async () => {
    const env = readEnv({ SLACK_BOT_TOKEN_PARAM: 'secretsmanager:ecs-chatops/test/slack#appToken' });

    await expect(withSecrets(env, ['SLACK_BOT_TOKEN'])).rejects.toThrow(/has no key "appToken"/);
  });

  it('parameter names, ARNs and store prefixes all say where a secret lives', () => {
    expect(parseSecretRef('/ecs-chatops/prod/slack-bot-token')).toEqual({
      store: 'ssm',
      id: '/ecs-chatops/prod/slack-bot-token',
    });
    expect(parseSecretRef('ssm:/a/b#k')).toEqual({ store: 'ssm', id: '/a/b', key: 'k' });
    expect(parseSecretRef('arn:aws:ssm:eu-west-1:123456789012:parameter/a/b')).toEqual({
      store: 'ssm',
      id: 'arn:aws:ssm:eu-west-1:123456789012:parameter/a/b',
    });
    expect(parseSecretRef('arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf#botToken')).toEqual({
      store: 'secretsmanager',
      id: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf',
      key: 'botToken',
    });
    expect(() => parseSecretRef('arn:aws:s3:::bucket/key')).toThrow(
      /neither an SSM parameter nor a Secrets Manager secret/,
    );
  });
});

/**
 * The built Slack function as it is deployed: no secret in its environment, only where to find
 * them. A request signed with the secret from SSM is answered; the bot token from Secrets Manager
 * is the one Slack sees.
 */
describe('dist/slack.js with its secrets in SSM and Secrets Manager', () => {
  let stores: SecretStores;
  let slack: SlackStandin;
  const saved = { ...process.env };

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../dist/slack.js')))
      throw new Error('dist/slack.js is missing: run `npm run build` first (npm test does)');
    stores = await startSecretStores({
      parameters: { '/ecs-chatops/bundle/slack-signing-secret': SIGNING_SECRET },
      secrets: { 'ecs-chatops/bundle/slack': JSON.stringify({ botToken: BOT_TOKEN }) },
    });
    slack = await startSlackStandin({ usergroups: USERGROUPS });
    for (const key of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'WORKER_FUNCTION']) delete process.env[key];
    Object.assign(process.env, awsEnv(stores), {
      SLACK_SIGNING_SECRET_PARAM: '/ecs-chatops/bundle/slack-signing-secret',
      SLACK_BOT_TOKEN_PARAM: 'secretsmanager:ecs-chatops/bundle/slack#botToken',
      SLACK_API_URL: slack.apiUrl,
      CHATOPS_CONFIG: writeConfigFile(),
      LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([stores?.stop(), slack?.stop()]);
  });

  it('a request signed with the stored signing secret is answered, with the stored bot token, after one read of each', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle, loaded as Lambda loads it
    const { handler } = require(join(__dirname, '../../dist/slack.js')) as {
      handler: (event: unknown, context: Context) => Promise<{ statusCode: number; body: string }>;
    };
    const body = (text: string) => slashCommandBody({ text, userId: USERS.alice, responseUrl: slack.responseUrl() });

    const forged = await handler(apiGatewayEvent(body('whoami'), { secret: 'not-the-stored-secret' }), {} as Context);
    const first = await handler(apiGatewayEvent(body('whoami'), { secret: SIGNING_SECRET }), {} as Context);
    const second = await handler(apiGatewayEvent(body('whoami'), { secret: SIGNING_SECRET }), {} as Context);

    expect(forged.statusCode).toBe(401);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(first.body).toMatch(/operate/);
    const tokens = new Set(slack.calls.filter((c) => c.method === 'usergroups.users.list').map((c) => c.token));
    expect([...tokens]).toEqual([BOT_TOKEN]);
    // Read once per cold start, kept for every request after it.
    expect(stores.calls.map((c) => c.target).sort()).toEqual([
      'AmazonSSM.GetParameter',
      'secretsmanager.GetSecretValue',
    ]);
  });
});
