import { redactText } from '../../src/logger';

describe('secrets in free text', () => {
  it('Slack tokens, hooks.slack.com URLs and response_url values inside logged HTTP bodies are redacted', () => {
    const body = JSON.stringify({
      token: 'xoxb-123-456-abcDEF',
      private_metadata: JSON.stringify({ responseUrl: 'http://127.0.0.1:1/response/r1' }),
      response_url: 'https://hooks.slack.com/actions/T0/123/abc',
    });
    const line = redactText(`http request body: ${body} app xapp-1-A0-123-xyz`);
    expect(line).not.toMatch(/xoxb-123|xapp-1|\/response\/r1|hooks\.slack\.com/);
    expect(line).toContain('[redacted]');
    expect(redactText('nothing secret here: web 2/2 running')).toBe('nothing secret here: web 2/2 running');
  });
});
