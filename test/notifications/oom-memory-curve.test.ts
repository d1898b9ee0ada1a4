import { createMemoryReader } from '../../src/aws/metrics';
import { type EcsEventBridgeEvent, type ManualClock as SandboxClock, type Sandbox } from '../../src/sandbox';
import { type EventsHarness, startEventsHarness, testConfig, WEB_CHANNEL, clockOfSandbox } from '../../testbed/events';
import { BASE_CREDENTIALS, emptyAccount, startTestSandbox } from '../../testbed/sandbox';

const OOM = 'OutOfMemoryError: Container killed due to memory usage';

describe('the stop notification of an OOM kill', () => {
  let sandbox: Sandbox & { clock: SandboxClock };
  let h: EventsHarness;
  afterEach(async () => {
    await h?.stop();
    await sandbox?.stop();
  });

  it('shows the memory curve before the kill, read with the cluster’s read role in one GetMetricData', async () => {
    // Prepare: `web` in prod leaks memory and is OOM-killed 20 minutes after it starts.
    sandbox = await startTestSandbox({
      account: emptyAccount({
        roles: [{ arn: 'arn:aws:iam::111111111111:role/chatops-prod-read', level: 'read', clusters: ['prod'] }],
        taskDefinitions: [
          {
            family: 'web',
            containerDefinitions: [{ name: 'web', image: 'example/web:7', cpu: 256, memory: 512, essential: true }],
          },
        ],
        behaviours: { web: { crash: { afterMs: 20 * 60_000, exitCode: 137, reason: OOM } } },
        clusters: [
          {
            name: 'prod',
            instances: [{ instanceType: 't3.large' }],
            services: [{ name: 'web', taskDefinition: 'web', desiredCount: 1 }],
          },
        ],
      }),
    });
    const clock = clockOfSandbox(sandbox.clock);
    const config = testConfig();
    h = await startEventsHarness({
      clock,
      config,
      memoryBefore: createMemoryReader({
        config,
        clock,
        logger: (await import('pino')).pino({ level: 'silent' }),
        clientConfig: { endpoint: sandbox.url, maxAttempts: 1 },
        stsConfig: { credentials: BASE_CREDENTIALS },
        windowMs: 30 * 60_000,
      }),
    });
    const delivered: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((event) => delivered.push(structuredClone(event)));

    // Act: the kill comes 20 minutes in; each event goes to the handler.
    for (let minute = 1; minute <= 21; minute += 1) {
      sandbox.clock.advance(60_000);
      sandbox.tick();
    }
    for (const event of delivered) await h.handler(event);

    // Assess
    const post = h.slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === WEB_CHANNEL);
    const shown = JSON.stringify(post?.args.blocks);
    expect(shown).toMatch(/Memory before it: `[▁▂▃▄▅▆▇█]{10,30}` max (9\d|100) %/);
    // A leak: it climbs from where the task started to nearly full at the kill.
    const BLOCKS = '▁▂▃▄▅▆▇█';
    const levels = [.../Memory before it: `([▁▂▃▄▅▆▇█]+)`/.exec(shown)![1]!].map((c) => BLOCKS.indexOf(c));
    expect(levels.at(-1)).toBeGreaterThanOrEqual(6);
    expect(levels[0]).toBeLessThan(levels.at(-1)!);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    const reads = sandbox.callsTo('cloudwatch:GetMetricData');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.principal).toMatchObject({
      roleArn: 'arn:aws:iam::111111111111:role/chatops-prod-read',
      sourceIdentity: 'ecs-chatops-events',
    });
  });
});
