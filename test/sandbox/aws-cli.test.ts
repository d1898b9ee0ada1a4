import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_OPERATOR_KEY, demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { BASE_CREDENTIALS, roleOf, startTestSandbox } from '../../testbed/sandbox';

const run = promisify(execFile);
const awsAvailable = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe('the AWS CLI against the sandbox', () => {
  let sandbox: Sandbox & { clock: ManualClock };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
  });
  afterAll(() => sandbox.stop());

  /** Runs `aws --endpoint-url … ARGS --output json` with only the given credentials (async: the sandbox shares this process). */
  async function aws(
    args: string[],
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  ): Promise<unknown> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: sandbox.region,
      AWS_DEFAULT_REGION: sandbox.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    };
    const { stdout } = await run('aws', ['--endpoint-url', sandbox.url, ...args, '--output', 'json'], { env });
    return JSON.parse(stdout);
  }

  it('lists clusters and describes a service with the operator key', async () => {
    if (!awsAvailable) {
      console.log('aws CLI not on PATH: skipping the AWS CLI assertions');
      return;
    }

    const clusters = await aws(['ecs', 'list-clusters'], DEMO_OPERATOR_KEY);
    const services = (await aws(
      ['ecs', 'describe-services', '--cluster', 'demo-prod', '--services', 'web'],
      DEMO_OPERATOR_KEY,
    )) as {
      services: { serviceName: string; runningCount: number; deployments: { rolloutState: string }[] }[];
    };

    expect(clusters).toEqual({
      clusterArns: [
        'arn:aws:ecs:us-east-1:111111111111:cluster/demo-prod',
        'arn:aws:ecs:us-east-1:111111111111:cluster/demo-staging',
      ],
    });
    expect(services.services[0]).toMatchObject({
      serviceName: 'web',
      runningCount: 1,
      deployments: [expect.objectContaining({ rolloutState: 'COMPLETED' })],
    });
  });

  it('lists ECR repositories and reads a running task’s CloudWatch log events with the operator key', async () => {
    if (!awsAvailable) {
      console.log('aws CLI not on PATH: skipping the AWS CLI assertions');
      return;
    }
    const web = [...sandbox.world.cluster('demo-prod').tasks.values()].find(
      (t) => t.service?.name === 'web' && t.lastStatus === 'RUNNING',
    )!;

    const repositories = (await aws(['ecr', 'describe-repositories'], DEMO_OPERATOR_KEY)) as {
      repositories: { repositoryName: string; repositoryUri: string }[];
    };
    const images = (await aws(['ecr', 'describe-images', '--repository-name', 'worker'], DEMO_OPERATOR_KEY)) as {
      imageDetails: { imageTags?: string[] }[];
    };
    const logs = (await aws(
      [
        'logs',
        'get-log-events',
        '--log-group-name',
        '/ecs/web',
        '--log-stream-name',
        `ecs/web/${web.id}`,
        '--limit',
        '3',
      ],
      DEMO_OPERATOR_KEY,
    )) as {
      events: { timestamp: number; message: string }[];
      nextForwardToken: string;
    };

    expect(repositories.repositories.map((r) => r.repositoryName)).toEqual(['cron', 'worker']);
    expect(repositories.repositories[1]?.repositoryUri).toBe('111111111111.dkr.ecr.us-east-1.amazonaws.com/worker');
    expect(images.imageDetails.flatMap((i) => i.imageTags ?? [])).toEqual(
      expect.arrayContaining(['2.4.1', '2.5.0-rc1']),
    );
    expect(logs.events).toHaveLength(3);
    expect(logs.events.every((e) => /"GET \/\S* HTTP\/1\.1" \d{3}/.test(e.message))).toBe(true);
    expect(logs.nextForwardToken).toMatch(/^f\//);
    expect(sandbox.callsTo('logs:GetLogEvents').at(-1)?.principal).toMatchObject({
      kind: 'assumed',
      sessionName: 'operator',
    });
  });

  it('assumes a role with sts assume-role and uses the session for ECS and EC2', async () => {
    if (!awsAvailable) {
      console.log('aws CLI not on PATH: skipping the AWS CLI assertions');
      return;
    }

    const assumed = (await aws(
      [
        'sts',
        'assume-role',
        '--role-arn',
        roleOf(sandbox, 'demo-prod', 'read'),
        '--role-session-name',
        'U0CLI',
        '--tags',
        'Key=user,Value=U0CLI',
      ],
      BASE_CREDENTIALS,
    )) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const session = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const tasks = (await aws(['ecs', 'list-tasks', '--cluster', 'demo-prod', '--service-name', 'web'], session)) as {
      taskArns: string[];
    };
    const instances = (await aws(
      ['ec2', 'describe-instances', '--filters', 'Name=instance-state-name,Values=running'],
      session,
    )) as {
      Reservations: { Instances: { State: { Name: string } }[] }[];
    };

    expect(tasks.taskArns).toHaveLength(1);
    expect(instances.Reservations.flatMap((r) => r.Instances).map((i) => i.State.Name)).toEqual([
      'running',
      'running',
      'running',
    ]);
    expect(sandbox.callsTo('ecs:ListTasks').at(-1)?.principal).toMatchObject({
      kind: 'assumed',
      sessionName: 'U0CLI',
      tags: { user: 'U0CLI' },
    });
    await expect(
      aws(['ecs', 'update-service', '--cluster', 'demo-prod', '--service', 'web', '--desired-count', '2'], session),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('AccessDeniedException'),
    });
  });
});
