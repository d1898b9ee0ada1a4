import {
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  ECSClient,
  paginateListServices,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { EcsEventBridgeEvent, ManualClock, Sandbox, SandboxTimings, ServiceActionEvent } from '../../src/sandbox';
import { assumeRole, clientConfig, emptyAccount, PLATFORM_ADMIN, startTestSandbox } from '../../testbed/sandbox';

const LAB_ADMIN = 'arn:aws:iam::111111111111:role/chatops-lab-admin';

/** A lab cluster with `instances` t3.medium instances and task definitions for web (port 80) and api. */
async function lab(instances: number, timings: Partial<SandboxTimings> = { taskStartMs: 2000, taskStopMs: 1000 }) {
  const sandbox = await startTestSandbox({
    timings,
    account: emptyAccount({
      taskDefinitions: [
        {
          family: 'web',
          containerDefinitions: [
            {
              name: 'web',
              image: 'nginx:1.27',
              cpu: 256,
              memory: 256,
              portMappings: [{ containerPort: 80, hostPort: 80 }],
            },
          ],
        },
        { family: 'api', containerDefinitions: [{ name: 'api', image: 'example/api:1', cpu: 128, memory: 128 }] },
      ],
      clusters: [{ name: 'lab', instances: Array.from({ length: instances }, () => ({ instanceType: 't3.medium' })) }],
    }),
  });
  const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_ADMIN)));
  const events: EcsEventBridgeEvent[] = [];
  sandbox.onEvent((e) => events.push(e));
  return { sandbox, ecs, events };
}

async function describe1(ecs: ECSClient, name: string) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: [name] }));
  return out.services![0]!;
}

describe('sandbox ECS services', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  it('scales a service up and down, moving tasks through PENDING and RUNNING as the clock advances', async () => {
    const env = await lab(2);
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 1 }),
    );
    sandbox.clock.advance(2000);

    await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', desiredCount: 3 }));
    const scaling = await describe1(env.ecs, 'api');
    sandbox.clock.advance(2000);
    const scaled = await describe1(env.ecs, 'api');
    await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', desiredCount: 1 }));
    const shrinking = await describe1(env.ecs, 'api');
    sandbox.clock.advance(1000);
    const shrunk = await describe1(env.ecs, 'api');

    expect(scaling).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    expect(scaled).toMatchObject({ desiredCount: 3, runningCount: 3, pendingCount: 0 });
    expect(scaled.events?.[0]?.message).toBe('(service api) has reached a steady state.');
    expect(scaled.events?.[1]?.message).toMatch(
      /^\(service api\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
    );
    expect(shrinking).toMatchObject({ desiredCount: 1, runningCount: 3 });
    expect(shrinking.events?.[0]?.message).toMatch(/^\(service api\) has stopped 2 running tasks: /);
    expect(shrunk).toMatchObject({ desiredCount: 1, runningCount: 1, pendingCount: 0 });
    expect(shrunk.events?.[0]?.message).toBe('(service api) has reached a steady state.');
    expect([...sandbox.world.cluster('lab').tasks.values()].map((t) => t.lastStatus).sort()).toEqual([
      'RUNNING',
      'STOPPED',
      'STOPPED',
    ]);
  });

  it('says a task could not be placed because the only instance already uses its fixed host port', async () => {
    const env = await lab(1, { taskStartMs: 0, taskStopMs: 0 });
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }),
    );

    await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'web', desiredCount: 2 }));
    const web = await describe1(env.ecs, 'web');

    const instance = [...sandbox.world.cluster('lab').instances.values()][0]!;
    expect(web).toMatchObject({ desiredCount: 2, runningCount: 1, pendingCount: 0 });
    expect(web.events?.[0]?.message).toBe(
      `(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${instance.id}) is already using a port required by your task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
    const failures = env.events.filter(
      (e): e is ServiceActionEvent =>
        e['detail-type'] === 'ECS Service Action' && e.detail.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE',
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      source: 'aws.ecs',
      account: '111111111111',
      region: 'us-east-1',
      resources: [web.serviceArn],
      detail: { eventType: 'ERROR', reasons: ['RESOURCE:PORTS'], clusterArn: web.clusterArn },
    });
  });

  it('does not repeat the same placement failure in the service events every time it retries', async () => {
    const env = await lab(1, { taskStartMs: 0, taskStopMs: 0 });
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }),
    );
    // Unrelated churn on the same instance frees capacity again and again, so the scheduler retries.
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 1 }),
    );
    for (let i = 0; i < 5; i += 1) {
      await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', forceNewDeployment: true }));
      sandbox.clock.advance(60_000);
    }

    const web = await describe1(env.ecs, 'web');

    expect(web.events?.filter((e) => e.message?.includes('unable to place a task'))).toHaveLength(1);
  });

  it('answers UpdateService before the scheduler acts, so the placement failure shows up only afterwards', async () => {
    const env = await lab(1, { taskStartMs: 0, taskStopMs: 0 });
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }),
    );
    const before = await describe1(env.ecs, 'web');

    const update = await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'web', desiredCount: 2 }));
    const after = await describe1(env.ecs, 'web');

    expect(update.service).toMatchObject({ desiredCount: 2, runningCount: 1 });
    expect(update.service?.events?.map((e) => e.id)).toEqual(before.events?.map((e) => e.id));
    expect(after.events?.[0]?.message).toMatch(/unable to place a task/);
  });

  it('pages through 250 services with nextToken', async () => {
    const env = await lab(1, { taskStartMs: 0, taskStopMs: 0 });
    sandbox = env.sandbox;
    for (let i = 0; i < 250; i += 1)
      sandbox.world.createService('lab', {
        name: `svc-${String(i).padStart(3, '0')}`,
        taskDefinition: 'api',
        desiredCount: 0,
      });

    const pages: number[] = [];
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: env.ecs, pageSize: 100 }, { cluster: 'lab' })) {
      pages.push(page.serviceArns?.length ?? 0);
      arns.push(...(page.serviceArns ?? []));
    }
    const firstDefaultPage = await env.ecs.send(
      new (await import('@aws-sdk/client-ecs')).ListServicesCommand({ cluster: 'lab' }),
    );

    expect(pages).toEqual([100, 100, 50]);
    expect(new Set(arns).size).toBe(250);
    expect(arns[249]).toBe('arn:aws:ecs:us-east-1:111111111111:service/lab/svc-249');
    expect(firstDefaultPage.serviceArns).toHaveLength(10);
    expect(firstDefaultPage.nextToken).toBeDefined();
  });

  it('refuses DescribeServices with more than 10 names as ECS does', async () => {
    const env = await lab(1);
    sandbox = env.sandbox;
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);

    await expect(env.ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: names }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('reports a service that does not exist as a MISSING failure, not an error', async () => {
    const env = await lab(1);
    sandbox = env.sandbox;

    const out = await env.ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['ghost'] }));

    expect(out.services).toEqual([]);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:111111111111:service/lab/ghost', reason: 'MISSING' }]);
  });

  it('refuses a negative desired count and an unknown service with the errors ECS uses', async () => {
    const env = await lab(1);
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 1 }),
    );

    await expect(
      env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', desiredCount: -1 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'nope', desiredCount: 1 })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException', message: 'Service not found.' });
    const platform = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
    await expect(
      platform.send(new UpdateServiceCommand({ cluster: 'nope', service: 'api', desiredCount: 1 })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException', message: 'Cluster not found.' });
  });

  it('rolls out a new deployment: the old one stays ACTIVE until its tasks are replaced, then the new one COMPLETES', async () => {
    const env = await lab(2);
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 2 }),
    );
    sandbox.clock.advance(2000);
    await describe1(env.ecs, 'api');
    env.events.length = 0;

    await env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', forceNewDeployment: true }));
    const during = await describe1(env.ecs, 'api');
    sandbox.clock.advance(2000);
    sandbox.clock.advance(1000);
    const after = await describe1(env.ecs, 'api');

    expect(during.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      runningCount: 2,
      id: during.deployments?.[0]?.id,
    });
    const deploymentEvents = env.events
      .filter((e) => e['detail-type'] === 'ECS Deployment State Change')
      .map((e) => e.detail);
    expect(deploymentEvents.map((d) => 'eventName' in d && d.eventName)).toEqual([
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'SERVICE_DEPLOYMENT_COMPLETED',
    ]);
  });

  it('deletes a service only once it is scaled to zero or forced, draining it to INACTIVE', async () => {
    const env = await lab(1, { taskStartMs: 0, taskStopMs: 1000 });
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 2 }),
    );

    await expect(env.ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'api' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The service cannot be stopped while it is scaled above 0.',
    });
    const deleted = await env.ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'api', force: true }));
    sandbox.clock.advance(1000);
    const gone = await describe1(env.ecs, 'api');

    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(gone).toMatchObject({ status: 'INACTIVE', runningCount: 0 });
    await expect(
      env.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', desiredCount: 1 })),
    ).rejects.toMatchObject({ name: 'ServiceNotActiveException' });
  });

  it('hides a deleted service from ListServices at once, while DescribeServices shows it DRAINING until its tasks are STOPPING, then INACTIVE', async () => {
    // Prepare: tasks of a deleted service drain their connections for 90 s (DEACTIVATING), then stop.
    const env = await lab(2, { taskStartMs: 0, taskStopMs: 30_000, serviceDrainMs: 90_000 });
    sandbox = env.sandbox;
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'api', taskDefinition: 'api', desiredCount: 2 }),
    );
    await env.ecs.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'api', desiredCount: 1 }),
    );
    const listed = async () => {
      const arns: string[] = [];
      for await (const p of paginateListServices({ client: env.ecs }, { cluster: 'lab' }))
        arns.push(...(p.serviceArns ?? []));
      return arns.map((a) => a.split('/').pop());
    };
    const apiTasks = async () => {
      const arns = (
        await env.ecs.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'api', desiredStatus: 'STOPPED' }))
      ).taskArns!;
      return (await env.ecs.send(new DescribeTasksCommand({ cluster: 'lab', tasks: arns }))).tasks!.map(
        (t) => t.lastStatus,
      );
    };

    // Act: SIGTERM goes out 90 s (drain) + 15 s (half of taskStopMs) after the delete.
    const deleted = await env.ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'api', force: true }));
    sandbox.clock.advance(104_000);
    const nearlyDrained = await describe1(env.ecs, 'api');
    const listedWhileDraining = await listed();
    const tasksWhileDraining = await apiTasks();
    sandbox.clock.advance(1000);
    const drained = await describe1(env.ecs, 'api');
    const tasksOnceDrained = await apiTasks();
    const clusterRefused = await env.ecs.send(new DeleteClusterCommand({ cluster: 'lab' })).catch((e: unknown) => e);
    sandbox.clock.advance(15_000);
    const tasksLater = await apiTasks();

    // Assess
    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(listedWhileDraining).toEqual(['web']);
    expect(nearlyDrained).toMatchObject({ status: 'DRAINING' });
    expect(tasksWhileDraining).toEqual(['DEACTIVATING', 'DEACTIVATING']);
    expect(drained).toMatchObject({ status: 'INACTIVE', runningCount: 0 });
    expect(tasksOnceDrained).toEqual(['DEPROVISIONING', 'DEPROVISIONING']);
    expect(tasksLater).toEqual(['STOPPED', 'STOPPED']);
    expect(await listed()).toEqual(['web']);
    expect(clusterRefused).toMatchObject({ name: 'ClusterContainsServicesException' });
  });

  it('fails a deployment whose tasks keep crashing and, with rollback on, goes back to the last good revision', async () => {
    sandbox = await startTestSandbox({
      account: emptyAccount({
        taskDefinitions: [
          { family: 'api', containerDefinitions: [{ name: 'api', image: 'example/api:1', cpu: 128, memory: 128 }] },
          {
            family: 'api-broken',
            containerDefinitions: [{ name: 'api', image: 'example/api:2', cpu: 128, memory: 128 }],
          },
        ],
        behaviours: {
          'api-broken': {
            failToStart: {
              reason:
                'CannotPullContainerError: pull image manifest has been retried 5 time(s): example/api:2: not found',
            },
          },
        },
        clusters: [{ name: 'lab', instances: [{ instanceType: 't3.medium' }, { instanceType: 't3.medium' }] }],
      }),
    });
    const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_ADMIN)));
    const events: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((e) => events.push(e));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'lab',
        serviceName: 'api',
        taskDefinition: 'api',
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const good = (await describe1(ecs, 'api')).deployments![0]!.id!;

    await ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'api', taskDefinition: 'api-broken' }));
    sandbox.clock.advance(1000);
    const api = await describe1(ecs, 'api');

    expect(api.taskDefinition).toBe('arn:aws:ecs:us-east-1:111111111111:task-definition/api:1');
    expect(api.deployments).toHaveLength(1);
    expect(api.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2 });
    expect(api.events?.map((e) => e.message)).toContain(`(service api) rolling back to deployment ${good}.`);
    const deployments = events
      .filter((e) => e['detail-type'] === 'ECS Deployment State Change')
      .map((e) => e.detail as { eventName: string; eventType: string; reason: string });
    expect(deployments.map((d) => d.eventName)).toEqual([
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'SERVICE_DEPLOYMENT_COMPLETED',
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'SERVICE_DEPLOYMENT_FAILED',
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
      'SERVICE_DEPLOYMENT_COMPLETED',
    ]);
    expect(deployments[3]).toMatchObject({
      eventType: 'ERROR',
      reason: 'ECS deployment circuit breaker: task failed to start.',
    });
    expect(deployments[4]).toMatchObject({
      reason: `ECS deployment circuit breaker: rolling back to deploymentId ${good}.`,
    });
  });

  it('counts in failedTasks only tasks that never reached RUNNING, and stops counting once one has run', async () => {
    sandbox = await startTestSandbox({
      account: emptyAccount({
        taskDefinitions: [
          { family: 'flaky', containerDefinitions: [{ name: 'app', image: 'example/flaky:1', cpu: 128, memory: 128 }] },
          {
            family: 'crashy',
            containerDefinitions: [{ name: 'app', image: 'example/crashy:1', cpu: 128, memory: 128 }],
          },
        ],
        behaviours: {
          // Seeded chance: some tasks fail to pull, the rest run.
          flaky: { failToStart: { reason: 'CannotPullContainerError: example/flaky:1: timeout', probability: 0.5 } },
          crashy: { crash: { afterMs: 5000, exitCode: 1 } },
        },
        clusters: [{ name: 'lab', instances: [{ instanceType: 't3.medium' }, { instanceType: 't3.medium' }] }],
      }),
    });
    const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_ADMIN)));
    const breaker = { deploymentCircuitBreaker: { enable: true, rollback: false } };
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'lab',
        serviceName: 'crashy',
        taskDefinition: 'crashy',
        desiredCount: 2,
        deploymentConfiguration: breaker,
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'lab',
        serviceName: 'flaky',
        taskDefinition: 'flaky',
        desiredCount: 4,
        deploymentConfiguration: breaker,
      }),
    );

    sandbox.clock.advance(10 * 60_000);
    const crashy = await describe1(ecs, 'crashy');
    const flaky = await describe1(ecs, 'flaky');
    const flakyTasks = [...sandbox.world.cluster('lab').tasks.values()].filter((t) => t.service?.name === 'flaky');

    // Tasks that crash after RUNNING are restarted, but they are not failed tasks and never trip the breaker.
    const crashes = [...sandbox.world.cluster('lab').tasks.values()].filter(
      (t) => t.service?.name === 'crashy' && t.stopCode === 'EssentialContainerExited',
    );
    expect(crashes.length).toBeGreaterThanOrEqual(3);
    expect(crashy.deployments?.[0]?.failedTasks).toBe(0);
    expect(crashy.deployments?.[0]?.rolloutState).not.toBe('FAILED');
    // Some pulls failed, but a task ran: the count went back to 0 and stayed there.
    expect(flakyTasks.some((t) => t.stopCode === 'TaskFailedToStart')).toBe(true);
    expect(flakyTasks.some((t) => t.startedAt !== undefined)).toBe(true);
    expect(flaky.deployments?.[0]).toMatchObject({ failedTasks: 0 });
    expect(flaky.deployments?.[0]?.rolloutState).not.toBe('FAILED');
  });
});
