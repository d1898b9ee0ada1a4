import {
  deploymentEvent,
  type EventsHarness,
  fixture,
  scheduledTick,
  PROD_CHANNEL,
  serviceAction,
  STAGING_CHANNEL,
  startEventsHarness,
  taskStopped,
  WEB_CHANNEL,
} from '../../testbed/events';

describe('routing and the kinds of event a channel gets', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const texts = (channel: string) =>
    h.slack
      .messages(channel)
      .filter((m) => !m.threadTs)
      .map((m) => m.text);

  it('scale-in and user-initiated stops are quiet by default', async () => {
    const at = h.clock.now();
    const scaleIn = await h.handler(
      taskStopped({
        service: 'web',
        stoppedAt: at,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/123)',
        containers: [{ name: 'app', exitCode: 143 }],
      }),
    );
    const byUser = await h.handler(
      taskStopped({
        service: 'web',
        stoppedAt: at,
        stopCode: 'UserInitiated',
        stoppedReason: 'Task stopped by user',
        containers: [{ name: 'app', exitCode: 143 }],
      }),
    );
    expect([scaleIn.outcome, byUser.outcome]).toEqual(['quiet', 'quiet']);
    expect(h.webApiCalls()).toBe(0);
  });

  it('scale-in and user-initiated stops are sent when the route asks for them', async () => {
    const at = h.clock.now();
    await h.handler(
      taskStopped({
        cluster: 'staging',
        service: 'api',
        stoppedAt: at,
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/123)',
        containers: [{ name: 'app', exitCode: 0 }],
      }),
    );
    await h.handler(
      taskStopped({
        cluster: 'staging',
        service: 'api',
        stoppedAt: at,
        stopCode: 'UserInitiated',
        stoppedReason: 'Task stopped by user',
        containers: [{ name: 'app', exitCode: 143 }],
      }),
    );
    expect(texts(STAGING_CHANNEL)).toEqual([
      'api: task stopped (scale-in) — stopped by the service scheduler, exit 0',
      'api: task stopped (by a user) — stopped by a user, exit 143',
    ]);
  });

  it('a task the scheduler replaced for failing health checks is an unexpected stop, not a scale-in', async () => {
    await h.handler(
      taskStopped({
        service: 'web',
        stoppedAt: h.clock.now(),
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason:
          'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/abc)',
        containers: [{ name: 'app', exitCode: 143 }],
      }),
    );
    expect(texts(WEB_CHANNEL)).toEqual(['web: task stopped — stopped by the service scheduler, exit 143']);
  });

  it('a service with its own route goes to its channel; the others to the cluster channel', async () => {
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    await h.handler(taskStopped({ service: 'worker', stoppedAt: h.clock.now() }));
    expect(texts(WEB_CHANNEL)).toHaveLength(1);
    expect(texts(PROD_CHANNEL)).toEqual(['worker: task stopped — essential container exited, exit 137']);
  });

  it('a cluster configured by ARN is matched by the ARN in the event', async () => {
    await h.handler(taskStopped({ cluster: 'staging', service: 'api', stoppedAt: h.clock.now() }));
    expect(texts(STAGING_CHANNEL)).toEqual(['api: task stopped — essential container exited, exit 137']);
  });

  it('clusters that are not in the config, or have no notify route, are skipped', async () => {
    const unknown = await h.handler(taskStopped({ cluster: 'someone-elses', stoppedAt: h.clock.now() }));
    const unrouted = await h.handler(taskStopped({ cluster: 'quiet', stoppedAt: h.clock.now() }));
    expect(unknown).toMatchObject({
      outcome: 'skipped',
      reason: 'cluster arn:aws:ecs:us-east-1:111111111111:cluster/someone-elses is not in the config',
    });
    expect(unrouted).toMatchObject({ outcome: 'skipped', reason: 'cluster quiet has no notify route' });
    expect(h.webApiCalls()).toBe(0);
  });

  it('a standalone task whose containers all exited 0 finished its job and is quiet; one that exited 1 is not', async () => {
    const done = await h.handler(
      taskStopped({
        service: null,
        family: 'migrate',
        stoppedAt: h.clock.now(),
        containers: [{ name: 'migrate', exitCode: 0 }],
      }),
    );
    const failed = await h.handler(
      taskStopped({
        service: null,
        family: 'migrate',
        stoppedAt: h.clock.now(),
        containers: [{ name: 'migrate', exitCode: 1 }],
      }),
    );
    expect(done.outcome).toBe('quiet');
    expect(failed.outcome).toBe('counted');
    expect(texts(PROD_CHANNEL)).toEqual(['prod: task stopped — essential container exited, exit 1']);
  });

  it('tasks that start or run are not news', async () => {
    expect((await h.handler(fixture('task-running'))).outcome).toBe('quiet');
  });

  it('placement failures and start-impaired services are sent; steady states are not', async () => {
    await h.handler(serviceAction({ service: 'api', reason: 'RESOURCE:MEMORY', at: h.clock.now() }));
    await h.handler(serviceAction({ service: 'worker', eventName: 'SERVICE_TASK_START_IMPAIRED', at: h.clock.now() }));
    expect((await h.handler(fixture('service-steady-state'))).outcome).toBe('quiet');
    expect(texts(PROD_CHANNEL)).toEqual([
      'api: tasks cannot be placed — RESOURCE:MEMORY',
      'worker: tasks keep failing to start',
    ]);
    const worker = h.slack.messages(PROD_CHANNEL).find((m) => m.text?.startsWith('worker'));
    expect(JSON.stringify(worker?.blocks)).toContain('Tasks are failing to start');
  });

  it('failed deployments and circuit-breaker rollbacks are sent; completed deployments only when asked for', async () => {
    await h.handler(deploymentEvent('deployment-failed', { service: 'api', at: h.clock.now() }));
    await h.handler(deploymentEvent('deployment-rollback-in-progress', { service: 'worker', at: h.clock.now() }));
    expect(
      (await h.handler(deploymentEvent('deployment-completed', { service: 'api', at: h.clock.now() }))).outcome,
    ).toBe('quiet');
    await h.handler(deploymentEvent('deployment-completed', { cluster: 'staging', service: 'api', at: h.clock.now() }));
    expect(texts(PROD_CHANNEL)).toEqual([
      'api: deployment failed — ECS deployment circuit breaker: task failed to start.',
      'worker: deployment rolled back — ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1234567890123456789.',
    ]);
    expect(texts(STAGING_CHANNEL)).toEqual(['api: deployment completed']);
  });
});

describe('names from events', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('that happen to be JavaScript property names are just names', async () => {
    await h.handler(taskStopped({ service: 'constructor', stoppedAt: h.clock.now() }));
    await h.handler(taskStopped({ cluster: 'toString', service: 'web', stoppedAt: h.clock.now() }));
    expect(h.slack.messages(PROD_CHANNEL).map((m) => m.text)).toEqual([
      'constructor: task stopped — essential container exited, exit 137',
    ]);
    expect(h.webApiCalls()).toBe(1);
  });
});

describe('a circuit-breaker failure', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('(FAILED, then IN_PROGRESS rolling back) is one message that ends saying it rolled back', async () => {
    await h.handler(deploymentEvent('deployment-failed', { service: 'api', at: h.clock.now() }));
    h.clock.advance(2_000);
    await h.handler(deploymentEvent('deployment-rollback-in-progress', { service: 'api', at: h.clock.now() }));
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));
    expect(
      h.slack
        .messages(PROD_CHANNEL)
        .filter((m) => !m.threadTs)
        .map((m) => m.text),
    ).toEqual([
      'api: deployment rolled back (2 events in 2 s) — ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1234567890123456789.',
    ]);
  });
});
