import { getWindow, windowPk } from '../../src/notifications/windows';
import { type EventsHarness, scheduledTick, startEventsHarness, taskStopped, WEB_CHANNEL } from '../../testbed/events';

describe('when Slack answers 429 (rate limited)', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the first message, its thread and its edits are retried after Retry-After and nothing is lost', async () => {
    // Prepare: Slack rate-limits the first post, a thread reply and an edit.
    h.slack.fail({ method: 'chat.postMessage', status: 429, retryAfterSeconds: 1 });
    const start = h.clock.now();

    // Act: 20 stops over 2 minutes; the edit at the first minute is rate-limited too.
    for (let i = 0; i < 20; i += 1) {
      if (i === 10) h.slack.fail({ method: 'chat.update', status: 429, retryAfterSeconds: 1 });
      h.clock.set(start + i * 6_500);
      await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    }
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess: Slack saw the 429s, and still ended with everything.
    expect(h.slack.calls.filter((c) => c.status === 429).map((c) => c.method)).toEqual([
      'chat.postMessage',
      'chat.update',
    ]);
    const messages = h.slack.messages(WEB_CHANNEL);
    const parents = messages.filter((m) => !m.threadTs);
    expect(parents).toHaveLength(1);
    expect(parents[0]?.text).toMatch(/^web: 20 tasks stopped in 2 min/);
    expect(messages.filter((m) => m.threadTs).map((m) => m.text?.slice(0, 3))).toEqual(['#2:', '#3:', '#4:', 'Fur']);
    expect(await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'))).toMatchObject({
      count: 20,
      renderedCount: 20,
    });
  });

  it('and keeps failing beyond the retries, the count waits in the table and the next sweep posts it', async () => {
    // Prepare: more failures than the WebClient retries (3 retries in the test client) for both stops and the sweep a warm instance runs after its first event.
    h.slack.fail({ method: 'chat.postMessage', status: 500, error: 'fatal_error', times: 12 });

    // Act
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    h.clock.advance(5_000);
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    const beforeSweep = h.slack.messages(WEB_CHANNEL).length;
    h.clock.advance(60_000);
    await h.handler(scheduledTick(h.clock.now()));

    // Assess
    expect(beforeSweep).toBe(0);
    const parents = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(parents.map((m) => m.text)).toEqual(['web: 2 tasks stopped in 5 s — essential container exited, exit 137']);
    expect(h.logs.some((l) => l.msg === 'could not post a notification; the sweeper will try again')).toBe(true);
  });
});
