import {
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, roleOf, startTestSandbox, type Credentials } from '../../testbed/sandbox';

describe('sandbox fault injection', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  let credentials: Credentials;

  beforeEach(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
    credentials = await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'admin'));
  });
  afterEach(() => sandbox.stop());

  /** Lets the first attempt be throttled, then lifts the fault so the SDK's retry goes through. */
  async function throttledOnce<T>(
    fault: Parameters<Sandbox['inject']>[0],
    errorName: string,
    send: () => Promise<T>,
  ): Promise<T> {
    const remove = sandbox.inject(fault);
    const seen = sandbox.calls.filter((c) => c.error === errorName).length;
    const pending = send();
    while (sandbox.calls.filter((c) => c.error === errorName).length === seen)
      await new Promise((resolve) => setImmediate(resolve));
    remove();
    return pending;
  }

  it('throttles a call so the SDK retries it, and the retried RunTask starts exactly one task', async () => {
    const ecs = new ECSClient(clientConfig(sandbox, credentials));
    const before = sandbox.world.cluster('demo-prod').tasks.size;

    const out = await throttledOnce({ kind: 'throttle', action: 'ecs:RunTask', rate: 1 }, 'ThrottlingException', () =>
      ecs.send(new RunTaskCommand({ cluster: 'demo-prod', taskDefinition: 'cron' })),
    );

    const attempts = sandbox.callsTo('ecs:RunTask');
    expect(out.$metadata.attempts).toBe(attempts.length);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.filter((c) => c.error === undefined)).toHaveLength(1);
    expect(out.tasks).toHaveLength(1);
    expect(sandbox.world.cluster('demo-prod').tasks.size).toBe(before + 1);
  });

  it('throttles at a seeded rate, and every call still succeeds once through the SDK retries', async () => {
    const ecs = new ECSClient({ ...clientConfig(sandbox, credentials), maxAttempts: 10 });
    sandbox.inject({ kind: 'throttle', action: /^ecs:Describe/, rate: 0.3 });

    for (let i = 0; i < 5; i += 1)
      await ecs.send(new DescribeServicesCommand({ cluster: 'demo-prod', services: ['web'] }));

    const attempts = sandbox.callsTo('ecs:DescribeServices');
    expect(attempts.filter((c) => c.error === undefined)).toHaveLength(5);
    expect(attempts.every((c) => c.error === undefined || c.error === 'ThrottlingException')).toBe(true);
  });

  it('throttles EC2 with RequestLimitExceeded, which the SDK also retries', async () => {
    const ec2 = new EC2Client(clientConfig(sandbox, credentials));

    const out = await throttledOnce({ kind: 'throttle', action: /^ec2:/, rate: 1 }, 'RequestLimitExceeded', () =>
      ec2.send(new DescribeInstancesCommand({})),
    );

    expect(out.Reservations).toHaveLength(3);
    expect(out.$metadata.attempts).toBeGreaterThan(1);
  });

  it('denies a call on a matching resource as many times as asked, then lets it through', async () => {
    const ecs = new ECSClient(clientConfig(sandbox, credentials));
    sandbox.inject({ kind: 'accessDenied', action: 'ecs:UpdateService', resource: 'service/demo-prod/web', times: 1 });

    const denied = ecs.send(new UpdateServiceCommand({ cluster: 'demo-prod', service: 'web', desiredCount: 2 }));
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await ecs.send(new UpdateServiceCommand({ cluster: 'demo-prod', service: 'worker', desiredCount: 3 }));
    await ecs.send(new UpdateServiceCommand({ cluster: 'demo-prod', service: 'web', desiredCount: 2 }));

    expect(sandbox.mutations().map((c) => [c.action, c.params.service])).toEqual([
      ['UpdateService', 'worker'],
      ['UpdateService', 'web'],
    ]);
  });

  it('delays calls by the latency asked for and still answers them', async () => {
    const ecs = new ECSClient(clientConfig(sandbox, credentials));
    sandbox.inject({ kind: 'latency', action: 'ecs:ListClusters', ms: 50 });

    const [clusters, services] = await Promise.all([
      ecs.send(new ListClustersCommand({})),
      ecs.send(new DescribeServicesCommand({ cluster: 'demo-prod', services: ['web'] })),
    ]);

    expect(clusters.clusterArns).toEqual([
      'arn:aws:ecs:us-east-1:111111111111:cluster/demo-prod',
      'arn:aws:ecs:us-east-1:111111111111:cluster/demo-staging',
    ]);
    expect(services.services).toHaveLength(1);
    sandbox.clearFaults();
  });
});
