import { isAllowedResponseUrl, SLACK_RESPONSE_URL_PREFIX } from '../../src/slack/response-url';

describe('where the bot may post a response URL that came back inside a payload', () => {
  it('Slack’s own response URLs are allowed by default', () => {
    expect(isAllowedResponseUrl('https://hooks.slack.com/actions/T0TEST/1234567890/abcdefABCDEF')).toBe(true);
    expect(isAllowedResponseUrl('https://hooks.slack.com/commands/T0TEST/1234567890/abcdef')).toBe(true);
  });

  it.each([
    'https://hooks.slack.com.example.net/actions/T0/1/x',
    'https://hooks.slack.com@example.net/actions/T0/1/x',
    'https://user:pw@hooks.slack.com/actions/T0/1/x',
    'http://hooks.slack.com/actions/T0/1/x',
    'https://hooks.slack.com:8443/actions/T0/1/x',
    'https://example.net/https://hooks.slack.com/actions/T0/1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:9000/response/r1',
    'not a url',
    '',
  ])('%j is not Slack’s, and is refused', (url) => {
    expect(isAllowedResponseUrl(url)).toBe(false);
  });

  it('a stand-in’s base is allowed only when the app is configured with it (tests, the playground)', () => {
    const standin = 'http://127.0.0.1:9000/';
    expect(isAllowedResponseUrl('http://127.0.0.1:9000/response/r1', [SLACK_RESPONSE_URL_PREFIX, standin])).toBe(true);
    expect(isAllowedResponseUrl('http://127.0.0.1:9001/response/r1', [SLACK_RESPONSE_URL_PREFIX, standin])).toBe(false);
  });
});
