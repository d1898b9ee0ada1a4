import { DescribeServicesCommand, ECSClient, ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ManualClock, Sandbox } from '../../src/sandbox';
import { assumeRole, BASE_CREDENTIALS, clientConfig, roleOf, startTestSandbox } from '../../testbed/sandbox';

describe('sandbox IAM and STS', () => {
  let sandbox: Sandbox & { clock: ManualClock };

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.stop());

  it('lets an assumed role call ECS and records the call under that session', async () => {
    // Prepare
    const credentials = await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'read'), {
      sessionName: 'U0ALICE',
      sourceIdentity: 'U0ALICE',
      tags: { user: 'U0ALICE', team: 'web' },
    });
    const ecs = new ECSClient(clientConfig(sandbox, credentials));

    // Act
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'demo-prod', services: ['web'] }));

    // Assess
    expect(credentials.accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(out.services?.[0]?.serviceName).toBe('web');
    const [call] = sandbox.callsTo('ecs:DescribeServices');
    expect(call?.principal).toEqual({
      kind: 'assumed',
      roleArn: roleOf(sandbox, 'demo-prod', 'read'),
      sessionName: 'U0ALICE',
      sourceIdentity: 'U0ALICE',
      tags: { user: 'U0ALICE', team: 'web' },
    });
    const [assume] = sandbox.callsTo('sts:AssumeRole');
    expect(assume?.params).toMatchObject({
      RoleSessionName: 'U0ALICE',
      Tags: [
        { Key: 'user', Value: 'U0ALICE' },
        { Key: 'team', Value: 'web' },
      ],
    });
  });

  it("refuses the bot's own credentials on ECS, so every ECS call has to go through a role", async () => {
    const ecs = new ECSClient(clientConfig(sandbox, BASE_CREDENTIALS));

    await expect(ecs.send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('assumed-role/ecs-chatops-bot/'),
    });
    expect(sandbox.callsTo('ecs:ListClusters')[0]).toMatchObject({
      principal: { kind: 'base' },
      error: 'AccessDeniedException',
    });
  });

  it('denies UpdateService to a read role with the message AWS writes, and changes nothing', async () => {
    const credentials = await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'read'), { sessionName: 'U0ALICE' });
    const ecs = new ECSClient(clientConfig(sandbox, credentials));

    const attempt = ecs.send(new UpdateServiceCommand({ cluster: 'demo-prod', service: 'web', desiredCount: 3 }));

    await expect(attempt).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::111111111111:assumed-role/chatops-demo-prod-read/U0ALICE is not authorized to perform: ecs:UpdateService ' +
        'on resource: arn:aws:ecs:us-east-1:111111111111:service/demo-prod/web because no identity-based policy allows the ecs:UpdateService action',
    });
    expect(sandbox.world.service('demo-prod', 'web').desiredCount).toBe(1);
    expect(sandbox.mutations()).toEqual([]);
  });

  it('denies a role scoped to one cluster on the resources of another cluster', async () => {
    const credentials = await assumeRole(sandbox, roleOf(sandbox, 'demo-staging', 'admin'));
    const ecs = new ECSClient(clientConfig(sandbox, credentials));

    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'demo-prod', service: 'web', desiredCount: 0 })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'demo-staging', service: 'web', desiredCount: 2 })),
    ).resolves.toMatchObject({
      service: { desiredCount: 2 },
    });
  });

  it('refuses AssumeRole for an unknown role or a missing or wrong ExternalId', async () => {
    const account = { ...(await import('../../src/sandbox')).demoAccount() };
    account.roles = account.roles.map((r) =>
      r.arn.endsWith('demo-prod-admin') ? { ...r, externalId: 'chatops-7f3a' } : r,
    );
    const guarded = await startTestSandbox({ account });
    try {
      const sts = new STSClient(clientConfig(guarded));
      const admin = roleOf(guarded, 'demo-prod', 'admin');
      const tries = [
        { RoleArn: `arn:aws:iam::${guarded.accountId}:role/no-such-role`, RoleSessionName: 'U0ALICE' },
        { RoleArn: admin, RoleSessionName: 'U0ALICE' },
        { RoleArn: admin, RoleSessionName: 'U0ALICE', ExternalId: 'wrong' },
      ];
      for (const input of tries) {
        await expect(sts.send(new AssumeRoleCommand(input))).rejects.toMatchObject({
          name: 'AccessDenied',
          message: expect.stringContaining(
            `is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
          ),
          $metadata: { httpStatusCode: 403 },
        });
      }
      await expect(
        sts.send(new AssumeRoleCommand({ RoleArn: admin, RoleSessionName: 'U0ALICE', ExternalId: 'chatops-7f3a' })),
      ).resolves.toMatchObject({
        Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) },
      });
    } finally {
      await guarded.stop();
    }
  });

  it('names the assumed role and session in GetCallerIdentity', async () => {
    const credentials = await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'operate'), { sessionName: 'U0BOB' });

    const who = await new STSClient(clientConfig(sandbox, credentials)).send(new GetCallerIdentityCommand({}));
    const base = await new STSClient(clientConfig(sandbox)).send(new GetCallerIdentityCommand({}));

    expect(who).toMatchObject({
      Account: '111111111111',
      Arn: 'arn:aws:sts::111111111111:assumed-role/chatops-demo-prod-operate/U0BOB',
    });
    expect(base.Arn).toMatch(/^arn:aws:sts::111111111111:assumed-role\/ecs-chatops-bot\//);
  });

  it('expires assumed credentials after DurationSeconds on the sandbox clock', async () => {
    const sts = new STSClient(clientConfig(sandbox));
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleOf(sandbox, 'demo-prod', 'read'),
        RoleSessionName: 'U0ALICE',
        DurationSeconds: 900,
      }),
    );
    const c = out.Credentials!;
    expect(c.Expiration?.getTime()).toBe(sandbox.clock.now() + 900_000);
    const ecs = new ECSClient(
      clientConfig(sandbox, {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken,
      }),
    );

    sandbox.clock.advance(900_000);

    await expect(ecs.send(new ListClustersCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
  });

  it('rejects a session name AWS would reject', async () => {
    const sts = new STSClient(clientConfig(sandbox));

    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: roleOf(sandbox, 'demo-prod', 'read'), RoleSessionName: 'has spaces' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});
