import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { handler } from '../../src/entry/events-lambda';
import { startSlackStandin, type SlackStandin } from '../../src/slack/standin/server';
import { startDynalite, type LocalStateTable } from '../../testbed/dynalite';
import { fixture, WEB_CHANNEL } from '../../testbed/events';

describe('the events Lambda entry point', () => {
  let table: LocalStateTable;
  let slack: SlackStandin;
  const saved = { ...process.env };

  beforeAll(async () => {
    table = await startDynalite({ tableName: 'chatops-state-entry' });
    slack = await startSlackStandin();
    const dir = mkdtempSync(join(tmpdir(), 'events-lambda-'));
    const configPath = join(dir, 'chatops.yaml');
    writeFileSync(
      configPath,
      stringify({
        clusters: {
          prod: {
            name: 'prod',
            region: 'us-east-1',
            roles: { read: 'arn:aws:iam::111111111111:role/chatops-prod-read' },
            notify: { channel: 'C0PRODALERTS', services: { web: { channel: WEB_CHANNEL } } },
          },
        },
      }),
    );
    // What serverless.yml and the Lambda runtime provide.
    Object.assign(process.env, {
      CHATOPS_CONFIG: configPath,
      STATE_TABLE: table.tableName,
      SLACK_BOT_TOKEN: 'xoxb-entry-test',
      SLACK_API_URL: slack.apiUrl,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await slack.stop();
    await table.stop();
  });

  it('builds its dependencies from the environment and turns an EventBridge event into a Slack message', async () => {
    const event = fixture('task-stopped-essential-container-exited');

    const first = await handler(event);
    const again = await handler(event);

    expect(first).toMatchObject({ outcome: 'counted', count: 1 });
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(slack.messages(WEB_CHANNEL).map((m) => m.text)).toEqual([
      'web: task stopped — essential container exited, exit 137',
    ]);
    expect(slack.calls[0]?.token).toBe('xoxb-entry-test');
  });

  it('skips a malformed event instead of throwing it back to Lambda for retries', async () => {
    await expect(handler({ 'detail-type': 'ECS Task State Change', source: 'aws.ecs' })).resolves.toMatchObject({
      outcome: 'malformed',
    });
  });
});
