import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock, Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, emptyAccount, PLATFORM_ADMIN, startTestSandbox } from '../../testbed/sandbox';

async function labWithOneInstance() {
  const sandbox = await startTestSandbox({
    account: emptyAccount({
      taskDefinitions: [
        {
          family: 'web',
          containerDefinitions: [
            {
              name: 'web',
              image: 'nginx:1.27',
              cpu: 256,
              memory: 512,
              portMappings: [{ containerPort: 80, hostPort: 80 }],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'lab',
          instances: [{ instanceType: 't3.medium' }],
          services: [{ name: 'web', taskDefinition: 'web', desiredCount: 1 }],
        },
      ],
    }),
  });
  const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
  return { sandbox, ecs };
}

describe('sandbox ECS clusters and container instances', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  afterEach(() => sandbox?.stop());

  it('refuses to delete a cluster while services, then tasks, then container instances remain, and then deletes it', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;
    const { ecs } = env;
    const deleteCluster = () => ecs.send(new DeleteClusterCommand({ cluster: 'lab' }));

    await expect(deleteCluster()).rejects.toMatchObject({
      name: 'ClusterContainsServicesException',
      message: 'The Cluster cannot be deleted while Services are active.',
    });
    await ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'web', force: true }));
    const standalone = await ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'web' }));
    await expect(deleteCluster()).rejects.toMatchObject({
      name: 'ClusterContainsTasksException',
      message: 'The Cluster cannot be deleted while Tasks are active.',
    });
    await ecs.send(new StopTaskCommand({ cluster: 'lab', task: standalone.tasks![0]!.taskArn! }));
    await expect(deleteCluster()).rejects.toMatchObject({ name: 'ClusterContainsContainerInstancesException' });
    const [instanceArn] = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' })))
      .containerInstanceArns!;
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: instanceArn }));
    const deleted = await deleteCluster();

    expect(deleted.cluster).toMatchObject({ clusterName: 'lab', status: 'INACTIVE' });
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
    expect((await ecs.send(new DescribeClustersCommand({ clusters: ['lab'] }))).clusters?.[0]?.status).toBe('INACTIVE');
    await expect(ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'web' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
  });

  it('describes clusters with their counts, and lists a missing one under failures', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;

    const out = await env.ecs.send(
      new DescribeClustersCommand({ clusters: ['lab', 'arn:aws:ecs:us-east-1:111111111111:cluster/ghost'] }),
    );

    expect(out.clusters).toEqual([
      expect.objectContaining({
        clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/lab',
        clusterName: 'lab',
        status: 'ACTIVE',
        registeredContainerInstancesCount: 1,
        runningTasksCount: 1,
        pendingTasksCount: 0,
        activeServicesCount: 1,
      }),
    ]);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:111111111111:cluster/ghost', reason: 'MISSING' }]);
  });

  it('creates a cluster once: creating it again returns the same cluster', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;

    const first = await env.ecs.send(new CreateClusterCommand({ clusterName: 'fresh' }));
    const again = await env.ecs.send(new CreateClusterCommand({ clusterName: 'fresh' }));

    expect(first.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/fresh',
      status: 'ACTIVE',
      activeServicesCount: 0,
    });
    expect(again.cluster?.clusterArn).toBe(first.cluster?.clusterArn);
    await expect(env.ecs.send(new CreateClusterCommand({ clusterName: 'bad name!' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('describes a container instance with its EC2 instance, resources as ECS formats them and its task counts', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;
    const [arn] = (await env.ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns!;

    const out = await env.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'lab', containerInstances: [arn!] }),
    );

    const instance = out.containerInstances![0]!;
    expect(instance).toMatchObject({
      containerInstanceArn: arn,
      ec2InstanceId: expect.stringMatching(/^i-0[0-9a-f]{16}$/),
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 1,
      pendingTasksCount: 0,
    });
    const resource = (list: typeof instance.registeredResources, name: string) => list?.find((r) => r.name === name);
    expect(resource(instance.registeredResources, 'CPU')).toMatchObject({ type: 'INTEGER', integerValue: 2048 });
    expect(resource(instance.registeredResources, 'MEMORY')).toMatchObject({ type: 'INTEGER', integerValue: 3904 });
    expect(resource(instance.remainingResources, 'CPU')?.integerValue).toBe(2048 - 256);
    expect(resource(instance.remainingResources, 'MEMORY')?.integerValue).toBe(3904 - 512);
    expect(resource(instance.registeredResources, 'PORTS')).toMatchObject({
      type: 'STRINGSET',
      stringSetValue: ['22', '2375', '2376', '51678', '51679'],
    });
    expect(resource(instance.remainingResources, 'PORTS')?.stringSetValue).toEqual([
      '22',
      '2375',
      '2376',
      '51678',
      '51679',
      '80',
    ]);
  });

  it('refuses to deregister a container instance with running tasks unless forced, and forced, no longer counts its tasks (they are orphaned)', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;
    const [arn] = (await env.ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns!;

    await expect(
      env.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: arn })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const out = await env.ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: arn, force: true }),
    );

    expect(out.containerInstance).toMatchObject({ status: 'INACTIVE' });
    expect((await env.ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns).toEqual(
      [],
    );
    expect(sandbox.world.cluster('lab').runningTasksCount).toBe(0);
  });

  it('returns tags, settings and statistics from DescribeClusters only when include asks for them', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;
    sandbox.world.createCluster('tagged', [{ key: 'team', value: 'web' }]);

    const plain = (await env.ecs.send(new DescribeClustersCommand({ clusters: ['tagged'] }))).clusters![0]!;
    const full = (
      await env.ecs.send(
        new DescribeClustersCommand({ clusters: ['tagged', 'lab'], include: ['TAGS', 'STATISTICS', 'SETTINGS'] }),
      )
    ).clusters!;

    expect(plain).not.toHaveProperty('tags');
    expect(plain).not.toHaveProperty('statistics');
    expect(plain).not.toHaveProperty('settings');
    expect(full[0]).toMatchObject({
      tags: [{ key: 'team', value: 'web' }],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
    });
    expect(full[1]?.statistics).toEqual(
      expect.arrayContaining([
        { name: 'runningEC2TasksCount', value: '1' },
        { name: 'activeEC2ServiceCount', value: '1' },
        { name: 'runningFargateTasksCount', value: '0' },
      ]),
    );
    await expect(
      env.ecs.send(new DescribeClustersCommand({ clusters: ['lab'], include: ['EVERYTHING' as 'TAGS'] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('registers a container instance: a known EC2 instance by its identity document, or a new host without one', async () => {
    const env = await labWithOneInstance();
    sandbox = env.sandbox;
    const [instanceArn] = (await env.ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' })))
      .containerInstanceArns!;
    const [before] = (
      await env.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'lab', containerInstances: [instanceArn!] }))
    ).containerInstances!;
    await env.ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'web', force: true }));
    await env.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: instanceArn! }));

    const again = await env.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'lab',
        instanceIdentityDocument: JSON.stringify({ instanceId: before!.ec2InstanceId, instanceType: 't3.medium' }),
      }),
    );
    const fresh = await env.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'lab',
        totalResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 1024 }],
      }),
    );
    const listed = (await env.ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns;
    const ec2 = new EC2Client(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
    const described = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [fresh.containerInstance!.ec2InstanceId!] }),
    );

    expect(again.containerInstance).toMatchObject({
      ec2InstanceId: before!.ec2InstanceId,
      status: 'ACTIVE',
      agentConnected: true,
    });
    expect(again.containerInstance?.containerInstanceArn).not.toBe(instanceArn);
    expect(fresh.containerInstance?.registeredResources?.find((r) => r.name === 'CPU')?.integerValue).toBe(1024);
    expect(listed).toEqual([
      again.containerInstance!.containerInstanceArn,
      fresh.containerInstance!.containerInstanceArn,
    ]);
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
    await expect(
      env.ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: 'lab',
          instanceIdentityDocument: JSON.stringify({ instanceId: 'i-0000000000000000f' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('deregistering with force orphans the instance’s tasks: ECS stops counting them and the service starts a copy elsewhere', async () => {
    const sandboxEnv = await startTestSandbox({
      account: emptyAccount({
        taskDefinitions: [
          { family: 'api', containerDefinitions: [{ name: 'api', image: 'example/api:1', cpu: 256, memory: 256 }] },
        ],
        clusters: [
          {
            name: 'lab',
            instances: [{ instanceType: 't3.medium' }],
            services: [{ name: 'api', taskDefinition: 'api', desiredCount: 1 }],
          },
        ],
      }),
    });
    sandbox = sandboxEnv;
    const ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, PLATFORM_ADMIN)));
    const [oldInstance] = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' })))
      .containerInstanceArns!;
    const [orphan] = (await ecs.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'api' }))).taskArns!;
    sandbox.world.launchContainerInstance('lab');

    await ecs.send(
      new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: oldInstance!, force: true }),
    );
    const serviceTasks = (await ecs.send(new ListTasksCommand({ cluster: 'lab', serviceName: 'api' }))).taskArns!;
    const [orphaned] = (await ecs.send(new DescribeTasksCommand({ cluster: 'lab', tasks: [orphan!] }))).tasks!;
    const [cluster] = (await ecs.send(new DescribeClustersCommand({ clusters: ['lab'] }))).clusters!;

    // The orphan is not stopped: no SIGTERM, its last known state stays as it was.
    expect(orphaned).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    expect(serviceTasks).toHaveLength(1);
    expect(serviceTasks).not.toContain(orphan);
    expect(cluster).toMatchObject({ runningTasksCount: 1 });
  });
});
