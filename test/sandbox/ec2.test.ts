import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, roleOf, startTestSandbox } from '../../testbed/sandbox';

describe('sandbox EC2', () => {
  let sandbox: Sandbox & { clock: ManualClock };

  beforeEach(async () => {
    sandbox = await startTestSandbox({
      account: demoAccount(),
      timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 30_000 },
    });
  });
  afterEach(() => sandbox.stop());

  async function clients(level: 'read' | 'admin', cluster = 'demo-prod') {
    const credentials = await assumeRole(sandbox, roleOf(sandbox, cluster, level));
    return {
      ec2: new EC2Client(clientConfig(sandbox, credentials)),
      ecs: new ECSClient(clientConfig(sandbox, credentials)),
    };
  }

  async function prodInstanceIds(ecs: ECSClient): Promise<{ containerInstanceArn: string; ec2InstanceId: string }[]> {
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'demo-prod' }))).containerInstanceArns!;
    const out = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'demo-prod', containerInstances: arns }),
    );
    return out.containerInstances!.map((c) => ({
      containerInstanceArn: c.containerInstanceArn!,
      ec2InstanceId: c.ec2InstanceId!,
    }));
  }

  it('describes the EC2 instances behind the container instances, by id and by state filter', async () => {
    const { ec2, ecs } = await clients('read');
    const [first] = await prodInstanceIds(ecs);

    const byId = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [first!.ec2InstanceId] }));
    const running = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }),
    );
    const stopped = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped', 'terminated'] }] }),
    );

    expect(byId.Reservations?.[0]?.Instances?.[0]).toMatchObject({
      InstanceId: first!.ec2InstanceId,
      InstanceType: 't3.large',
      State: { Code: 16, Name: 'running' },
      PublicDnsName: expect.stringMatching(/^ec2-[\d-]+\.compute-1\.amazonaws\.com$/),
      PrivateIpAddress: expect.stringMatching(/^10\.0\.\d+\.\d+$/),
      LaunchTime: expect.any(Date),
      Placement: expect.objectContaining({ AvailabilityZone: expect.stringMatching(/^us-east-1[abc]$/) }),
    });
    expect(running.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(3);
    expect(stopped.Reservations ?? []).toEqual([]);
  });

  it('says an unknown instance id does not exist, with EC2 error code and message', async () => {
    const { ec2 } = await clients('read');

    await expect(
      ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    ).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
  });

  it('terminates an instance: shutting-down, then terminated; its agent disconnects and its tasks stop', async () => {
    const { ec2, ecs } = await clients('admin');
    const [first] = await prodInstanceIds(ecs);
    const tasksBefore = (
      await ecs.send(new ListTasksCommand({ cluster: 'demo-prod', containerInstance: first!.containerInstanceArn }))
    ).taskArns!;

    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [first!.ec2InstanceId] }));
    const [agent] = (
      await ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: 'demo-prod',
          containerInstances: [first!.containerInstanceArn],
        }),
      )
    ).containerInstances!;
    const unnoticed = (await ecs.send(new DescribeTasksCommand({ cluster: 'demo-prod', tasks: tasksBefore }))).tasks!;
    sandbox.clock.advance(30_000);
    const stoppedTasks = (await ecs.send(new DescribeTasksCommand({ cluster: 'demo-prod', tasks: tasksBefore })))
      .tasks!;
    const later = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [first!.ec2InstanceId] }));
    const status = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: [first!.ec2InstanceId], IncludeAllInstances: true }),
    );

    expect(out.TerminatingInstances).toEqual([
      {
        InstanceId: first!.ec2InstanceId,
        CurrentState: { Code: 32, Name: 'shutting-down' },
        PreviousState: { Code: 16, Name: 'running' },
      },
    ]);
    expect(agent).toMatchObject({ agentConnected: false });
    expect(tasksBefore.length).toBeGreaterThan(0);
    // ECS keeps the last report of the agent until it notices the instance is gone; no container reports an exit code.
    for (const task of unnoticed) expect(task).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    for (const task of stoppedTasks) {
      expect(task).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'TerminationNotice',
        stoppedReason: `Host EC2 (instance ${first!.ec2InstanceId}) terminated.`,
      });
      expect(task.containers?.every((c) => c.exitCode === undefined)).toBe(true);
    }
    expect(later.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(status.InstanceStatuses?.[0]).toMatchObject({
      InstanceId: first!.ec2InstanceId,
      InstanceState: { Name: 'terminated' },
    });
  });

  it('refuses TerminateInstances to a read role and to the admin of another cluster', async () => {
    const read = await clients('read');
    const stagingAdmin = await clients('admin', 'demo-staging');
    const [first] = await prodInstanceIds(read.ecs);

    for (const { ec2 } of [read, stagingAdmin]) {
      await expect(
        ec2.send(new TerminateInstancesCommand({ InstanceIds: [first!.ec2InstanceId] })),
      ).rejects.toMatchObject({
        name: 'UnauthorizedOperation',
        message: expect.stringContaining(
          `is not authorized to perform: ec2:TerminateInstances on resource: arn:aws:ec2:us-east-1:111111111111:instance/${first!.ec2InstanceId}`,
        ),
      });
    }
    expect(sandbox.world.findEc2Instance(first!.ec2InstanceId)?.state).toBe('running');
  });

  it('reports running instances as passing their status checks', async () => {
    const { ec2 } = await clients('read');

    const out = await ec2.send(new DescribeInstanceStatusCommand({}));

    expect(out.InstanceStatuses).toHaveLength(3);
    expect(out.InstanceStatuses?.[0]).toMatchObject({
      InstanceState: { Code: 16, Name: 'running' },
      SystemStatus: { Status: 'ok', Details: [{ Name: 'reachability', Status: 'passed' }] },
      InstanceStatus: { Status: 'ok' },
    });
  });
});
