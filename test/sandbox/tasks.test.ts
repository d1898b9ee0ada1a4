import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { EcsEventBridgeEvent, ManualClock, Sandbox, TaskStateChangeEvent } from '../../src/sandbox';
import { assumeRole, clientConfig, emptyAccount, startTestSandbox } from '../../testbed/sandbox';

const LAB_OPERATE = 'arn:aws:iam::111111111111:role/chatops-lab-operate';
const LAB_ADMIN = 'arn:aws:iam::111111111111:role/chatops-lab-admin';
const OOM = 'OutOfMemoryError: Container killed due to memory usage';

async function lab(
  options: {
    instances?: number;
    timings?: { taskStartMs: number; taskStopMs: number; containerStopTimeoutMs?: number };
  } = {},
) {
  const sandbox = await startTestSandbox({
    timings: options.timings ?? { taskStartMs: 0, taskStopMs: 0 },
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
        {
          family: 'migrate',
          containerDefinitions: [{ name: 'migrate', image: 'example/migrate:7', cpu: 128, memoryReservation: 128 }],
        },
        {
          family: 'worker',
          containerDefinitions: [{ name: 'worker', image: 'example/worker:3', cpu: 256, memory: 512 }],
        },
        {
          family: 'stubborn',
          containerDefinitions: [
            { name: 'app', image: 'example/app:1', cpu: 128, memory: 128, stopTimeout: 10 },
            { name: 'proxy', image: 'envoy:1', cpu: 128, memory: 128, essential: false },
          ],
        },
        { family: 'graceful', containerDefinitions: [{ name: 'api', image: 'example/api:2', cpu: 128, memory: 128 }] },
      ],
      behaviours: {
        worker: { crash: { afterMs: 30_000, exitCode: 137, reason: OOM } },
        stubborn: { sigterm: { response: 'ignores' } },
        graceful: { sigterm: { response: 'handles', shutdownMs: 4000 } },
      },
      clusters: [
        {
          name: 'lab',
          instances: Array.from({ length: options.instances ?? 2 }, () => ({ instanceType: 't3.medium' })),
        },
      ],
    }),
  });
  const operate = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_OPERATE)));
  const admin = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_ADMIN)));
  return { sandbox, operate, admin };
}

describe('sandbox ECS tasks', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  it('runs tasks where they fit and returns the rest as RESOURCE:PORTS failures', async () => {
    const env = await lab({ instances: 2 });
    sandbox = env.sandbox;

    const out = await env.operate.send(
      new RunTaskCommand({ cluster: 'lab', taskDefinition: 'web', count: 3, startedBy: 'U0ALICE' }),
    );

    expect(out.tasks).toHaveLength(2);
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual(
      expect.arrayContaining([expect.stringContaining(':container-instance/lab/')]),
    );
    expect(new Set(out.tasks?.map((t) => t.containerInstanceArn)).size).toBe(2);
    expect(out.failures).toEqual([
      { arn: expect.stringContaining(':container-instance/lab/'), reason: 'RESOURCE:PORTS' },
    ]);
    expect(out.tasks?.[0]).toMatchObject({
      group: 'family:web',
      startedBy: 'U0ALICE',
      launchType: 'EC2',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:1',
    });
  });

  it('stops a task with the reason given and lists it among STOPPED tasks', async () => {
    const env = await lab({ timings: { taskStartMs: 0, taskStopMs: 1000 } });
    sandbox = env.sandbox;
    const run = await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' }));
    const taskArn = run.tasks![0]!.taskArn!;

    const stopping = await env.operate.send(
      new StopTaskCommand({ cluster: 'lab', task: taskArn, reason: 'Stopped from Slack by U0ALICE' }),
    );
    sandbox.clock.advance(1000);
    const [stopped] = (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] }))).tasks!;
    const stoppedList = await env.operate.send(new ListTasksCommand({ cluster: 'lab', desiredStatus: 'STOPPED' }));
    const runningList = await env.operate.send(new ListTasksCommand({ cluster: 'lab' }));

    expect(stopping.task).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
    expect(stopped).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'Stopped from Slack by U0ALICE',
    });
    expect(stopped?.stoppedAt?.getTime()).toBe(sandbox.clock.now());
    // No SIGTERM handler: the signal ends the process, 128 + 15.
    expect(stopped?.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 });
    expect(stoppedList.taskArns).toEqual([taskArn]);
    expect(runningList.taskArns).toEqual([]);
  });

  it('stops a task through DEACTIVATING, STOPPING and DEPROVISIONING, and emits a Task State Change for each', async () => {
    const env = await lab({ timings: { taskStartMs: 0, taskStopMs: 2000 } });
    sandbox = env.sandbox;
    const events: TaskStateChangeEvent[] = [];
    sandbox.onEvent((e) => {
      if (e['detail-type'] === 'ECS Task State Change') events.push(e);
    });
    const taskArn = (await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' })))
      .tasks![0]!.taskArn!;
    const describe = async () =>
      (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] }))).tasks![0]!;
    await describe();
    const stopAt = sandbox.clock.now();

    const seen = [(await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: taskArn }))).task!.lastStatus];
    for (let i = 0; i < 4; i += 1) {
      sandbox.clock.advance(500);
      seen.push((await describe()).lastStatus);
    }
    const stopped = await describe();

    expect(seen).toEqual(['RUNNING', 'DEACTIVATING', 'DEPROVISIONING', 'DEPROVISIONING', 'STOPPED']);
    expect(stopped).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'STOPPED' });
    expect(stopped.stoppingAt?.getTime()).toBe(stopAt);
    expect(stopped.executionStoppedAt?.getTime()).toBe(stopAt + 1000);
    expect(stopped.stoppedAt?.getTime()).toBe(stopAt + 2000);
    const statuses = events
      .filter((e) => e.detail.taskArn === taskArn)
      .map((e) => `${e.detail.lastStatus}/${e.detail.desiredStatus}`);
    expect(statuses).toEqual([
      'PENDING/RUNNING',
      'RUNNING/RUNNING',
      'RUNNING/STOPPED',
      'DEACTIVATING/STOPPED',
      'STOPPING/STOPPED',
      'DEPROVISIONING/STOPPED',
      'STOPPED/STOPPED',
    ]);
  });

  it('kills a container that ignores SIGTERM after its stopTimeout (exit 137), and the other one after the agent default', async () => {
    const env = await lab({ timings: { taskStartMs: 0, taskStopMs: 0, containerStopTimeoutMs: 30_000 } });
    sandbox = env.sandbox;
    const taskArn = (await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'stubborn' })))
      .tasks![0]!.taskArn!;
    const describe = async () =>
      (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] }))).tasks![0]!;
    await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: taskArn }));

    sandbox.clock.advance(9_999);
    const waiting = await describe();
    sandbox.clock.advance(1);
    const appKilled = await describe();
    sandbox.clock.advance(20_000);
    const stopped = await describe();

    expect(waiting).toMatchObject({
      lastStatus: 'STOPPING',
      containers: [
        { name: 'app', lastStatus: 'RUNNING' },
        { name: 'proxy', lastStatus: 'RUNNING' },
      ],
    });
    expect(appKilled).toMatchObject({
      lastStatus: 'STOPPING',
      containers: [
        { name: 'app', lastStatus: 'STOPPED', exitCode: 137 },
        { name: 'proxy', lastStatus: 'RUNNING' },
      ],
    });
    expect(stopped).toMatchObject({
      lastStatus: 'STOPPED',
      containers: [
        { name: 'app', exitCode: 137 },
        { name: 'proxy', exitCode: 137 },
      ],
    });
    expect(stopped.stoppedAt!.getTime() - stopped.stoppingAt!.getTime()).toBe(30_000);
  });

  it('lets a container that handles SIGTERM finish its shutdown and exit 0', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const taskArn = (await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'graceful' })))
      .tasks![0]!.taskArn!;
    await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: taskArn }));

    sandbox.clock.advance(3_999);
    const [shuttingDown] = (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] })))
      .tasks!;
    sandbox.clock.advance(1);
    const [stopped] = (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] }))).tasks!;

    expect(shuttingDown).toMatchObject({ lastStatus: 'STOPPING', desiredStatus: 'STOPPED' });
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', containers: [{ exitCode: 0 }] });
  });

  it('says "Task stopped by user" when StopTask gives no reason', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const run = await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' }));

    const out = await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: run.tasks![0]!.taskArn! }));

    expect(out.task?.stoppedReason).toBe('Task stopped by user');
    await expect(
      env.operate.send(new StopTaskCommand({ cluster: 'lab', task: 'ffffffffffffffffffffffffffffffff' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The referenced task was not found.',
    });
  });

  it('starts a task on the container instance named', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const [, second] = (await env.operate.send(new ListContainerInstancesCommand({ cluster: 'lab' })))
      .containerInstanceArns!;

    const out = await env.operate.send(
      new StartTaskCommand({ cluster: 'lab', taskDefinition: 'migrate:1', containerInstances: [second!] }),
    );

    expect(out.tasks?.[0]?.containerInstanceArn).toBe(second);
    expect(out.failures).toEqual([]);
  });

  it('lists tasks by service, family and startedBy, and describes a service task with its group and port bindings', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    await env.admin.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }),
    );
    await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate', startedBy: 'U0BOB' }));

    const byService = await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'web' }));
    const byFamily = await env.operate.send(new ListTasksCommand({ cluster: 'lab', family: 'migrate' }));
    const byStarter = await env.operate.send(new ListTasksCommand({ cluster: 'lab', startedBy: 'U0BOB' }));
    const described = await env.operate.send(
      new DescribeTasksCommand({
        cluster: 'lab',
        tasks: [byService.taskArns![0]!, 'ffffffffffffffffffffffffffffffff'],
      }),
    );

    expect(byService.taskArns).toHaveLength(2);
    expect(byFamily.taskArns).toEqual(byStarter.taskArns);
    expect(byFamily.taskArns).toHaveLength(1);
    expect(described.tasks?.[0]).toMatchObject({
      group: 'service:web',
      lastStatus: 'RUNNING',
      startedBy: expect.stringMatching(/^ecs-svc\/\d{19}$/),
      containers: [
        expect.objectContaining({
          name: 'web',
          lastStatus: 'RUNNING',
          networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        }),
      ],
    });
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:111111111111:task/lab/ffffffffffffffffffffffffffffffff', reason: 'MISSING' },
    ]);
    await expect(env.operate.send(new ListTasksCommand({ cluster: 'lab', maxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('crashes a task whose family is set to crash: exit code 137, EssentialContainerExited, and the service replaces it', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const events: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((e) => events.push(e));
    await env.admin.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 1 }),
    );
    const [first] = (await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'worker' }))).taskArns!;

    sandbox.clock.advance(30_000);
    const [second] = (await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'worker' })))
      .taskArns!;

    const taskEvents = events.filter((e): e is TaskStateChangeEvent => e['detail-type'] === 'ECS Task State Change');
    const stopped = taskEvents.find((e) => e.detail.taskArn === first && e.detail.lastStatus === 'STOPPED');
    expect(stopped).toMatchObject({
      version: '0',
      source: 'aws.ecs',
      account: '111111111111',
      region: 'us-east-1',
      resources: [first],
      detail: {
        clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/lab',
        group: 'service:worker',
        desiredStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [expect.objectContaining({ name: 'worker', exitCode: 137, reason: OOM, lastStatus: 'STOPPED' })],
      },
    });
    expect(stopped?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(typeof stopped?.detail.updatedAt).toBe('string');
    expect(stopped?.detail.stoppedAt).toBe(new Date(sandbox.clock.now()).toISOString());
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const versions = taskEvents.filter((e) => e.detail.taskArn === first).map((e) => e.detail.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('backs off restarting a service whose tasks keep crashing, instead of spinning', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    await env.admin.send(
      new CreateServiceCommand({ cluster: 'lab', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 1 }),
    );

    sandbox.clock.advance(60 * 60 * 1000);
    sandbox.tick();

    const started = [...sandbox.world.cluster('lab').tasks.values()].filter((t) => t.service?.name === 'worker').length;
    // Without back-off a task every 30 s would make 120 in an hour.
    expect(started).toBeLessThan(40);
    expect(started).toBeGreaterThan(5);
  });
});

describe('sandbox image pulls', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  const REGISTRY = '111111111111.dkr.ecr.us-east-1.amazonaws.com';

  it('a task whose ECR image (its tag, or its repository) does not exist stops with CannotPullContainerError … not found; an image that exists, or one from another registry, runs', async () => {
    sandbox = await startTestSandbox({
      account: emptyAccount({
        taskDefinitions: [
          {
            family: 'good',
            containerDefinitions: [{ name: 'app', image: `${REGISTRY}/app:1.0`, cpu: 128, memory: 128 }],
          },
          {
            family: 'badtag',
            containerDefinitions: [{ name: 'app', image: `${REGISTRY}/app:9.9.9`, cpu: 128, memory: 128 }],
          },
          {
            family: 'norepo',
            containerDefinitions: [{ name: 'app', image: `${REGISTRY}/gone`, cpu: 128, memory: 128 }],
          },
          {
            family: 'public',
            containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', cpu: 128, memory: 128 }],
          },
        ],
        clusters: [{ name: 'lab', instances: [{ instanceType: 't3.large' }] }],
        services: { ecr: { repositories: [{ name: 'app', images: [{ tags: ['1.0'] }] }] } },
      }),
    });
    const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_OPERATE)));
    const run = async (family: string) =>
      (await ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: family }))).tasks![0]!.taskArn!;
    const arns = {
      good: await run('good'),
      badtag: await run('badtag'),
      norepo: await run('norepo'),
      public: await run('public'),
    };
    sandbox.clock.advance(1);

    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'lab', tasks: Object.values(arns) }));
    const byArn = new Map(described.tasks!.map((t) => [t.taskArn!, t]));
    expect(byArn.get(arns.good)?.lastStatus).toBe('RUNNING');
    expect(byArn.get(arns.public)?.lastStatus).toBe('RUNNING');
    const badtag = byArn.get(arns.badtag)!;
    const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REGISTRY}/app:9.9.9: ${REGISTRY}/app:9.9.9: not found`;
    expect(badtag).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: reason });
    expect(badtag.startedAt).toBeUndefined();
    expect(badtag.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', reason });
    expect(byArn.get(arns.norepo)?.stoppedReason).toBe(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REGISTRY}/gone:latest: ${REGISTRY}/gone:latest: not found`,
    );
  });
});
