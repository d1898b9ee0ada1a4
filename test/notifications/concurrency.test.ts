import { getWindow, windowPk } from '../../src/notifications/windows';
import {
  type EventsHarness,
  type JsonObject,
  scheduledTick,
  startEventsHarness,
  taskStopped,
  WEB_CHANNEL,
} from '../../testbed/events';

describe('concurrent invocations', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('of two warm instances, given the same 300 stops (each delivered to both), count every stop once and post one message', async () => {
    // Prepare: two Lambda instances with their own memory, one table, one Slack.
    const a = h.handler;
    const b = h.newInstance();
    const start = h.clock.now();
    const events: JsonObject[] = Array.from({ length: 300 }, (_, i) =>
      taskStopped({ service: 'web', stoppedAt: start + i * 100 }),
    );

    // Act: both instances work through the whole list at the same time (EventBridge delivered everything twice).
    const outcomes = await Promise.all([
      (async () => {
        const seen: string[] = [];
        for (const e of events) seen.push((await a(structuredClone(e))).outcome);
        return seen;
      })(),
      (async () => {
        const seen: string[] = [];
        for (const e of [...events].reverse()) seen.push((await b(structuredClone(e))).outcome);
        return seen;
      })(),
    ]);
    h.clock.advance(61_000);
    await a(scheduledTick(h.clock.now()));

    // Assess
    const all = outcomes.flat();
    expect(all.filter((o) => o === 'counted')).toHaveLength(300);
    expect(all.filter((o) => o === 'duplicate')).toHaveLength(300);
    const stored = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    expect(stored).toMatchObject({ count: 300, renderedCount: 300 });
    const parents = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(parents).toHaveLength(1);
    expect(parents[0]?.text).toMatch(/^web: 300 tasks stopped in /);
    // Each thread detail was posted once.
    const replies = h.slack.messages(WEB_CHANNEL).filter((m) => m.threadTs);
    expect(replies.map((r) => r.text?.slice(0, 3))).toEqual(['#2:', '#3:', '#4:', 'Fur']);
  }, 180_000);

  it('of eight instances racing on the first stops of a new window post exactly one message', async () => {
    const start = h.clock.now();
    const instances = Array.from({ length: 8 }, () => h.newInstance());
    const events = Array.from({ length: 8 }, (_, i) => taskStopped({ service: 'web', stoppedAt: start + i }));

    await Promise.all(instances.map((handle, i) => handle(events[i])));
    h.clock.advance(61_000);
    await instances[0]!(scheduledTick(h.clock.now()));

    const stored = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    expect(stored?.count).toBe(8);
    const parents = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(parents).toHaveLength(1);
    expect(parents[0]?.text).toMatch(/^web: 8 tasks stopped/);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
  });
});
