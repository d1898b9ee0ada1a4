import { getWindow, windowPk } from '../../src/notifications/windows';
import {
  type EventsHarness,
  type JsonObject,
  scheduledTick,
  startEventsHarness,
  taskStopped,
  WEB_CHANNEL,
} from '../../testbed/events';

/** 1,000 stops of one service over `spanMs`, and every tenth one delivered a second time a little later. */
function crashLoopDeliveries(h: EventsHarness, stops: number, spanMs: number): { at: number; event: JsonObject }[] {
  const start = h.clock.now();
  const originals = Array.from({ length: stops }, (_, i) => {
    const at = start + Math.floor((i * spanMs) / stops);
    return {
      at,
      event: taskStopped({ service: 'web', stoppedAt: at, containers: [{ name: 'app', exitCode: i % 2 ? 137 : 1 }] }),
    };
  });
  const deliveries = [...originals];
  for (let i = 0; i < stops; i += 10) {
    const original = originals[i]!;
    deliveries.push({ at: Math.min(start + spanMs - 1, original.at + 2_500), event: structuredClone(original.event) });
  }
  return deliveries.sort((a, b) => a.at - b.at);
}

describe('a crash loop', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('of 1,000 stops in 5 minutes, 10 % delivered twice, is one message that ends at exactly 1,000 within 12 Slack calls', async () => {
    // Prepare
    const deliveries = crashLoopDeliveries(h, 1000, 5 * 60_000);
    expect(deliveries).toHaveLength(1100);

    // Act: deliver in time order, the clock following the events; then the scheduled tick a minute later.
    const outcomes: Record<string, number> = {};
    for (const { at, event } of deliveries) {
      h.clock.set(at);
      const result = await h.handler(event);
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    }
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess
    expect(outcomes).toEqual({ counted: 1000, duplicate: 100 });
    expect(h.webApiCalls()).toBeLessThanOrEqual(12);
    const messages = h.slack.messages(WEB_CHANNEL);
    const [parent, ...replies] = messages;
    expect(parent?.threadTs).toBeUndefined();
    expect(parent?.text).toMatch(/^web: 1,000 tasks stopped in 5 min — essential container exited, exit 1(37)?$/);
    expect(JSON.stringify(parent?.blocks)).toContain('1,000 since');
    // The thread holds the detail of the first few stops and says the rest are only counted.
    expect(replies.every((r) => r.threadTs === parent?.ts)).toBe(true);
    expect(replies.map((r) => r.text?.slice(0, 3))).toEqual(['#2:', '#3:', '#4:', 'Fur']);
    const stored = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    expect(stored).toMatchObject({ count: 1000, renderedCount: 1000 });
  }, 180_000);

  it('that goes quiet for the quiet period starts a new message for the next stop', async () => {
    await h.handler(taskStopped({ stoppedAt: h.clock.now() }));
    h.clock.advance(10_000);
    await h.handler(taskStopped({ stoppedAt: h.clock.now() }));
    h.clock.advance(16 * 60_000);
    await h.handler(taskStopped({ stoppedAt: h.clock.now() }));

    const parents = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(parents).toHaveLength(2);
    // The first message was brought to its final count of 2 before the second one started.
    expect(parents.map((m) => m.text?.split(' — ')[0])).toEqual(['web: 2 tasks stopped in 10 s', 'web: task stopped']);
  });
});
