import { requestKeyFrom, requestKeyOf, requestKeyProperties, REQUEST_KEY_PROPERTY } from '../../src/slack/request-key';
import { apiGatewayEvent, sign } from '../../testbed/slack-requests';

describe('the key of a signed Slack request', () => {
  it('is the same for a request sent again byte for byte, and differs when the body or the time differs', () => {
    const event = apiGatewayEvent('text=scale+web+3', { timestamp: 1_800_000_000 });
    const again = apiGatewayEvent('text=scale+web+3', { timestamp: 1_800_000_000 });
    const otherBody = apiGatewayEvent('text=scale+web+4', { timestamp: 1_800_000_000 });
    const later = apiGatewayEvent('text=scale+web+3', { timestamp: 1_800_000_001 });
    const key = requestKeyOf(event.headers);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(requestKeyOf(again.headers)).toBe(key);
    expect(requestKeyOf(otherBody.headers)).not.toBe(key);
    expect(requestKeyOf(later.headers)).not.toBe(key);
  });

  it('reads headers in any case, and a request without a signature has none', () => {
    const signature = sign('x', 1_800_000_000);
    expect(requestKeyOf({ 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': '1800000000' })).toBe(
      requestKeyOf({ 'x-slack-signature': signature, 'x-slack-request-timestamp': '1800000000' }),
    );
    expect(requestKeyOf({ 'x-slack-request-timestamp': '1800000000' })).toBeUndefined();
    expect(requestKeyProperties({ headers: {} })).toEqual({});
  });

  it('is taken from a listener context only when it looks like one', () => {
    const key = requestKeyOf(apiGatewayEvent('a').headers)!;
    expect(requestKeyFrom({ [REQUEST_KEY_PROPERTY]: key })).toBe(key);
    expect(requestKeyFrom({ [REQUEST_KEY_PROPERTY]: 'not-a-key' })).toBeUndefined();
    expect(requestKeyFrom({})).toBeUndefined();
  });
});
