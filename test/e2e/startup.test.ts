import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { writeConfigFile, testConfigYaml } from '../../testbed/config';
import { TEST_SIGNING_SECRET } from '../../testbed/slack-requests';

/** The built Slack function with a broken config: it must not start, and must say which key is wrong. */
describe('dist/slack.js with a malformed config', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('fails at start-up with the path of the bad key and what was expected', async () => {
    Object.assign(process.env, {
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-startup-test',
      CHATOPS_CONFIG: writeConfigFile(testConfigYaml().replace('access: { prod: read }', 'access: { prod: reed }')),
      LOG_LEVEL: 'silent',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle, loaded as Lambda loads it
    const { handler } = require(join(__dirname, '../../dist/slack.js')) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    await expect(handler({}, {} as Context)).rejects.toThrow(
      /teams\.readers\.access\.prod: Invalid option: expected one of "read"\|"operate"\|"admin"/,
    );
  });
});
