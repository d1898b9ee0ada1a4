import { activeMute } from '../../src/state/mutes';
import { startHarness, type Harness } from '../support/harness';
import { CHANNELS, USERS } from '../support/config';

/** The notifications' Mute button, through the same app the Slack function runs. */
describe('the Mute button on a notification', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const mute = (user: string) => h.click('notify:mute', JSON.stringify({ cluster: 'prod', service: 'web', minutes: 60 }), { user, channel: CHANNELS.alerts });

  it('a reader mutes web for an hour, and the thread says who muted it until when', async () => {
    await mute(USERS.rita);
    const stored = await activeMute(h.state.store, 'prod', 'web', Date.now());
    expect(stored).toMatchObject({ by: USERS.rita });
    const notice = h.slack.callsTo('chat.postMessage').find((c) => String(c.args.text).includes('muted'));
    expect(notice?.args).toMatchObject({ channel: CHANNELS.alerts, thread_ts: '1700000000.000100' });
    expect(String(notice?.args.text)).toContain(`<@${USERS.rita}>`);
    expect(h.logs.lines().some((l) => (l.audit as { command?: string; outcome?: string } | undefined)?.command === 'mute')).toBe(true);
  });

  it('someone in no team is refused and nothing is muted', async () => {
    await mute(USERS.nobody);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toBeUndefined();
    expect(h.slack.callsTo('chat.postEphemeral')[0]?.args.text).toMatch(/Muting needs at least read access to \*prod\*/);
  });
});
