import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { EcsEventBridgeEvent, ManualClock, Sandbox, TaskStateChangeEvent } from '../../src/sandbox';
import { assumeRole, clientConfig, emptyAccount, PLATFORM_ADMIN, startTestSandbox } from '../../testbed/sandbox';

const PRIVATE_A = 'subnet-0a1f3c5e7b9d2e401';
const PRIVATE_B = 'subnet-0a1f3c5e7b9d2e402';
const APP_SG = 'sg-0d3c5b7a9e1f2d602';
const AWSVPC = {
  awsvpcConfiguration: {
    subnets: [PRIVATE_A, PRIVATE_B],
    securityGroups: [APP_SG],
    assignPublicIp: 'DISABLED' as const,
  },
};

async function fargateLab() {
  const sandbox = await startTestSandbox({
    account: emptyAccount({
      taskDefinitions: [
        {
          family: 'migrate',
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [{ name: 'migrate', image: 'example/migrate:7' }],
        },
        { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.27', cpu: 256, memory: 256 }] },
      ],
      clusters: [
        {
          name: 'lab',
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          ],
        },
        { name: 'ec2', instances: [{}] },
      ],
    }),
  });
  const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
  return { sandbox, ecs };
}

function eniDetails(task: {
  attachments?: { type?: string; details?: { name?: string; value?: string }[] }[];
}): Record<string, string> {
  const eni = task.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  return Object.fromEntries((eni?.details ?? []).map((d) => [d.name ?? '', d.value ?? '']));
}

describe('sandbox Fargate, awsvpc and capacity providers', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  it('DescribeClusters shows the capacity providers and default strategy a cluster was created with; PutClusterCapacityProviders replaces them', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    const [cluster] = (await lab.ecs.send(new DescribeClustersCommand({ clusters: ['lab'] }))).clusters ?? [];
    expect(cluster?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    const put = await lab.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'ec2',
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [],
      }),
    );
    expect(put.cluster).toMatchObject({ capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] });
    await expect(
      lab.ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'ec2',
          capacityProviders: ['FARGATE'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('not associated with the cluster'),
    });
    await expect(
      lab.ecs.send(new CreateClusterCommand({ clusterName: 'x', capacityProviders: ['MY_ASG'] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('RunTask with the cluster default strategy starts Fargate tasks by base then weight, each with an ENI and a private IP from the subnets given', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    const out = await lab.ecs.send(
      new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate', count: 4, networkConfiguration: AWSVPC }),
    );
    expect(out.failures).toEqual([]);
    const tasks = out.tasks ?? [];
    expect(tasks.map((t) => t.capacityProviderName)).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
      'FARGATE_SPOT',
      'FARGATE_SPOT',
    ]);
    for (const t of tasks) {
      expect(t).toMatchObject({
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        cpu: '256',
        memory: '512',
        ephemeralStorage: { sizeInGiB: 20 },
      });
      expect(t.containerInstanceArn).toBeUndefined();
      const eni = eniDetails(t);
      expect([PRIVATE_A, PRIVATE_B]).toContain(eni.subnetId);
      expect(eni.networkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
      expect(eni.privateIPv4Address).toMatch(/^10\.1\.[12]\.\d+$/);
    }
    expect(new Set(tasks.map((t) => eniDetails(t).privateIPv4Address)).size).toBe(4);
    const [described] =
      (await lab.ecs.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [tasks[0]!.taskArn!] }))).tasks ?? [];
    expect(described?.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address).toBe(
      eniDetails(tasks[0]!).privateIPv4Address,
    );
  });

  it('RunTask refuses what AWS refuses: awsvpc without a network configuration, a launch type with a strategy, FARGATE for an EC2-only task definition, an unknown subnet', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    await expect(lab.ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate' }))).rejects.toMatchObject(
      {
        name: 'InvalidParameterException',
        message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      },
    );
    await expect(
      lab.ecs.send(
        new RunTaskCommand({
          cluster: 'lab',
          taskDefinition: 'migrate',
          launchType: 'FARGATE',
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
          networkConfiguration: AWSVPC,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Specifying both a launch type and capacity provider strategy'),
    });
    await expect(
      lab.ecs.send(new RunTaskCommand({ cluster: 'ec2', taskDefinition: 'web', launchType: 'FARGATE' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Task definition does not support launch_type FARGATE.',
    });
    await expect(
      lab.ecs.send(
        new RunTaskCommand({
          cluster: 'lab',
          taskDefinition: 'migrate',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("The subnet ID 'subnet-0123456789abcdef0' does not exist"),
    });
    // With no strategy on the cluster and no launch type, an EC2 cluster runs on EC2 as before.
    const ec2 = await lab.ecs.send(new RunTaskCommand({ cluster: 'ec2', taskDefinition: 'web' }));
    expect(ec2.tasks?.[0]).toMatchObject({ launchType: 'EC2' });
    expect(ec2.tasks?.[0]?.containerInstanceArn).toBeDefined();
  });

  it('RegisterTaskDefinition for FARGATE refuses a CPU/memory pair Fargate has no configuration for', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    const register = (cpu: string, memory: string) =>
      lab.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'x',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu,
          memory,
          containerDefinitions: [{ name: 'x', image: 'x' }],
        }),
      );
    await expect(register('256', '4096')).rejects.toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining('No Fargate configuration exists for given values: 256 CPU, 4096 memory'),
    });
    await expect(register('1 vCPU', '3 GB')).resolves.toBeDefined();
    await expect(register('8192', '18432')).rejects.toMatchObject({ name: 'ClientException' });
    await expect(register('8192', '20480')).resolves.toBeDefined();
  });

  it('a Fargate service keeps its tasks on FARGATE with its network configuration; a Spot interruption warns with a Task State Change event and the service replaces the task', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    const events: EcsEventBridgeEvent[] = [];
    sandbox.onEvent((e) => events.push(e));
    const created = await lab.ecs.send(
      new CreateServiceCommand({
        cluster: 'lab',
        serviceName: 'api',
        taskDefinition: 'migrate',
        desiredCount: 2,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: AWSVPC,
      }),
    );
    expect(created.service).toMatchObject({
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
      platformVersion: 'LATEST',
      networkConfiguration: AWSVPC,
    });
    expect(created.service?.launchType).toBeUndefined();
    sandbox.clock.advance(1000);
    sandbox.tick();
    const svc = sandbox.world.service('lab', 'api');
    expect([...svc.tasks].map((t) => t.capacityProviderName)).toEqual(['FARGATE_SPOT', 'FARGATE_SPOT']);

    const [victim] = sandbox.world.interruptSpotTasks('lab', [[...svc.tasks][0]!.id]);
    expect(victim).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
    });
    const warning = events
      .filter((e): e is TaskStateChangeEvent => e['detail-type'] === 'ECS Task State Change')
      .find((e) => e.detail.taskArn === victim!.arn && e.detail.desiredStatus === 'STOPPED');
    expect(warning?.detail).toMatchObject({
      lastStatus: 'RUNNING',
      stopCode: 'SpotInterruption',
      capacityProviderName: 'FARGATE_SPOT',
    });
    sandbox.clock.advance(1000);
    sandbox.tick();
    // SIGTERM came with the warning: the container exits (143, it has no handler) and the task stops.
    expect(victim!.lastStatus).toBe('STOPPED');
    expect(victim!.containers[0]!.exitCode).toBe(143);
    expect([...svc.tasks].filter((t) => t.desiredStatus === 'RUNNING')).toHaveLength(2);
    const [after] =
      (await lab.ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['api'] }))).services ?? [];
    expect(after?.runningCount).toBe(2);
  });

  it('EC2 describes the VPC, its subnets and security groups, and the ENI of each running awsvpc task until it stops', async () => {
    const lab = await fargateLab();
    sandbox = lab.sandbox;
    const ec2 = new EC2Client(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs).toEqual([
      expect.objectContaining({ VpcId: 'vpc-0c5a7e21d4b9f3a10', CidrBlock: '10.1.0.0/16', State: 'available' }),
    ]);
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }),
    );
    expect(subnets.Subnets?.map((s) => [s.SubnetId, s.MapPublicIpOnLaunch])).toEqual([
      [PRIVATE_A, false],
      ['subnet-0b2e4d6f8a0c1b501', true],
    ]);
    await expect(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidSubnetID.NotFound' });
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [APP_SG] }));
    expect(groups.SecurityGroups?.[0]).toMatchObject({ GroupId: APP_SG, GroupName: 'app' });

    const run = await lab.ecs.send(
      new RunTaskCommand({ cluster: 'lab', taskDefinition: 'migrate', networkConfiguration: AWSVPC }),
    );
    const eniId = eniDetails(run.tasks![0]!).networkInterfaceId!;
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(enis.NetworkInterfaces?.[0]).toMatchObject({
      NetworkInterfaceId: eniId,
      PrivateIpAddress: eniDetails(run.tasks![0]!).privateIPv4Address,
      Status: 'in-use',
      RequesterManaged: true,
      Groups: [{ GroupId: APP_SG, GroupName: 'app' }],
    });
    sandbox.world.stopTask('lab', run.tasks![0]!.taskArn!);
    sandbox.clock.advance(1000);
    sandbox.tick();
    await expect(
      ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })),
    ).rejects.toMatchObject({ name: 'InvalidNetworkInterfaceID.NotFound' });
  });
});
