import { type EventsHarness, PROD_CHANNEL, startEventsHarness, taskStopped, WEB_CHANNEL } from '../../testbed/events';

type Block = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: Record<string, unknown>[];
};

function blockText(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

describe('a task that stops unexpectedly', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('names the exit of the container that stopped the task, not that of a sidecar the agent then stopped with SIGTERM', async () => {
    const stoppedAt = h.clock.now();
    await h.handler(
      taskStopped({
        service: 'web',
        stoppedAt,
        containers: [
          { name: 'envoy', exitCode: 143 },
          { name: 'app', exitCode: 1 },
        ],
      }),
    );

    expect(h.slack.messages(WEB_CHANNEL).map((m) => m.text)).toEqual([
      'web: task stopped — essential container exited, exit 1',
    ]);
  });

  it('reaches the service channel as one message with cluster, service, revision, stop code, reason, exit codes, run time, console link and buttons', async () => {
    // Prepare
    const stoppedAt = h.clock.now();
    const event = taskStopped({
      service: 'web',
      taskId: '0f3c2a9b8d7e4f6a9b1c2d3e4f5a6b7c',
      stoppedAt,
      startedAt: stoppedAt - 125_000,
      containers: [
        { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'log-router', exitCode: 0 },
      ],
    });

    // Act
    const result = await h.handler(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'counted', count: 1 });
    expect(h.slack.messages(PROD_CHANNEL)).toHaveLength(0);
    const [message, ...others] = h.slack.messages(WEB_CHANNEL);
    expect(others).toHaveLength(0);
    expect(message?.text).toBe('web: task stopped — essential container exited, exit 137');
    const text = blockText(message?.blocks);
    expect(text).toContain('*Cluster*\\nprod');
    expect(text).toContain('*Service*\\nweb');
    expect(text).toContain('*Task definition*\\nweb:42');
    expect(text).toContain('*Stop code*\\nEssentialContainerExited');
    expect(text).toContain('Essential container in task exited');
    expect(text).toContain(
      '`app` · exit 137 — killed (SIGKILL) — often out of memory · OutOfMemoryError: Container killed due to memory usage',
    );
    expect(text).toContain('`log-router` · exit 0 — exited normally');
    expect(text).toContain('*Ran for*\\n2 min 5 s');
    expect(text).toContain(
      'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/0f3c2a9b8d7e4f6a9b1c2d3e4f5a6b7c',
    );

    const actions = (message?.blocks as Block[]).find((b) => b.type === 'actions')?.elements ?? [];
    const buttons = Object.fromEntries(
      actions.map((a) => [
        (a.text as { text: string }).text,
        { id: a.action_id, value: JSON.parse(String(a.value)) as unknown },
      ]),
    );
    expect(buttons).toEqual({
      'Why?': { id: 'cmd:why', value: { cluster: 'prod', args: ['0f3c2a9b8d7e4f6a9b1c2d3e4f5a6b7c'] } },
      Logs: { id: 'cmd:logs', value: { cluster: 'prod', args: ['0f3c2a9b8d7e4f6a9b1c2d3e4f5a6b7c'] } },
      'Task details': { id: 'cmd:task', value: { cluster: 'prod', args: ['0f3c2a9b8d7e4f6a9b1c2d3e4f5a6b7c'] } },
      'Restart service': { id: 'cmd:restart', value: { cluster: 'prod', args: ['web'] } },
      'Mute 1 h': { id: 'notify:mute', value: { cluster: 'prod', service: 'web', minutes: 60 } },
    });
    // Restarting a service from a notification asks first.
    expect(actions.find((a) => a.action_id === 'cmd:restart')?.confirm).toBeDefined();
    expect(h.webApiCalls()).toBe(1);
  });

  it('that failed to start says it never ran', async () => {
    await h.handler(
      taskStopped({
        service: 'api',
        stoppedAt: h.clock.now(),
        startedAt: null,
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: ref pull has been retried 1 time(s): not found',
        containers: [{ name: 'api' }],
      }),
    );
    const [message] = h.slack.messages(PROD_CHANNEL);
    expect(message?.text).toBe(
      'api: task stopped — failed to start, CannotPullContainerError: ref pull has been retried 1 time(s): not found',
    );
    expect(blockText(message?.blocks)).toContain('*Ran for*\\nnever started');
  });

  it('delivered twice is counted once and posted once', async () => {
    const event = taskStopped({ stoppedAt: h.clock.now() });
    await h.handler(event);
    const again = await h.handler(structuredClone(event));
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(h.slack.messages(WEB_CHANNEL)).toHaveLength(1);
    expect(h.webApiCalls()).toBe(1);
  });

  it('with a Spot termination notice and then its STOPPED event counts as one stop', async () => {
    const taskId = 'b99d40b3517646f19a529dbd6f1cebef';
    const containers = [{ name: 'app' }];
    const notice = taskStopped({
      taskId,
      containers,
      stoppedAt: h.clock.now(),
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
    });
    Object.assign(notice.detail as object, { lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
    h.clock.advance(30_000);
    const stopped = taskStopped({
      taskId,
      containers: [{ name: 'app', exitCode: 143 }],
      stoppedAt: h.clock.now(),
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
    });

    expect(await h.handler(notice)).toMatchObject({ outcome: 'counted', count: 1 });
    expect(await h.handler(stopped)).toMatchObject({ outcome: 'duplicate' });
    expect(h.slack.messages(WEB_CHANNEL).map((m) => m.text)).toEqual(['web: task stopped — Spot interruption']);
  });
});
