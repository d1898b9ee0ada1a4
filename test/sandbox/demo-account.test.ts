import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { ContainerInstanceStateChangeEvent, EcsEventBridgeEvent, ManualClock, Sandbox } from '../../src/sandbox';
import { DEMO_OPERATOR_KEY, demoAccount } from '../../src/sandbox';
import { startTestSandbox } from '../../testbed/sandbox';
import { loadScenario } from '../../src/playground/scenario';

describe('the demo account', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  it('starts with demo-prod (web, worker, cron on two instances) and demo-staging (two services on one instance), all running', async () => {
    sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });

    const prod = sandbox.world.cluster('demo-prod');
    const staging = sandbox.world.cluster('demo-staging');

    expect([...prod.services.keys()]).toEqual(['web', 'worker', 'cron']);
    expect([...staging.services.keys()]).toEqual(['web', 'worker']);
    expect(prod.instances.size).toBe(2);
    expect(staging.instances.size).toBe(1);
    for (const service of [...prod.services.values(), ...staging.services.values()]) {
      expect([...service.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(service.desiredCount);
    }
    expect(prod.services.get('web')?.taskDefinition.needs.hostPorts).toEqual([80]);
  });

  it('has a read, operate and admin role for each cluster, scoped to it', () => {
    const roles = demoAccount().roles.filter((r) => r.arn.includes(':role/chatops-'));

    expect(roles.map((r) => `${r.arn.split('/')[1]} ${JSON.stringify(r.clusters)}`)).toEqual([
      'chatops-demo-prod-read ["demo-prod"]',
      'chatops-demo-prod-operate ["demo-prod"]',
      'chatops-demo-prod-admin ["demo-prod"]',
      'chatops-demo-staging-read ["demo-staging"]',
      'chatops-demo-staging-operate ["demo-staging"]',
      'chatops-demo-staging-admin ["demo-staging"]',
    ]);
  });

  it('has a worker that is OOM-killed with exit code 137 now and then, and is replaced', async () => {
    sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });

    sandbox.clock.advance(2 * 60 * 60 * 1000);
    const tasks = [...sandbox.world.cluster('demo-prod').tasks.values()].filter((t) => t.service?.name === 'worker');

    const crashed = tasks.filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(crashed.length).toBeGreaterThan(0);
    expect(crashed[0]?.containers[0]).toMatchObject({
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
    });
    expect(tasks.filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(2);
  });

  it('emits a Container Instance State Change when a task lands on an instance', async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
    const events: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((e) => events.push(e));

    sandbox.world.runTask('demo-prod', { taskDefinition: 'cron' });

    const change = events.find(
      (e): e is ContainerInstanceStateChangeEvent => e['detail-type'] === 'ECS Container Instance State Change',
    );
    expect(change).toMatchObject({
      source: 'aws.ecs',
      detail: {
        clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/demo-prod',
        agentConnected: true,
        status: 'ACTIVE',
        ec2InstanceId: expect.stringMatching(/^i-/),
        version: expect.any(Number),
        updatedAt: expect.any(String),
      },
    });
  });

  it('with fargate (as the playground has it), has demo-fargate: no instances, api on FARGATE (base 1) and FARGATE_SPOT (weight 3), each task with a private IP', async () => {
    sandbox = await startTestSandbox({ account: demoAccount({ fargate: true }), timings: {} });
    expect(
      demoAccount({ fargate: true })
        .roles.filter((r) => r.arn.includes('chatops-demo-fargate-'))
        .map((r) => r.clusters),
    ).toEqual([['demo-fargate'], ['demo-fargate'], ['demo-fargate']]);
    const fargate = sandbox.world.cluster('demo-fargate');
    expect(fargate.instances.size).toBe(0);
    const api = [...fargate.services.get('api')!.tasks].filter((t) => t.lastStatus === 'RUNNING');
    expect(api.map((t) => t.capacityProviderName).sort()).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
      'FARGATE_SPOT',
      'FARGATE_SPOT',
    ]);
    expect(api.every((t) => t.launchType === 'FARGATE' && /^10\.1\.[12]\.\d+$/.test(t.eni?.privateIp ?? ''))).toBe(
      true,
    );
  });

  it('in the spot scenario, FARGATE_SPOT tasks of api are interrupted now and then and replaced, never the FARGATE one', async () => {
    const scenario = loadScenario('spot');
    sandbox = await startTestSandbox({
      account: { ...demoAccount({ fargate: true }), behaviours: scenario.behaviours },
      timings: {},
    });
    sandbox.clock.advance(60 * 60 * 1000);
    const tasks = [...sandbox.world.cluster('demo-fargate').tasks.values()];
    const interrupted = tasks.filter((t) => t.stopCode === 'SpotInterruption');
    expect(interrupted.length).toBeGreaterThan(0);
    expect(
      interrupted.every(
        (t) => t.capacityProviderName === 'FARGATE_SPOT' && t.stoppedReason === 'Your Spot Task was interrupted.',
      ),
    ).toBe(true);
    expect(tasks.filter((t) => t.capacityProviderName === 'FARGATE' && t.stopCode !== undefined)).toHaveLength(0);
    expect(
      [...sandbox.world.service('demo-fargate', 'api').tasks].filter((t) => t.desiredStatus === 'RUNNING'),
    ).toHaveLength(4);
  });

  describe('tells one consistent story from the start', () => {
    const config = () => ({ endpoint: sandbox.url, region: 'us-east-1', credentials: DEMO_OPERATOR_KEY });

    it('created each ECR repository before the first image in it was pushed', async () => {
      sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });
      const ecr = new ECRClient(config());

      const { repositories } = await ecr.send(new DescribeRepositoriesCommand({}));

      expect(repositories?.length).toBe(2);
      for (const repo of repositories ?? []) {
        const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: repo.repositoryName }));
        const firstPush = Math.min(...(imageDetails ?? []).map((i) => i.imagePushedAt!.getTime()));
        expect(repo.createdAt!.getTime()).toBeLessThan(firstPush);
      }
    });

    it('has a worker that was OOM-killed minutes before the start: its stopped task, and "out of memory" in its logs, at once', async () => {
      sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });
      const logs = new CloudWatchLogsClient(config());

      const stopped = [...sandbox.world.cluster('demo-prod').tasks.values()].filter(
        (t) => t.service?.name === 'worker' && t.lastStatus === 'STOPPED',
      );
      const found = await logs.send(
        new FilterLogEventsCommand({ logGroupName: '/ecs/worker', filterPattern: '"out of memory"' }),
      );

      expect(stopped).toHaveLength(1);
      expect(stopped[0]!.containers[0]).toMatchObject({ exitCode: 137 });
      expect(sandbox.clock.now() - stopped[0]!.stoppedAt!).toBeLessThan(10 * 60 * 1000);
      expect(found.events?.length).toBeGreaterThan(0);
    });

    it('reports the next worker crash within the first simulated minutes, so #alerts has one at once', async () => {
      sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });
      const stops: EcsEventBridgeEvent[] = [];
      sandbox.onEvent((e) => {
        if (e['detail-type'] === 'ECS Task State Change' && e.detail.lastStatus === 'STOPPED') stops.push(e);
      });

      sandbox.clock.advance(2 * 60 * 1000);
      sandbox.tick();

      expect(stops.length).toBeGreaterThan(0);
    });

    it('has a worker whose heap only grows while a task runs, until the task is replaced', async () => {
      sandbox = await startTestSandbox({ account: demoAccount(), timings: {} });
      const logs = new CloudWatchLogsClient(config());
      sandbox.clock.advance(60 * 60 * 1000);
      sandbox.tick();

      const tasks = [...sandbox.world.cluster('demo-prod').tasks.values()].filter(
        (t) => t.service?.name === 'worker' && t.startedAt !== undefined,
      );
      let checked = 0;
      for (const task of tasks) {
        const { events } = await logs.send(
          new GetLogEventsCommand({
            logGroupName: '/ecs/worker',
            logStreamName: `ecs/worker/${task.id}`,
            startFromHead: true,
          }),
        );
        const heaps = (events ?? [])
          .map((e) => /heap=(\d+)MiB/.exec(e.message ?? '')?.[1])
          .filter((h): h is string => h !== undefined)
          .map(Number);
        for (let i = 1; i < heaps.length; i += 1) expect(heaps[i]).toBeGreaterThanOrEqual(heaps[i - 1]!);
        if (heaps.length > 5) checked += 1;
      }
      expect(checked).toBeGreaterThan(0);
    });
  });
});
