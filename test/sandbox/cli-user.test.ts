import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  CreateClusterCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  ECSClient,
  ListAccountSettingsCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DEMO_OPERATOR_KEY, demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { startTestSandbox } from '../../testbed/sandbox';
import { startHarness } from '../../testbed/harness';
import { testConfig, testConfigYaml } from '../../testbed/config';

/**
 * The sandbox as someone with the AWS CLI (or an SDK) meets it through `npm run sandbox`: the
 * demo account with the operator key, Regions, and the calls people type first.
 */

describe('the sandbox keeps resources in a Region', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  beforeAll(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
  });
  afterAll(() => sandbox.stop());
  const ecs = (region: string) => new ECSClient({ endpoint: sandbox.url, region, credentials: DEMO_OPERATOR_KEY });

  it('lists none of us-east-1’s clusters to a caller in eu-west-1, and a cluster created there stays there', async () => {
    const home = await ecs('us-east-1').send(new ListClustersCommand({}));
    const away = await ecs('eu-west-1').send(new ListClustersCommand({}));

    expect(home.clusterArns).toHaveLength(2);
    expect(away.clusterArns).toEqual([]);

    const created = await ecs('eu-west-1').send(new CreateClusterCommand({ clusterName: 'qa' }));
    const awayAfter = await ecs('eu-west-1').send(new ListClustersCommand({}));
    const homeAfter = await ecs('us-east-1').send(new DescribeClustersCommand({ clusters: ['qa'] }));

    expect(created.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:111111111111:cluster/qa');
    expect(awayAfter.clusterArns).toEqual(['arn:aws:ecs:eu-west-1:111111111111:cluster/qa']);
    expect(homeAfter.clusters).toEqual([]);
    expect(homeAfter.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:111111111111:cluster/qa', reason: 'MISSING' }]);
  });

  it('has the ECR repositories and EC2 instances of us-east-1 only there', async () => {
    const repos = (region: string) =>
      new ECRClient({ endpoint: sandbox.url, region, credentials: DEMO_OPERATOR_KEY }).send(
        new DescribeRepositoriesCommand({}),
      );
    const instances = (region: string) =>
      new EC2Client({ endpoint: sandbox.url, region, credentials: DEMO_OPERATOR_KEY }).send(
        new DescribeInstancesCommand({}),
      );

    expect((await repos('us-east-1')).repositories?.map((r) => r.repositoryName)).toEqual(['cron', 'worker']);
    expect((await repos('eu-west-1')).repositories).toEqual([]);
    expect((await instances('us-east-1')).Reservations?.length).toBeGreaterThan(0);
    expect((await instances('eu-west-1')).Reservations ?? []).toEqual([]);
  });
});

describe('a config cluster in another Region than the account’s clusters', () => {
  it('does not show the us-east-1 cluster of the same name: the bot says ECS has no such cluster in eu-west-1', async () => {
    const yaml = testConfigYaml().replace(/(staging:\n {4}name: staging\n {4}region: )us-east-1/, '$1eu-west-1');
    const h = await startHarness({ config: testConfig(yaml) });
    try {
      const result = await h.command('services -c staging');

      expect(result.replies.at(-1)!.text).toContain('ECS has no cluster staging in eu-west-1');
      expect(h.sandbox.callsTo('ecs:ListServices').map((c) => c.region)).toEqual(['eu-west-1']);
      expect(h.sandbox.mutations()).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});

describe('operations a CLI user reaches for', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  beforeAll(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
  });
  afterAll(() => sandbox.stop());
  const ecs = () => new ECSClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: DEMO_OPERATOR_KEY });

  it('ecr get-login-password: a 12-hour token for the account’s registry, AWS:password in base64', async () => {
    const ecr = new ECRClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: DEMO_OPERATOR_KEY });

    const out = await ecr.send(new GetAuthorizationTokenCommand({}));

    const data = out.authorizationData![0]!;
    expect(data.proxyEndpoint).toBe('https://111111111111.dkr.ecr.us-east-1.amazonaws.com');
    expect(Buffer.from(data.authorizationToken!, 'base64').toString('utf8')).toMatch(/^AWS:\S+$/);
    expect(data.expiresAt!.getTime() - sandbox.clock.now()).toBe(12 * 3600 * 1000);
  });

  it('ecs list-tags-for-resource: a cluster’s and a service’s tags by ARN, and a clear error for one that does not exist', async () => {
    const cluster = await ecs().send(
      new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/demo-prod' }),
    );
    const service = await ecs().send(
      new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:111111111111:service/demo-prod/web' }),
    );
    const missing = ecs().send(
      new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:111111111111:service/demo-prod/nope' }),
    );

    expect(cluster.tags).toEqual([{ key: 'env', value: 'prod' }]);
    expect(service.tags).toEqual([]);
    await expect(missing).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('ecs describe-capacity-providers: FARGATE and FARGATE_SPOT, which every account has, and MISSING for others', async () => {
    const all = await ecs().send(new DescribeCapacityProvidersCommand({}));
    const some = await ecs().send(
      new DescribeCapacityProvidersCommand({ capacityProviders: ['FARGATE_SPOT', 'my-asg'], include: ['TAGS'] }),
    );

    expect(all.capacityProviders).toEqual([
      {
        capacityProviderArn: 'arn:aws:ecs:us-east-1:111111111111:capacity-provider/FARGATE',
        name: 'FARGATE',
        status: 'ACTIVE',
      },
      {
        capacityProviderArn: 'arn:aws:ecs:us-east-1:111111111111:capacity-provider/FARGATE_SPOT',
        name: 'FARGATE_SPOT',
        status: 'ACTIVE',
      },
    ]);
    expect(some.capacityProviders).toEqual([expect.objectContaining({ name: 'FARGATE_SPOT', tags: [] })]);
    expect(some.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:111111111111:capacity-provider/my-asg', reason: 'MISSING' },
    ]);
  });

  it('ecs list-account-settings: none set by anyone, and AWS’s defaults as the effective settings', async () => {
    const own = await ecs().send(new ListAccountSettingsCommand({}));
    const effective = await ecs().send(
      new ListAccountSettingsCommand({ effectiveSettings: true, name: 'taskLongArnFormat' }),
    );
    const pages = await ecs().send(new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 3 }));

    expect(own.settings).toEqual([]);
    expect(effective.settings).toEqual([
      {
        name: 'taskLongArnFormat',
        value: 'enabled',
        principalArn: 'arn:aws:iam::111111111111:root',
        type: 'aws_managed',
      },
    ]);
    expect(pages.settings).toHaveLength(3);
    expect(pages.nextToken).toBeDefined();
  });
});

describe('npm run sandbox on a port that is taken', () => {
  it('says which port and how to choose another, instead of a bare EADDRINUSE', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn('node_modules/.bin/tsx', ['src/sandbox/cli.ts', '--port', String(port)]);
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const [code] = await once(child, 'exit');

      expect(code).toBe(1);
      expect(err).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(err).toContain('--port 0 for any free port');
      expect(err).not.toContain('listen EADDRINUSE');
    } finally {
      blocker.close();
    }
  });
});
