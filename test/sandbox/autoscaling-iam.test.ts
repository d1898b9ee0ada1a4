import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, roleOf, startTestSandbox } from '../../testbed/sandbox';

const ECS = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

describe('the sandbox IAM holds Application Auto Scaling and CloudWatch to each role', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  beforeAll(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
  });
  afterAll(() => sandbox.stop());

  const autoscaling = async (cluster: string, level: 'read' | 'operate' | 'admin') =>
    new ApplicationAutoScalingClient({
      ...clientConfig(
        sandbox,
        await assumeRole(sandbox, roleOf(sandbox, cluster, level), { sourceIdentity: 'U0TEST' }),
      ),
      maxAttempts: 1,
    });

  it('a read role may describe scalable targets and get metric data', async () => {
    const client = await autoscaling('demo-prod', 'read');
    const out = await client.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    expect(out.ScalableTargets?.map((t) => t.ResourceId)).toEqual(['service/demo-prod/worker']);
    const cw = new CloudWatchClient({
      ...clientConfig(
        sandbox,
        await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'read'), { sourceIdentity: 'U0TEST' }),
      ),
      maxAttempts: 1,
    });
    const metrics = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(sandbox.clock.now() - 600_000),
        EndTime: new Date(sandbox.clock.now()),
        MetricDataQueries: [
          {
            Id: 'cpu',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ECS',
                MetricName: 'CPUUtilization',
                Dimensions: [
                  { Name: 'ClusterName', Value: 'demo-prod' },
                  { Name: 'ServiceName', Value: 'worker' },
                ],
              },
              Period: 60,
              Stat: 'Average',
            },
          },
        ],
      }),
    );
    expect(metrics.MetricDataResults?.[0]?.Values?.length).toBeGreaterThan(0);
  });

  it.each(['read', 'operate'] as const)('a %s role may not change a scalable target', async (level) => {
    const client = await autoscaling('demo-prod', level);
    await expect(
      client.send(
        new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/worker', MinCapacity: 1 }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sandbox.world.service('demo-prod', 'worker').desiredCount).toBe(2);
  });

  it("another cluster's admin role may not change this cluster's target: the service's own ECS permissions are checked", async () => {
    const client = await autoscaling('demo-staging', 'admin');
    await expect(
      client.send(
        new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/worker', MinCapacity: 1 }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(
        /ecs:(DescribeServices|UpdateService) on resource: arn:aws:ecs:us-east-1:111111111111:service\/demo-prod\/worker/,
      ),
    });
  });

  it("the cluster's admin role may", async () => {
    const client = await autoscaling('demo-prod', 'admin');
    await client.send(
      new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/worker', MaxCapacity: 6 }),
    );
    const out = await client.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    expect(out.ScalableTargets?.[0]).toMatchObject({ MinCapacity: 2, MaxCapacity: 6 });
  });
});
