import { loadConfigFile } from '../../src/config/load';
import { type ConfigInput } from '../../src/config/schema';
import { DEFAULT_NOTIFY_SETTINGS } from '../../src/notifications/constants';
import { routeFor } from '../../src/notifications/routing';
import { testConfigYaml, writeConfigFile } from '../../testbed/config';
import {
  containerInstanceState,
  type EventsHarness,
  PROD_CHANNEL,
  scheduledTick,
  startEventsHarness,
  taskStopped,
  testConfig,
  WEB_CHANNEL,
} from '../../testbed/events';

type NotifyInput = NonNullable<ConfigInput['clusters'][string]['notify']>;

/** The test config with prod's `notify` replaced (web still has its own channel unless `notify` says otherwise). */
function configWithProdNotify(notify: NotifyInput) {
  return testConfig({
    clusters: {
      prod: {
        name: 'prod',
        region: 'us-east-1',
        roles: { read: 'arn:aws:iam::111111111111:role/chatops-prod-read' },
        notify,
      },
    },
  });
}

describe('notification tunables in the config', () => {
  let h: EventsHarness;
  afterEach(async () => {
    await h.stop();
  });

  const parents = (channel: string) => h.slack.messages(channel).filter((m) => !m.threadTs);
  const replies = (channel: string) => h.slack.messages(channel).filter((m) => m.threadTs);

  it('a service with a 2-minute quiet period starts a new message after 2 quiet minutes, where the default 15 minutes keeps counting into the first', async () => {
    // Prepare: web has its own 2-minute quiet period; worker has the cluster's (the default).
    h = await startEventsHarness({
      config: configWithProdNotify({
        channel: PROD_CHANNEL,
        services: { web: { channel: WEB_CHANNEL, quietPeriod: '2m' } },
      }),
    });

    // Act: two stops of each 10 s apart, then 2 min 30 s of quiet, then one more of each, and the
    // tick after the update interval (for the trailing edit).
    for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));
    h.clock.advance(10_000);
    for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));
    h.clock.advance(150_000);
    for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess
    expect(parents(WEB_CHANNEL).map((m) => m.text?.split(' — ')[0])).toEqual([
      'web: 2 tasks stopped in 10 s',
      'web: task stopped',
    ]);
    expect(parents(PROD_CHANNEL).map((m) => m.text?.split(' — ')[0])).toEqual(['worker: 3 tasks stopped in 3 min']);
  });

  it('threadDetails: 0 puts nothing in the thread, and the message does not point to a thread', async () => {
    // Prepare
    h = await startEventsHarness({ config: configWithProdNotify({ channel: PROD_CHANNEL, threadDetails: 0 }) });

    // Act: six stops a few seconds apart, then the tick after the update interval.
    for (let i = 0; i < 6; i += 1) {
      await h.handler(taskStopped({ service: 'worker', stoppedAt: h.clock.now() }));
      h.clock.advance(5_000);
    }
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess
    expect(replies(PROD_CHANNEL)).toEqual([]);
    const [parent, ...others] = parents(PROD_CHANNEL);
    expect(others).toEqual([]);
    expect(parent?.text).toMatch(/^worker: 6 tasks stopped in 25 s/);
    expect(JSON.stringify(parent?.blocks)).not.toContain('thread');
  });

  it('a service that sets threadDetails: 1 gets one detail reply and the note; the cluster default still details three', async () => {
    h = await startEventsHarness({
      config: configWithProdNotify({
        channel: PROD_CHANNEL,
        services: { web: { channel: WEB_CHANNEL, threadDetails: 1 } },
      }),
    });

    for (let i = 0; i < 6; i += 1) {
      for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));
      h.clock.advance(5_000);
    }
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));

    expect(replies(WEB_CHANNEL).map((r) => r.text?.slice(0, 3))).toEqual(['#2:', 'Fur']);
    expect(replies(WEB_CHANNEL)[1]?.text).toContain('the first 2 are detailed here');
    expect(replies(PROD_CHANNEL).map((r) => r.text?.slice(0, 3))).toEqual(['#2:', '#3:', '#4:', 'Fur']);
    expect(JSON.stringify(parents(WEB_CHANNEL)[0]?.blocks)).toContain('details of the first 2 in the thread');
  });

  it('a service with a 10-second update interval shows a new stop 10 s after the last edit, where the default waits a minute', async () => {
    h = await startEventsHarness({
      config: configWithProdNotify({
        channel: PROD_CHANNEL,
        services: { web: { channel: WEB_CHANNEL, updateInterval: '10s' } },
      }),
    });

    for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));
    h.clock.advance(15_000);
    for (const service of ['web', 'worker']) await h.handler(taskStopped({ service, stoppedAt: h.clock.now() }));

    expect(parents(WEB_CHANNEL).map((m) => m.text?.split(' — ')[0])).toEqual(['web: 2 tasks stopped in 15 s']);
    expect(parents(PROD_CHANNEL).map((m) => m.text?.split(' — ')[0])).toEqual(['worker: task stopped']);
  });

  it('a cluster with a 10-minute agent disconnect grace does not report a 6-minute disconnect, and reports it after 10 minutes', async () => {
    h = await startEventsHarness({
      config: configWithProdNotify({ channel: PROD_CHANNEL, agentDisconnectGrace: '10m' }),
    });

    await h.handler(containerInstanceState({ connected: false, version: 10, at: h.clock.now() }));
    h.clock.advance(6 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    const after6Minutes = parents(PROD_CHANNEL).length;
    h.clock.advance(5 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));

    expect(after6Minutes).toBe(0);
    expect(parents(PROD_CHANNEL).map((m) => m.text)).toEqual([
      'prod: a container instance agent is disconnected — i-0f3a8506b1c2d3e4f',
    ]);
  });
});

describe('the resolved notification tunables of a route', () => {
  it('are the defaults when the config sets none', () => {
    const config = testConfig();
    expect(routeFor(config, 'prod', 'web')?.settings).toEqual(DEFAULT_NOTIFY_SETTINGS);
    expect(routeFor(config, 'prod', 'worker')?.settings).toEqual(DEFAULT_NOTIFY_SETTINGS);
    expect(DEFAULT_NOTIFY_SETTINGS).toEqual({
      quietPeriodMs: 15 * 60_000,
      updateIntervalMs: 60_000,
      threadDetails: 3,
      agentDisconnectGraceMs: 5 * 60_000,
    });
  });

  it('come from the service where it sets them, else from the cluster, else the defaults', () => {
    const config = configWithProdNotify({
      channel: PROD_CHANNEL,
      quietPeriod: '30m',
      threadDetails: 5,
      agentDisconnectGrace: 600,
      services: { web: { channel: WEB_CHANNEL, quietPeriod: '2m' } },
    });
    expect(routeFor(config, 'prod', 'web')?.settings).toEqual({
      quietPeriodMs: 2 * 60_000,
      updateIntervalMs: 60_000,
      threadDetails: 5,
      agentDisconnectGraceMs: 10 * 60_000,
    });
    expect(routeFor(config, 'prod', 'worker')?.settings).toEqual({
      quietPeriodMs: 30 * 60_000,
      updateIntervalMs: 60_000,
      threadDetails: 5,
      agentDisconnectGraceMs: 10 * 60_000,
    });
  });
});

describe('a bad notification tunable', () => {
  const startWith = (notify: string) => () =>
    loadConfigFile(writeConfigFile(testConfigYaml().replace('notify: { channel: C0ALERTS }', `notify: ${notify}`)));

  it('an update interval under 10 s is refused at start-up, naming the key and why', () => {
    expect(startWith('{ channel: C0ALERTS, updateInterval: 5s }')).toThrow(
      /clusters\.prod\.notify\.updateInterval: must be at least 10s, got 5s: Slack allows about one update per second per channel, and a burst of 1,000 stops is meant to cost at most 12 Web API calls/,
    );
  });

  it('a per-service one is refused with the path to the service', () => {
    expect(startWith('{ channel: C0ALERTS, services: { web: { channel: C0WEB, quietPeriod: 30s } } }')).toThrow(
      /clusters\.prod\.notify\.services\.web\.quietPeriod: must be at least 1m, got 30s/,
    );
    expect(startWith('{ channel: C0ALERTS, services: { web: { channel: C0WEB, updateInterval: soon } } }')).toThrow(
      /clusters\.prod\.notify\.services\.web\.updateInterval: expected a duration like "30m"/,
    );
  });

  it('threadDetails outside 0–20, or not a whole number, is refused naming the key', () => {
    expect(startWith('{ channel: C0ALERTS, threadDetails: 21 }')).toThrow(
      /clusters\.prod\.notify\.threadDetails: must be at most 20/,
    );
    expect(startWith('{ channel: C0ALERTS, threadDetails: -1 }')).toThrow(
      /clusters\.prod\.notify\.threadDetails: must be 0 \(nothing in the thread\) or more/,
    );
    expect(startWith('{ channel: C0ALERTS, threadDetails: 2.5 }')).toThrow(
      /clusters\.prod\.notify\.threadDetails: must be a whole number/,
    );
  });

  it('an agent disconnect grace on a service is refused: container instances belong to the cluster', () => {
    expect(
      startWith('{ channel: C0ALERTS, services: { web: { channel: C0WEB, agentDisconnectGrace: 10m } } }'),
    ).toThrow(/clusters\.prod\.notify\.services\.web: Unrecognized key: "agentDisconnectGrace"/);
  });
});
