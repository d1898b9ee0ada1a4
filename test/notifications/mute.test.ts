import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import { activeMute, setMute } from '../../src/notifications/mutes';
import { registerMuteButtons } from '../../src/listeners/notification-buttons';
import {
  type EventsHarness,
  PROD_CHANNEL,
  scheduledTick,
  startEventsHarness,
  taskStopped,
  WEB_CHANNEL,
} from '../../testbed/events';
import { apiGatewayEvent, blockActionBody, TEST_SIGNING_SECRET } from '../../testbed/slack-requests';

type Button = { action_id: string; value: string };

describe('muting notifications', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  /** The Slack function's side: a Bolt app on AwsLambdaReceiver with the notification actions registered. */
  function slackFunction(allowed: (userId: string, channelId: string, alias: string) => boolean) {
    const receiver = new AwsLambdaReceiver({ signingSecret: TEST_SIGNING_SECRET, logLevel: LogLevel.ERROR });
    const app = new App({
      receiver,
      logLevel: LogLevel.ERROR,
      authorize: async () => ({ botToken: 'xoxb-test' }),
      clientOptions: { slackApiUrl: h.slack.apiUrl },
    });
    registerMuteButtons(app, {
      config: h.deps.config,
      state: h.deps.state,
      clock: h.clock,
      logger: h.deps.logger,
      decide: async (u, c, a, needed) =>
        allowed(u, c, a)
          ? { allowed: true, level: needed, team: 'web' }
          : { allowed: false, reason: `\`Mute\` needs *${needed}* on *${a}*, but you have no access there.` },
    });
    const handle = receiver.toHandler();
    return async (body: string, signing?: Parameters<typeof apiGatewayEvent>[1]) =>
      (await handle(apiGatewayEvent(body, signing), {})) as { statusCode: number };
  }

  function muteButtonOf(channel: string): { ts: string; button: Button } {
    const message = h.slack.messages(channel).find((m) => !m.threadTs);
    const actions = (message?.blocks as { type: string; elements?: Button[] }[]).find((b) => b.type === 'actions');
    const button = actions?.elements?.find((e) => e.action_id === 'notify:mute');
    if (!message || !button) throw new Error('no Mute button');
    return { ts: message.ts, button };
  }

  it('a muted service stays quiet, and its message resumes with the whole count when the mute ends', async () => {
    // Prepare
    const now = h.clock.now();
    await setMute(h.table.store, { alias: 'prod', service: 'web', until: now + 60 * 60_000, by: 'U0ALICE', at: now });

    // Act: a crash loop, one stop every 2 minutes, through the hour of the mute and past it.
    for (let minute = 2; minute <= 58; minute += 2) {
      h.clock.set(now + minute * 60_000);
      await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    }
    h.clock.set(now + 59 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    const callsWhileMuted = h.webApiCalls();
    for (const minute of [60, 62]) {
      h.clock.set(now + minute * 60_000);
      await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    }

    // Assess
    expect(callsWhileMuted).toBe(0);
    const parents = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(parents.map((m) => m.text?.split(' — ')[0])).toEqual(['web: 31 tasks stopped in 1 h']);
  });

  it('a muted cluster silences all its services, and other clusters still speak', async () => {
    const now = h.clock.now();
    await setMute(h.table.store, { alias: 'prod', until: now + 30 * 60_000, by: 'U0BOB', at: now });
    await h.handler(taskStopped({ service: 'web', stoppedAt: now }));
    await h.handler(taskStopped({ service: 'worker', stoppedAt: now }));
    await h.handler(taskStopped({ cluster: 'staging', service: 'api', stoppedAt: now }));
    expect(h.slack.messages(WEB_CHANNEL)).toHaveLength(0);
    expect(h.slack.messages(PROD_CHANNEL)).toHaveLength(0);
    expect(h.webApiCalls()).toBe(1);
  });

  it('the Mute 1 h button, clicked through a signed block_actions payload, mutes the service and says who muted it until when, in the thread', async () => {
    // Prepare: a notification with its Mute button.
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    const { ts, button } = muteButtonOf(WEB_CHANNEL);
    const click = slackFunction(() => true);

    // Act
    const res = await click(
      blockActionBody({
        actionId: button.action_id,
        value: button.value,
        userId: 'U0ALICE',
        channelId: WEB_CHANNEL,
        messageTs: ts,
        responseUrl: h.slack.responseUrl(),
      }),
    );
    h.clock.advance(5 * 60_000);
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    h.clock.advance(2 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess: acked; the mute is stored with who and until when; the thread says so; the next stop is quiet.
    expect(res.statusCode).toBe(200);
    const mute = await activeMute(h.table.store, 'prod', 'web', h.clock.now());
    expect(mute).toMatchObject({
      alias: 'prod',
      service: 'web',
      by: 'U0ALICE',
      until: Date.parse('2026-03-02T13:00:00Z'),
    });
    const thread = h.slack.messages(WEB_CHANNEL).filter((m) => m.threadTs === ts);
    expect(thread.map((m) => m.text)).toEqual([':mute: prod/web notifications muted by <@U0ALICE> until 13:00 UTC']);
    expect(JSON.stringify(thread[0]?.blocks)).toContain('"action_id":"notify:unmute"');
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
    const audit = h.logs.find((l) => (l.audit as { command?: string } | undefined)?.command === 'mute');
    expect(audit?.audit).toMatchObject({
      user: 'U0ALICE',
      channel: WEB_CHANNEL,
      cluster: 'prod',
      source: 'button',
      outcome: 'ok',
    });
    expect((audit?.audit as { detail?: string }).detail).toMatch(/^muted web until /);
  });

  it('the Mute button refuses a user without the level muting needs on the cluster, and nothing is muted', async () => {
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    const { ts, button } = muteButtonOf(WEB_CHANNEL);
    const click = slackFunction((user) => user !== 'U0MALLORY');

    const res = await click(
      blockActionBody({
        actionId: button.action_id,
        value: button.value,
        userId: 'U0MALLORY',
        channelId: WEB_CHANNEL,
        messageTs: ts,
        responseUrl: h.slack.responseUrl(),
      }),
    );

    expect(res.statusCode).toBe(200);
    expect(await activeMute(h.table.store, 'prod', 'web', h.clock.now())).toBeUndefined();
    const ephemeral = h.slack.messages(WEB_CHANNEL).filter((m) => m.ephemeral);
    expect(ephemeral.map((m) => [m.user, m.text])).toEqual([
      ['U0MALLORY', '`Mute` needs *operate* on *prod*, but you have no access there. Nothing was muted.'],
    ]);
  });

  it('a forged Mute payload naming a cluster that is not configured mutes nothing', async () => {
    const click = slackFunction(() => true);
    await click(
      blockActionBody({
        actionId: 'notify:mute',
        value: JSON.stringify({ cluster: 'nope', minutes: 60 }),
        channelId: WEB_CHANNEL,
        responseUrl: h.slack.responseUrl(),
      }),
    );
    await click(
      blockActionBody({
        actionId: 'notify:mute',
        value: '{not json',
        channelId: WEB_CHANNEL,
        responseUrl: h.slack.responseUrl(),
      }),
    );
    expect(h.table.store).toBeDefined();
    expect(await activeMute(h.table.store, 'nope', undefined, h.clock.now())).toBeUndefined();
    expect(h.slack.messages(WEB_CHANNEL).filter((m) => m.ephemeral)).toHaveLength(2);
  });

  it('a Mute payload with a tampered signature is rejected before anything happens', async () => {
    const send = slackFunction(() => true);
    const body = blockActionBody({
      actionId: 'notify:mute',
      value: JSON.stringify({ cluster: 'prod', minutes: 60 }),
      channelId: WEB_CHANNEL,
      responseUrl: h.slack.responseUrl(),
    });
    const res = await send(body, { secret: 'not-the-secret' });
    expect(res.statusCode).toBe(401);
    expect(await activeMute(h.table.store, 'prod', undefined, h.clock.now())).toBeUndefined();
  });
});
