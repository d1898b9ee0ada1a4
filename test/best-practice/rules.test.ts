import { createAwsAccess } from '../../src/aws/access';
import { type AuditEvidence } from '../../src/aws/best-practice-evidence';
import { auditCluster } from '../../src/best-practice/audit';
import { type AuditRule, type Finding } from '../../src/best-practice/finding';
import { AUDIT_RULES } from '../../src/best-practice/rules';
import { agentHealth, compareVersions } from '../../src/best-practice/rules/agent-health';
import { circuitBreaker } from '../../src/best-practice/rules/circuit-breaker';
import { fixedHostPorts } from '../../src/best-practice/rules/fixed-host-ports';
import { imdsv2 } from '../../src/best-practice/rules/imdsv2';
import { memoryLimits } from '../../src/best-practice/rules/memory-limits';
import { environmentOf, mixedEnvironments } from '../../src/best-practice/rules/mixed-environments';
import { imageTag, mutableImageTags } from '../../src/best-practice/rules/mutable-image-tags';
import { openPorts } from '../../src/best-practice/rules/open-ports';
import { looksLikeSecret, plaintextSecrets } from '../../src/best-practice/rules/plaintext-secrets';
import { singleTask } from '../../src/best-practice/rules/single-task';
import { singleZone } from '../../src/best-practice/rules/single-zone';
import { systemClock } from '../../src/clock';
import { type Sandbox } from '../../src/sandbox';
import { auditAccount, auditConfig, DB_PASSWORD_VALUE } from '../../testbed/audit-fixtures';
import { captureLogs } from '../../testbed/logs';
import { BASE_CREDENTIALS, startTestSandbox } from '../../testbed/sandbox';
import { USERS } from '../../testbed/config';

/**
 * Each audit rule, as a pure function of evidence the sandbox produced: the same reads the bot
 * makes (src/aws/best-practice-evidence.ts, with the cluster's read role) of `shop`, which breaks
 * every rule once, and of `tidy`, which breaks none (test/support/audit-fixtures.ts).
 */

let sandbox: Sandbox;
let shop: AuditEvidence;
let tidy: AuditEvidence;

async function evidenceOf(alias: string): Promise<AuditEvidence> {
  const aws = createAwsAccess({
    config: auditConfig(),
    clock: systemClock,
    logger: captureLogs().logger,
    clientConfig: { endpoint: sandbox.url, maxAttempts: 1 },
    stsConfig: { credentials: BASE_CREDENTIALS },
  });
  const ops = await aws.forCluster({ alias, level: 'read', user: { id: USERS.alice, teamId: 'T0' }, team: 'web' });
  return ops.bestPractice.evidence();
}

beforeAll(async () => {
  sandbox = await startTestSandbox({ account: auditAccount() });
  [shop, tidy] = await Promise.all([evidenceOf('shop'), evidenceOf('tidy')]);
});
afterAll(() => sandbox?.stop());

const only = (rule: AuditRule, e: AuditEvidence): Finding[] => rule.check(e);

describe('the evidence an audit reads', () => {
  it('is read with the read role only, changes nothing, and never holds an environment value', () => {
    expect(sandbox.mutations()).toHaveLength(0);
    const roles = new Set(
      sandbox.calls.flatMap((c) => (c.principal.kind === 'assumed' ? [c.principal.roleArn.split('/').pop()] : [])),
    );
    expect([...roles].sort()).toEqual(['chatops-shop-read', 'chatops-tidy-read']);
    expect(JSON.stringify(shop)).not.toContain(DB_PASSWORD_VALUE);
    expect(
      shop.taskDefinitions.find((t) => t.taskDefinition === 'shop-web:1')!.containers[0]!.environmentNames,
    ).toEqual(['DB_PASSWORD', 'LOG_LEVEL', 'CACHE_KEY_PREFIX']);
    expect(shop.gaps).toEqual([]);
  });

  it('takes a bounded number of calls: one describe per batch, not one per resource', () => {
    const count = (action: string) => sandbox.callsTo(action).length;
    // Two clusters: per cluster one DescribeClusters, one ListServices page, one DescribeServices
    // batch, one ListContainerInstances page, one DescribeContainerInstances batch, one
    // DescribeInstances batch, one DescribeSecurityGroups and one DescribeSecurityGroupRules page.
    for (const action of [
      'ecs:DescribeClusters',
      'ecs:ListServices',
      'ecs:DescribeServices',
      'ecs:ListContainerInstances',
      'ecs:DescribeContainerInstances',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSecurityGroupRules',
    ])
      expect({ action, calls: count(action) }).toEqual({ action, calls: 2 });
    // Subnets only for shop's awsvpc service; one DescribeTaskDefinition per revision in use (2 + 1).
    expect(count('ec2:DescribeSubnets')).toBe(1);
    expect(count('ecs:DescribeTaskDefinition')).toBe(3);
  });
});

describe('one finding per broken rule, from what the sandbox answered', () => {
  it('open-ports: SSH open to 0.0.0.0/0 on an instance, PostgreSQL open to ::/0 on a service’s task ENIs, and not HTTPS', () => {
    const findings = only(openPorts, shop);
    expect(findings.map((f) => [f.severity, f.problem])).toEqual([
      ['high', expect.stringMatching(/^SSH \(22\) open to the whole internet \(0\.0\.0\.0\/0\), used by instance i-/)],
      ['high', 'PostgreSQL (5432) open to the whole internet (::/0), used by service worker-staging.'],
    ]);
    expect(findings[0]!.resource).toMatch(/^security group sg-[0-9a-f]{17} \(ssh-anywhere\)$/);
    expect(findings[0]!.fix).toMatch(/--security-group-rule-ids sgr-[0-9a-f]{17}/);
  });

  it('open-ports: every port open (protocol -1) is a finding too', () => {
    const group = shop.securityGroups.find((g) => g.name === 'ssh-anywhere')!;
    const everything = {
      ...shop,
      securityGroups: [{ ...group, ingress: [{ protocol: '-1', cidrIpv4: '0.0.0.0/0' }] }],
    };
    expect(only(openPorts, everything).map((f) => f.problem)).toEqual([
      expect.stringMatching(/^every port \(all protocols\) open to the whole internet/),
    ]);
  });

  it('plaintext-secrets: DB_PASSWORD in plain environment, by name only; LOG_LEVEL and CACHE_KEY_PREFIX are not secrets', () => {
    const findings = only(plaintextSecrets, shop);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      resource: 'container web of shop-web:1 (service web)',
      problem: 'Passes `DB_PASSWORD` as plain environment value.',
    });
    expect(JSON.stringify(findings)).not.toContain(DB_PASSWORD_VALUE);
    expect(
      ['API_KEY', 'stripeSecretKey', 'GITHUB_TOKEN', 'DB_PASSWD', 'AWS_SECRET_ACCESS_KEY'].every(looksLikeSecret),
    ).toBe(true);
    expect(['CACHE_KEY_PREFIX', 'KEYSPACE', 'TOKENIZER_MODEL', 'LOG_LEVEL'].some(looksLikeSecret)).toBe(false);
  });

  it('agent-health: an agent older than the cluster’s newest is low; a disconnected one is high', () => {
    expect(only(agentHealth, shop).map((f) => [f.severity, f.problem])).toEqual([
      ['low', 'Runs ECS agent 1.82.0; other instances here run 1.89.2.'],
    ]);
    const disconnected = { ...shop, instances: shop.instances.map((i, n) => ({ ...i, agentConnected: n !== 1 })) };
    expect(only(agentHealth, disconnected).map((f) => [f.severity, f.problem])).toEqual([
      ['low', 'Runs ECS agent 1.82.0; other instances here run 1.89.2.'],
      ['high', 'Its ECS agent is disconnected.'],
    ]);
    expect(compareVersions('1.9.0', '1.10.0')).toBeLessThan(0);
  });

  it('imdsv2: the instance that answers IMDSv1 (HttpTokens optional)', () => {
    const withTokens = shop.instances.filter((i) => i.httpTokens === 'optional');
    expect(withTokens).toHaveLength(1);
    expect(only(imdsv2, shop)).toEqual([
      expect.objectContaining({
        severity: 'medium',
        resource: expect.stringContaining(withTokens[0]!.ec2InstanceId!),
        fix: expect.stringContaining('--http-tokens required'),
      }),
    ]);
  });

  it('mutable-image-tags: nginx:latest and an image with no tag; a digest or a version is fine', () => {
    expect(only(mutableImageTags, shop).map((f) => f.problem)).toEqual([
      'Runs image `nginx:latest` — the `latest` tag.',
      'Runs image `111111111111.dkr.ecr.us-east-1.amazonaws.com/worker` with no tag, which means `latest`.',
    ]);
    expect(imageTag('localhost:5000/app')).toBeUndefined();
    expect(imageTag('app@sha256:abc')).toBe('digest');
    expect(imageTag('registry:5000/app:1.2')).toBe('1.2');
  });

  it('memory-limits: a container with only a soft limit (memoryReservation)', () => {
    expect(only(memoryLimits, shop).map((f) => [f.resource, f.problem])).toEqual([
      [
        'container worker of shop-worker:1 (service worker-staging)',
        'Only a soft limit: memoryReservation 128 MiB, no `memory` for the container or the task.',
      ],
    ]);
  });

  it('circuit-breaker: each service deploying without it', () => {
    expect(only(circuitBreaker, shop).map((f) => f.resource)).toEqual(['service web', 'service worker-staging']);
  });

  it('fixed-host-ports: 3 tasks on host port 8080 and 2 instances', () => {
    expect(only(fixedHostPorts, shop).map((f) => [f.resource, f.problem])).toEqual([
      ['service web', 'Wants 3 tasks on fixed host port 8080, but the cluster has 2 active instances.'],
    ]);
  });

  it('single-zone: both instances in us-east-1a, and an awsvpc service whose only subnet is there', () => {
    expect(only(singleZone, shop).map((f) => [f.resource, f.problem])).toEqual([
      ['cluster shop', 'All 2 container instances are in us-east-1a.'],
      ['service worker-staging', 'Its tasks can only run in us-east-1a: every subnet it names is in that zone.'],
    ]);
  });

  it('mixed-environments: web is prod (the cluster’s env tag), worker-staging is staging (its name)', () => {
    expect(only(mixedEnvironments, shop).map((f) => f.problem)).toEqual([
      'Runs services of 2 environments — prod: web; staging: worker-staging.',
    ]);
    const tagged = { ...shop.services[0]!, name: 'web', tags: { Environment: 'Production' } };
    expect(environmentOf(tagged, { clusterTags: {} })).toBe('prod');
    expect(environmentOf({ ...tagged, tags: {}, name: 'api' }, { clusterTags: {} })).toBeUndefined();
  });

  it('single-task: the service with one task', () => {
    expect(only(singleTask, shop).map((f) => [f.severity, f.resource])).toEqual([['low', 'service worker-staging']]);
  });

  it('every rule is in the list, and each found something in shop', () => {
    expect(AUDIT_RULES.map((r) => r.id).sort()).toEqual(
      [
        'agent-health',
        'circuit-breaker',
        'fixed-host-ports',
        'imdsv2',
        'memory-limits',
        'mixed-environments',
        'mutable-image-tags',
        'open-ports',
        'plaintext-secrets',
        'single-task',
        'single-zone',
      ].sort(),
    );
    for (const rule of AUDIT_RULES)
      expect({ rule: rule.id, found: rule.check(shop).length > 0 }).toEqual({ rule: rule.id, found: true });
  });
});

describe('the whole audit', () => {
  it('ranks findings high, then medium, then low', () => {
    const { findings, counts } = auditCluster(shop);
    expect(counts).toEqual({ high: 3, medium: 10, low: 2 });
    const order = findings.map((f) => ['high', 'medium', 'low'].indexOf(f.severity));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a cluster that follows every practice has no findings', () => {
    expect(auditCluster(tidy).findings).toEqual([]);
    expect(auditCluster(tidy).checked).toEqual({
      services: 1,
      taskDefinitions: 1,
      instances: 2,
      securityGroups: 1,
      rules: AUDIT_RULES.length,
    });
  });
});
