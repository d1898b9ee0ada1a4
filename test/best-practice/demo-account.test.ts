import { createAwsAccess } from '../../src/aws/access';
import { auditCluster } from '../../src/best-practice/audit';
import { systemClock } from '../../src/clock';
import { demoAccount, type Sandbox } from '../../src/sandbox';
import { testConfig } from '../../testbed/config';
import { captureLogs } from '../../testbed/logs';
import { BASE_CREDENTIALS, startTestSandbox } from '../../testbed/sandbox';

/** The playground's account gives `/ecs audit` something to say on demo-prod, and less on demo-staging. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ account: demoAccount({ fargate: true }) });
});
afterAll(() => sandbox?.stop());

async function audit(cluster: string) {
  const role = (level: string) => `arn:aws:iam::111111111111:role/chatops-${cluster}-${level}`;
  const config = testConfig(`
clusters:
  ${cluster}: { name: ${cluster}, region: us-east-1, roles: { read: ${role('read')} } }
teams:
  t: { users: [U0ALICE], access: { ${cluster}: read } }
`);
  const aws = createAwsAccess({
    config,
    clock: systemClock,
    logger: captureLogs().logger,
    clientConfig: { endpoint: sandbox.url, maxAttempts: 1 },
    stsConfig: { credentials: BASE_CREDENTIALS },
  });
  const ops = await aws.forCluster({ alias: cluster, level: 'read', user: { id: 'U0ALICE', teamId: 'T0' }, team: 't' });
  return auditCluster(await ops.bestPractice.evidence());
}

it('demo-prod: SSH open to the world on one instance (high) and cron on the latest tag', async () => {
  const { findings } = await audit('demo-prod');
  expect(findings[0]).toMatchObject({
    rule: 'open-ports',
    severity: 'high',
    resource: expect.stringMatching(/\(ssh-anywhere\)$/),
    problem: expect.stringMatching(/^SSH \(22\) open to the whole internet \(0\.0\.0\.0\/0\), used by instance i-/),
  });
  expect(findings.filter((f) => f.rule === 'open-ports')).toHaveLength(1);
  expect(findings).toContainEqual(
    expect.objectContaining({ rule: 'mutable-image-tags', resource: 'container cron of cron:1 (service cron)' }),
  );
});

it('demo-fargate: its Fargate service is read through its task ENIs’ security group and subnets', async () => {
  const { findings, checked } = await audit('demo-fargate');
  expect(checked).toMatchObject({ services: 1, instances: 0, securityGroups: 1 });
  expect(findings.filter((f) => f.rule === 'open-ports' || f.rule === 'single-zone')).toEqual([]);
});
