import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { apiGatewayEvent, slashCommandBody } from '../../testbed/slack-requests';

/** docs/targets.md: secrets never reach the logs. A response URL lets anyone post into the channel for 30 minutes. */
describe('the raw request never reaches the logs, even at debug level', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it.each([
    ['as API Gateway passes a form body, percent-encoded', false],
    ['as API Gateway passes it base64-encoded', true],
  ])('a slash command’s response URL is nowhere in the logs (%s)', async (_how, base64) => {
    const responseUrl = h.slack.responseUrl('secret-response-id');
    const body = slashCommandBody({ text: 'services', userId: USERS.alice, channelId: CHANNELS.web, responseUrl });

    const res = await h.send(apiGatewayEvent(body, { base64 }));

    expect(res.statusCode).toBe(200);
    const logged = h.logs.raw().join('\n');
    expect(logged).toContain('AWS event received');
    expect(logged).not.toContain('secret-response-id');
    expect(logged).not.toContain(Buffer.from(body).toString('base64').slice(0, 200));
    expect(logged).not.toContain(encodeURIComponent(responseUrl));
  });
});
