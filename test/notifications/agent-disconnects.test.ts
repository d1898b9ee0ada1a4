import {
  containerInstanceState,
  type EventsHarness,
  PROD_CHANNEL,
  scheduledTick,
  startEventsHarness,
} from '../../testbed/events';

describe('container instance agents', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const parents = () => h.slack.messages(PROD_CHANNEL).filter((m) => !m.threadTs);

  it('that disconnect and stay disconnected past the grace period are reported once, with the instance', async () => {
    // Prepare
    const since = h.clock.now();
    expect((await h.handler(containerInstanceState({ connected: false, version: 10, at: since }))).outcome).toBe(
      'pending',
    );

    // Act: more changes while disconnected, then the sweeps go by.
    h.clock.advance(60_000);
    await h.handler(containerInstanceState({ connected: false, version: 11, at: h.clock.now() }));
    await h.handler(scheduledTick(h.clock.now()));
    const beforeGrace = parents().length;
    h.clock.advance(5 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    h.clock.advance(60_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess
    expect(beforeGrace).toBe(0);
    expect(parents().map((m) => m.text)).toEqual([
      'prod: a container instance agent is disconnected — i-0f3a8506b1c2d3e4f',
    ]);
    const text = JSON.stringify(parents()[0]?.blocks);
    expect(text).toContain('b54a2a04046f43319d743f6d7f6ca315');
    expect(text).toContain('disconnected since 12:00:00 UTC');
    expect(text).toContain('"action_id":"cmd:instance"');
  });

  it('that disconnect and reconnect within the grace period (the agent does this routinely) stay quiet', async () => {
    await h.handler(containerInstanceState({ connected: false, version: 20, at: h.clock.now() }));
    h.clock.advance(40_000);
    expect((await h.handler(containerInstanceState({ connected: true, version: 21, at: h.clock.now() }))).outcome).toBe(
      'quiet',
    );
    h.clock.advance(10 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    expect(h.webApiCalls()).toBe(0);
  });

  it('whose disconnect is delivered after the reconnect that followed it stay quiet', async () => {
    const at = h.clock.now();
    await h.handler(containerInstanceState({ connected: false, version: 30, at }));
    await h.handler(containerInstanceState({ connected: true, version: 31, at: at + 20_000 }));
    // EventBridge redelivers the disconnect late.
    expect((await h.handler(containerInstanceState({ connected: false, version: 30, at }))).outcome).toBe('quiet');
    h.clock.advance(10 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    expect(h.webApiCalls()).toBe(0);
  });

  it('that are draining or deregistered are not reported as disconnected', async () => {
    await h.handler(containerInstanceState({ connected: false, version: 40, at: h.clock.now(), status: 'DRAINING' }));
    h.clock.advance(10 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));
    expect(h.webApiCalls()).toBe(0);
  });
});
