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
import { assumeRole, clientConfig, emptyAccount, startTestSandbox } from '../support/sandbox';

const LAB_OPERATE = 'arn:aws:iam::111111111111:role/chatops-lab-operate';
const LAB_ADMIN = 'arn:aws:iam::111111111111:role/chatops-lab-admin';
const OOM = 'OutOfMemoryError: Container killed due to memory usage';

async function lab(options: { instances?: number; timings?: { taskStartMs: number; taskStopMs: number } } = {}) {
  const sandbox = await startTestSandbox({
    timings: options.timings ?? { taskStartMs: 0, taskStopMs: 0 },
    account: emptyAccount({
      taskDefinitions: [
        { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.27', cpu: 256, memory: 256, portMappings: [{ containerPort: 80, hostPort: 80 }] }] },
        { family: 'migrate', containerDefinitions: [{ name: 'migrate', image: 'example/migrate:7', cpu: 128, memoryReservation: 128 }] },
        { family: 'worker', containerDefinitions: [{ name: 'worker', image: 'example/worker:3', cpu: 256, memory: 512 }] },
      ],
      behaviours: { worker: { crash: { afterMs: 30_000, exitCode: 137, reason: OOM } } },
      clusters: [{ name: 'lab', instances: Array.from({ length: options.instances ?? 2 }, () => ({ instanceType: 't3.medium' })) }],
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

    const out = await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'web', count: 3, startedBy: 'U0ALICE' }));

    expect(out.tasks).toHaveLength(2);
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual(expect.arrayContaining([expect.stringContaining(':container-instance/lab/')]));
    expect(new Set(out.tasks?.map((t) => t.containerInstanceArn)).size).toBe(2);
    expect(out.failures).toEqual([{ arn: expect.stringContaining(':container-instance/lab/'), reason: 'RESOURCE:PORTS' }]);
    expect(out.tasks?.[0]).toMatchObject({ group: 'family:web', startedBy: 'U0ALICE', launchType: 'EC2', taskDefinitionArn: 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:1' });
  });

  it('stops a task with the reason given and lists it among STOPPED tasks', async () => {
    const env = await lab({ timings: { taskStartMs: 0, taskStopMs: 1000 } });
    sandbox = env.sandbox;
    const run = await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' }));
    const taskArn = run.tasks![0]!.taskArn!;

    const stopping = await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: taskArn, reason: 'Stopped from Slack by U0ALICE' }));
    sandbox.clock.advance(1000);
    const [stopped] = (await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [taskArn] }))).tasks!;
    const stoppedList = await env.operate.send(new ListTasksCommand({ cluster: 'lab', desiredStatus: 'STOPPED' }));
    const runningList = await env.operate.send(new ListTasksCommand({ cluster: 'lab' }));

    expect(stopping.task).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Stopped from Slack by U0ALICE' });
    expect(stopped?.stoppedAt?.getTime()).toBe(sandbox.clock.now());
    expect(stopped?.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    expect(stoppedList.taskArns).toEqual([taskArn]);
    expect(runningList.taskArns).toEqual([]);
  });

  it('says "Task stopped by user" when StopTask gives no reason', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const run = await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' }));

    const out = await env.operate.send(new StopTaskCommand({ cluster: 'lab', task: run.tasks![0]!.taskArn! }));

    expect(out.task?.stoppedReason).toBe('Task stopped by user');
    await expect(env.operate.send(new StopTaskCommand({ cluster: 'lab', task: 'ffffffffffffffffffffffffffffffff' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The referenced task was not found.',
    });
  });

  it('starts a task on the container instance named', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const [, second] = (await env.operate.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns!;

    const out = await env.operate.send(new StartTaskCommand({ cluster: 'lab', taskDefinition: 'migrate:1', containerInstances: [second!] }));

    expect(out.tasks?.[0]?.containerInstanceArn).toBe(second);
    expect(out.failures).toEqual([]);
  });

  it('lists tasks by service, family and startedBy, and describes a service task with its group and port bindings', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    await env.admin.send(new CreateServiceCommand({ cluster: 'lab', serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }));
    await env.operate.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate', startedBy: 'U0BOB' }));

    const byService = await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'web' }));
    const byFamily = await env.operate.send(new ListTasksCommand({ cluster: 'lab', family: 'migrate' }));
    const byStarter = await env.operate.send(new ListTasksCommand({ cluster: 'lab', startedBy: 'U0BOB' }));
    const described = await env.operate.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [byService.taskArns![0]!, 'ffffffffffffffffffffffffffffffff'] }));

    expect(byService.taskArns).toHaveLength(2);
    expect(byFamily.taskArns).toEqual(byStarter.taskArns);
    expect(byFamily.taskArns).toHaveLength(1);
    expect(described.tasks?.[0]).toMatchObject({
      group: 'service:web',
      lastStatus: 'RUNNING',
      startedBy: expect.stringMatching(/^ecs-svc\/\d{19}$/),
      containers: [expect.objectContaining({ name: 'web', lastStatus: 'RUNNING', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 80, protocol: 'tcp' }] })],
    });
    expect(described.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:111111111111:task/lab/ffffffffffffffffffffffffffffffff', reason: 'MISSING' }]);
    await expect(env.operate.send(new ListTasksCommand({ cluster: 'lab', maxResults: 101 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('crashes a task whose family is set to crash: exit code 137, EssentialContainerExited, and the service replaces it', async () => {
    const env = await lab();
    sandbox = env.sandbox;
    const events: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((e) => events.push(e));
    await env.admin.send(new CreateServiceCommand({ cluster: 'lab', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 1 }));
    const [first] = (await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'worker' }))).taskArns!;

    sandbox.clock.advance(30_000);
    const [second] = (await env.operate.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'worker' }))).taskArns!;

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
    await env.admin.send(new CreateServiceCommand({ cluster: 'lab', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 1 }));

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
          { family: 'good', containerDefinitions: [{ name: 'app', image: `${REGISTRY}/app:1.0`, cpu: 128, memory: 128 }] },
          { family: 'badtag', containerDefinitions: [{ name: 'app', image: `${REGISTRY}/app:9.9.9`, cpu: 128, memory: 128 }] },
          { family: 'norepo', containerDefinitions: [{ name: 'app', image: `${REGISTRY}/gone`, cpu: 128, memory: 128 }] },
          { family: 'public', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', cpu: 128, memory: 128 }] },
        ],
        clusters: [{ name: 'lab', instances: [{ instanceType: 't3.large' }] }],
        services: { ecr: { repositories: [{ name: 'app', images: [{ tags: ['1.0'] }] }] } },
      }),
    });
    const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, LAB_OPERATE)));
    const run = async (family: string) => (await ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: family }))).tasks![0]!.taskArn!;
    const arns = { good: await run('good'), badtag: await run('badtag'), norepo: await run('norepo'), public: await run('public') };
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
    expect(byArn.get(arns.norepo)?.stoppedReason).toBe(`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REGISTRY}/gone:latest: ${REGISTRY}/gone:latest: not found`);
  });
});
