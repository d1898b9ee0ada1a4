import { createEventsHandler } from '../../src/notifications/pipeline';
import { scheduledTick, startEventsHarness, type EventsHarness } from '../../testbed/events';

describe('the scheduled tick', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('also runs the other periodic work (the approvals’ expiry sweep) once per tick', async () => {
    let ticks = 0;
    const handler = createEventsHandler({ ...h.deps, onTick: async () => void (ticks += 1) });
    expect(await handler(scheduledTick(h.clock.now()))).toMatchObject({ outcome: 'swept' });
    expect(ticks).toBe(1);
  });

  it('a failure of that work is logged and does not stop the notification sweep', async () => {
    const handler = createEventsHandler({
      ...h.deps,
      onTick: () => Promise.reject(new Error('state table unreachable')),
    });
    await expect(handler(scheduledTick(h.clock.now()))).resolves.toMatchObject({ outcome: 'swept' });
    expect(h.logs.some((l) => l.msg === 'tick work failed; the next tick tries again')).toBe(true);
  });
});
