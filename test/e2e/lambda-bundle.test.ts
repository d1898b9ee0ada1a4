import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { startSlackStandin, type SlackStandin } from '../../src/slack/standin/server';
import { testAccount, roleArn } from '../../testbed/accounts';
import { USERGROUPS, USERS, writeConfigFile } from '../../testbed/config';
import { apiGatewayEvent, sign, slashCommandBody, TEST_SIGNING_SECRET } from '../../testbed/slack-requests';
import { waitFor } from '../../testbed/wait';
import { startDynalite, type LocalStateTable } from '../../testbed/dynalite';

const DIST = join(__dirname, '../../dist');

/**
 * The built bundles, as Lambda runs them: an API Gateway HTTP API event with a correctly signed
 * slash command into dist/slack.js's handler; with WORKER_FUNCTION unset the job runs through
 * dist/worker.js in the same process.
 */
describe('dist/slack.js and dist/worker.js', () => {
  let sandbox: Sandbox;
  let slack: SlackStandin;
  let table: LocalStateTable;
  const saved = { ...process.env };

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'slack.js')))
      throw new Error('dist/slack.js is missing: run `npm run build` first (npm test does)');
    sandbox = await startSandbox({ account: testAccount(), timings: { taskStartMs: 0, taskStopMs: 0 } });
    slack = await startSlackStandin({ usergroups: USERGROUPS });
    table = await startDynalite();
    Object.assign(process.env, {
      STATE_TABLE: table.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-bundle-test',
      SLACK_API_URL: slack.apiUrl,
      CHATOPS_CONFIG: writeConfigFile(),
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_ACCESS_KEY_ID: 'AKIABUNDLETEST000001',
      AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      LOG_LEVEL: 'silent',
      CHATOPS_FOLLOW_UP_POLL_MS: '50',
      CHATOPS_FOLLOW_UP_STEADY_MS: '200',
    });
    delete process.env.WORKER_FUNCTION;
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([sandbox?.stop(), slack?.stop(), table?.stop()]);
  });

  it('a signed /ecs scale web 2 gets 200, scales web to 2 with the operate role of prod, and replies on the response_url', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle, loaded as Lambda loads it
    const { handler } = require(join(DIST, 'slack.js')) as {
      handler: (event: unknown, context: Context) => Promise<{ statusCode: number; body: string }>;
    };
    const responseUrl = slack.responseUrl('bundle');
    const body = slashCommandBody({ text: 'scale web 2', userId: USERS.alice, responseUrl });
    const res = await handler(apiGatewayEvent(body), {} as Context);
    expect(res.statusCode).toBe(200);

    const replies = await waitFor(() => {
      const r = slack.callsTo('response_url').filter((c) => c.responseId === 'bundle');
      return r.length >= 2 ? r : undefined;
    }, 'the scale reply and its follow-up');
    expect(replies[0]!.args.text).toBe('web in prod: desired 1 → 2');
    expect(replies[1]!.args.text).toBe('web in prod: 2/2 running');

    const update = sandbox.callsTo('ecs:UpdateService')[0]!;
    expect(update.params).toMatchObject({ cluster: 'prod', service: 'web', desiredCount: 2 });
    const assume = sandbox.callsTo('sts:AssumeRole')[0]!;
    expect(assume.params).toMatchObject({ RoleArn: roleArn('prod', 'operate'), SourceIdentity: USERS.alice });
    expect(update.principal).toMatchObject({
      kind: 'assumed',
      roleArn: roleArn('prod', 'operate'),
      sourceIdentity: USERS.alice,
    });
  });

  it('a bad signature gets 401 from the bundle and no AWS call', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle
    const { handler } = require(join(DIST, 'slack.js')) as {
      handler: (event: unknown, context: Context) => Promise<{ statusCode: number }>;
    };
    const before = sandbox.calls.length;
    const body = slashCommandBody({ text: 'scale web 3', responseUrl: slack.responseUrl() });
    const res = await handler(apiGatewayEvent(body, { secret: 'wrong' }), {} as Context);
    expect(res.statusCode).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect(
      (await handler(apiGatewayEvent(body, { timestamp: future, signature: sign(body, future) }), {} as Context))
        .statusCode,
    ).toBe(401);
    expect(sandbox.calls.length).toBe(before);
  });

  it('a signed request sent twice byte for byte scales once: the bundle derives the job id from the signature', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle
    const { handler } = require(join(DIST, 'slack.js')) as {
      handler: (event: unknown, context: Context) => Promise<{ statusCode: number }>;
    };
    const responseUrl = slack.responseUrl('replayed');
    const event = apiGatewayEvent(slashCommandBody({ text: 'scale api 4', userId: USERS.alice, responseUrl }));
    expect((await handler(event, {} as Context)).statusCode).toBe(200);
    await waitFor(
      () => sandbox.callsTo('ecs:UpdateService').find((c) => c.params.service === 'api'),
      'the first scale',
    );
    await waitFor(
      () => slack.callsTo('response_url').filter((c) => c.responseId === 'replayed').length >= 2 || undefined,
      'the reply and its follow-up',
    );
    expect((await handler(structuredClone(event), {} as Context)).statusCode).toBe(200);
    // The replay's job runs in this process after the ack; give it time to do what it would do.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(sandbox.callsTo('ecs:UpdateService').filter((c) => c.params.service === 'api')).toHaveLength(1);
  });
});
