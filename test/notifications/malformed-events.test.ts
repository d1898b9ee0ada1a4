import fc from 'fast-check';
import { type EventsHarness, fixture, type JsonObject, startEventsHarness, taskStopped } from '../../testbed/events';

const VALID_SHAPES = [
  'task-stopped-essential-container-exited',
  'service-task-placement-failure',
  'deployment-failed',
  'container-instance-agent-disconnected',
];

/** A valid event with one field broken: removed, or replaced by a value of another type. */
function brokenEvent(shape: string, path: string[], replacement: unknown): JsonObject {
  const event = fixture(shape);
  let target: Record<string, unknown> = event;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (!next || typeof next !== 'object') return event;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return event;
}

describe('malformed events', () => {
  let h: EventsHarness;
  beforeAll(async () => {
    h = await startEventsHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('are logged and skipped, never thrown, and nothing reaches Slack', async () => {
    // Prepare
    const cases: unknown[] = [
      undefined,
      null,
      'ECS Task State Change',
      42,
      [],
      {},
      { source: 'aws.ecs' },
      { ...fixture('task-stopped-essential-container-exited'), id: '' },
      { ...fixture('task-stopped-essential-container-exited'), detail: 'STOPPED' },
      brokenEvent('task-stopped-essential-container-exited', ['detail', 'taskArn'], undefined),
      brokenEvent('task-stopped-essential-container-exited', ['detail', 'clusterArn'], 7),
      brokenEvent('task-stopped-essential-container-exited', ['detail', 'containers'], 'app'),
      brokenEvent('task-stopped-essential-container-exited', ['detail', 'containers', '0', 'exitCode'], '137'),
      brokenEvent('service-task-placement-failure', ['detail', 'eventName'], undefined),
      brokenEvent('deployment-failed', ['detail', 'eventName'], ['SERVICE_DEPLOYMENT_FAILED']),
      brokenEvent('container-instance-agent-disconnected', ['detail', 'agentConnected'], 'false'),
    ];

    // Act
    const results = [];
    for (const raw of cases) results.push(await h.handler(raw));

    // Assess
    expect(results.every((r) => r.outcome === 'malformed')).toBe(true);
    expect(h.webApiCalls()).toBe(0);
    const warnings = h.logs.filter((l) => l.msg === 'malformed event skipped');
    expect(warnings).toHaveLength(cases.length);
    expect(warnings.find((w) => String(w.problem).includes('detail.taskArn'))).toBeDefined();
  });

  it('that are not from ECS at all are skipped quietly', async () => {
    const result = await h.handler({
      ...fixture('deployment-failed'),
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
    });
    expect(result.outcome).toBe('skipped');
  });

  it('1,000 generated ones (random JSON and valid events with random fields broken) never throw and never reach Slack', async () => {
    const randomJson = fc.jsonValue();
    const pathInto = fc.constantFrom(
      ['id'],
      ['detail-type'],
      ['source'],
      ['time'],
      ['region'],
      ['resources'],
      ['detail'],
      ['detail', 'clusterArn'],
      ['detail', 'taskArn'],
      ['detail', 'lastStatus'],
      ['detail', 'stopCode'],
      ['detail', 'containers'],
      ['detail', 'containers', '0'],
      ['detail', 'containers', '0', 'exitCode'],
      ['detail', 'containers', '0', 'name'],
      ['detail', 'eventName'],
      ['detail', 'agentConnected'],
      ['detail', 'version'],
    );
    const broken = fc.record({
      shape: fc.constantFrom(...VALID_SHAPES),
      path: pathInto,
      value: fc.oneof(fc.constant(undefined), fc.jsonValue()),
    });
    // Events that are still valid after the change are fine to deliver; they only must not reach an unrouted place.
    const before = h.webApiCalls();
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomJson, broken), async (input) => {
        count += 1;
        const raw =
          typeof input === 'object' && input !== null && 'shape' in input && 'path' in input
            ? (() => {
                const event = brokenEvent(String(input.shape), input.path as string[], input.value);
                // Keep generated events away from configured clusters, so a still-valid one stays quiet too.
                const detail = event.detail as Record<string, unknown> | undefined;
                if (detail && typeof detail === 'object' && typeof detail.clusterArn === 'string')
                  detail.clusterArn = 'arn:aws:ecs:us-east-1:111111111111:cluster/fuzz';
                event.resources = ['arn:aws:ecs:us-east-1:111111111111:service/fuzz/web'];
                return event;
              })()
            : input;
        const result = await h.handler(raw);
        expect(['malformed', 'skipped', 'quiet']).toContain(result.outcome);
      }),
      { numRuns: 1000 },
    );
    expect(count).toBe(1000);
    expect(h.webApiCalls()).toBe(before);
  }, 180_000);

  it('with odd but valid values, for a cluster that wants every kind, are delivered or skipped without throwing', async () => {
    const odd = fc.record({
      shape: fc.constantFrom(...VALID_SHAPES),
      path: fc.constantFrom(
        ['time'],
        ['detail', 'stopCode'],
        ['detail', 'stoppedReason'],
        ['detail', 'group'],
        ['detail', 'startedAt'],
        ['detail', 'stoppedAt'],
        ['detail', 'reason'],
        ['detail', 'taskDefinitionArn'],
        ['detail', 'lastStatus'],
      ),
      value: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 400 }),
        fc.constantFrom('<!channel> & <@U1>', '1970-01-01T00:00:00Z', 'not a time', ''),
      ),
    });
    await fc.assert(
      fc.asyncProperty(odd, fc.integer({ min: 0, max: 1_000_000 }), async (input, n) => {
        const event = brokenEvent(input.shape, [...input.path], input.value);
        event.id = `odd-${n}-${Math.random()}`;
        const detail = event.detail as Record<string, unknown>;
        if (typeof detail.clusterArn === 'string')
          detail.clusterArn = 'arn:aws:ecs:us-east-1:111111111111:cluster/staging';
        if (typeof detail.taskArn === 'string')
          detail.taskArn = `arn:aws:ecs:us-east-1:111111111111:task/staging/${n}-${Math.random()}`;
        event.resources = ['arn:aws:ecs:us-east-1:111111111111:service/staging/web'];
        const result = await h.handler(event);
        expect(['malformed', 'skipped', 'quiet', 'counted', 'pending']).toContain(result.outcome);
      }),
      { numRuns: 200 },
    );
    // Whatever reached Slack is within Block Kit's limits.
    expect(h.messageProblems()).toEqual([]);
  }, 180_000);

  it('do not stop the next good event from being delivered', async () => {
    await h.handler({ garbage: true });
    const result = await h.handler(taskStopped({ service: 'api', stoppedAt: h.clock.now() }));
    expect(result).toMatchObject({ outcome: 'counted', count: 1 });
  });
});
