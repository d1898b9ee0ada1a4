import { activeMute } from '../../src/notifications/mutes';
import { ConfigError } from '../../src/errors';
import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';

type Block = { type: string; elements?: { action_id: string; value: string }[] };
const buttonsOf = (blocks: unknown) => ((blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []);

/** The notifications' Mute and Unmute buttons, through the same app the Slack function runs. */
describe('the Mute button on a notification', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  const mute = (user: string) =>
    h.click('notify:mute', JSON.stringify({ cluster: 'prod', service: 'web', minutes: 60 }), {
      user,
      channel: CHANNELS.alerts,
    });
  const unmute = (user: string) =>
    h.click('notify:unmute', JSON.stringify({ cluster: 'prod', service: 'web' }), { user, channel: CHANNELS.alerts });
  const posted = () =>
    h.slack.callsTo('chat.postMessage').map((c) => c.args as { text: string; thread_ts?: string; blocks?: unknown });
  const ephemeral = () =>
    h.slack.callsTo('chat.postEphemeral').map((c) => c.args as { user: string; text: string; blocks?: unknown });

  it('an operator mutes web for an hour, and the thread says who muted it until when, with an Unmute button', async () => {
    h = await startHarness();
    await mute(USERS.alice);
    const stored = await activeMute(h.state.store, 'prod', 'web', Date.now());
    expect(stored).toMatchObject({ by: USERS.alice });
    const notice = posted().find((m) => m.text.includes('muted'));
    expect(notice).toMatchObject({ channel: CHANNELS.alerts, thread_ts: '1700000000.000100' });
    expect(notice?.text).toMatch(
      new RegExp(`^:mute: prod/web notifications muted by <@${USERS.alice}> until \\d\\d:\\d\\d UTC$`),
    );
    expect(buttonsOf(notice?.blocks).map((b) => b.action_id)).toEqual(['notify:unmute']);
    expect(
      h.logs.lines().some((l) => (l.audit as { command?: string; outcome?: string } | undefined)?.command === 'mute'),
    ).toBe(true);
  });

  it('a read-only user cannot silence the channel: the refusal names the level and the teams that grant it, and nothing is muted', async () => {
    h = await startHarness();
    await mute(USERS.rita);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toBeUndefined();
    expect(ephemeral()[0]?.text).toBe(
      '`Mute` needs *operate* on *prod*, but you have *read* there (team readers). Teams that grant operate on prod: web, platform. Ask a platform admin to add you to one. Nothing was muted.',
    );
    expect(posted()).toHaveLength(0);
  });

  it('someone in no team is refused and nothing is muted', async () => {
    h = await startHarness();
    await mute(USERS.nobody);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toBeUndefined();
    expect(ephemeral()[0]?.text).toMatch(/^Sorry, you're not in any team/);
  });

  it('a second Mute while muted changes nothing: it says who muted it until when, only to the clicker, and offers Unmute', async () => {
    h = await startHarness();
    await mute(USERS.alice);
    const first = await activeMute(h.state.store, 'prod', 'web', Date.now());
    await mute(USERS.bob);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toEqual(first);
    const reply = ephemeral()[0]!;
    expect(reply.user).toBe(USERS.bob);
    expect(reply.text).toMatch(
      new RegExp(
        `^:mute: prod/web notifications are already muted by <@${USERS.alice}> until \\d\\d:\\d\\d UTC\\. Nothing was changed; Unmute turns them back on\\.$`,
      ),
    );
    expect(buttonsOf(reply.blocks).map((b) => [b.action_id, b.value])).toEqual([
      ['notify:unmute', JSON.stringify({ cluster: 'prod', service: 'web' })],
    ]);
    expect(posted().filter((m) => m.text.includes('muted'))).toHaveLength(1);
  });

  it('Unmute ends the mute and says so in the thread; a second Unmute says there is nothing to unmute', async () => {
    h = await startHarness();
    await mute(USERS.alice);
    await unmute(USERS.bob);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toBeUndefined();
    expect(posted().at(-1)).toMatchObject({
      thread_ts: '1700000000.000100',
      text: `:bell: prod/web notifications unmuted by <@${USERS.bob}> (muted by <@${USERS.alice}>)`,
    });
    await unmute(USERS.bob);
    expect(ephemeral().at(-1)?.text).toBe('prod/web notifications are not muted (any more). Nothing was changed.');
  });

  it('a read-only user cannot Unmute either', async () => {
    h = await startHarness();
    await mute(USERS.alice);
    await unmute(USERS.rita);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toMatchObject({ by: USERS.alice });
    expect(ephemeral().at(-1)?.text).toMatch(/^`Unmute` needs \*operate\* on \*prod\*/);
  });

  it('notify.muteLevel: read lets readers mute that cluster', async () => {
    h = await startHarness({
      config: testConfig(
        testConfigYaml().replace(
          `notify: { channel: ${CHANNELS.alerts} }`,
          `notify: { channel: ${CHANNELS.alerts}, muteLevel: read }`,
        ),
      ),
    });
    await mute(USERS.rita);
    expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toMatchObject({ by: USERS.rita });
  });

  it('a muteLevel that is not an access level stops the bot at start-up with the key’s path', () => {
    expect(() =>
      testConfig(
        testConfigYaml().replace(
          `notify: { channel: ${CHANNELS.alerts} }`,
          `notify: { channel: ${CHANNELS.alerts}, muteLevel: everyone }`,
        ),
      ),
    ).toThrow(ConfigError);
    expect(() =>
      testConfig(
        testConfigYaml().replace(
          `notify: { channel: ${CHANNELS.alerts} }`,
          `notify: { channel: ${CHANNELS.alerts}, muteLevel: everyone }`,
        ),
      ),
    ).toThrow(/clusters\.prod\.notify\.muteLevel/);
  });
});
