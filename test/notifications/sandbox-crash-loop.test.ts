import { type EcsEventBridgeEvent, type ManualClock as SandboxClock, type Sandbox } from '../../src/sandbox';
import { getWindow, windowPk } from '../../src/notifications/windows';
import {
  type EventsHarness,
  scheduledTick,
  startEventsHarness,
  WEB_CHANNEL,
  clockOfSandbox,
} from '../../testbed/events';
import { emptyAccount, startTestSandbox } from '../../testbed/sandbox';

const OOM = 'OutOfMemoryError: Container killed due to memory usage';

describe('a service that crash-loops in the sandbox', () => {
  let sandbox: Sandbox & { clock: SandboxClock };
  let h: EventsHarness;
  afterEach(async () => {
    await h?.stop();
    await sandbox?.stop();
  });

  it('reaches Slack, end to end through the events handler, as one message that counts every crash', async () => {
    // Prepare: cluster `prod`, service `web` whose task definition family crashes 30 s after it starts (OOM, exit 137).
    sandbox = await startTestSandbox({
      account: emptyAccount({
        taskDefinitions: [
          {
            family: 'web',
            containerDefinitions: [{ name: 'web', image: 'example/web:7', cpu: 256, memory: 512, essential: true }],
          },
        ],
        behaviours: { web: { crash: { afterMs: 30_000, exitCode: 137, reason: OOM } } },
        clusters: [
          {
            name: 'prod',
            instances: [{ instanceType: 't3.large' }],
            services: [{ name: 'web', taskDefinition: 'web', desiredCount: 2 }],
          },
        ],
      }),
    });
    h = await startEventsHarness({ clock: clockOfSandbox(sandbox.clock) });
    const delivered: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((event) => delivered.push(structuredClone(event)));

    // Act: 30 simulated minutes; EventBridge hands each event to the handler, and the sweep rule ticks every minute.
    let handled = 0;
    const deliverAll = async () => {
      while (handled < delivered.length) {
        await h.handler(delivered[handled]);
        handled += 1;
      }
    };
    for (let second = 10; second <= 30 * 60; second += 10) {
      sandbox.clock.advance(10_000);
      sandbox.tick();
      await deliverAll();
      if (second % 60 === 0) await h.handler(scheduledTick(sandbox.clock.now()));
    }
    sandbox.clock.advance(61_000);
    sandbox.tick();
    await deliverAll();
    await h.handler(scheduledTick(sandbox.clock.now()));

    // Assess
    const crashes = delivered.filter(
      (e) =>
        e['detail-type'] === 'ECS Task State Change' &&
        e.detail.lastStatus === 'STOPPED' &&
        e.detail.group === 'service:web',
    );
    expect(crashes.length).toBeGreaterThan(10);
    const stopMessages = h.slack
      .messages(WEB_CHANNEL)
      .filter((m) => !m.threadTs && /tasks? stopped/.test(m.text ?? ''));
    expect(stopMessages).toHaveLength(1);
    expect(stopMessages[0]?.text).toMatch(
      new RegExp(`^web: ${crashes.length} tasks stopped in \\d+ min — essential container exited, exit 137$`),
    );
    expect(JSON.stringify(stopMessages[0]?.blocks)).toContain(OOM);
    expect(JSON.stringify(stopMessages[0]?.blocks)).toContain('*Task definition*\\nweb:1');
    expect(await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'))).toMatchObject({
      count: crashes.length,
      renderedCount: crashes.length,
    });
    expect(h.messageProblems()).toEqual([]);
  }, 180_000);
});
