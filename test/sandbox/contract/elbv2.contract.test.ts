import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig, startTestSandbox } from '../../../testbed/sandbox';
import { roleArn } from '../../../testbed/accounts';
import { SHOP_TARGET_GROUP, whyAccount } from '../../../testbed/why-fixtures';
import { recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * Elastic Load Balancing v2 (awsQuery: form in, XML out) against the ELBv2 API Reference
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/): DescribeTargetGroups
 * and DescribeTargetHealth, the two actions `why` sends, with the cluster's read role. Element
 * names are those the reference documents for each response (TargetGroup, Matcher; TargetHealthDescription,
 * TargetDescription, TargetHealth); errors are `<ErrorResponse><Error><Code>`.
 */

const ELEMENTS = {
  DescribeTargetGroups: [
    'DescribeTargetGroupsResponse',
    'DescribeTargetGroupsResult',
    'TargetGroups',
    'member',
    'TargetGroupArn',
    'TargetGroupName',
    'Protocol',
    'Port',
    'VpcId',
    'HealthCheckProtocol',
    'HealthCheckPort',
    'HealthCheckEnabled',
    'HealthCheckIntervalSeconds',
    'HealthCheckTimeoutSeconds',
    'HealthyThresholdCount',
    'UnhealthyThresholdCount',
    'HealthCheckPath',
    'Matcher',
    'HttpCode',
    'LoadBalancerArns',
    'TargetType',
    'ProtocolVersion',
    'IpAddressType',
    'NextMarker',
    'ResponseMetadata',
    'RequestId',
  ],
  DescribeTargetHealth: [
    'DescribeTargetHealthResponse',
    'DescribeTargetHealthResult',
    'TargetHealthDescriptions',
    'member',
    'Target',
    'Id',
    'Port',
    'AvailabilityZone',
    'HealthCheckPort',
    'TargetHealth',
    'State',
    'Reason',
    'Description',
    'ResponseMetadata',
    'RequestId',
  ],
} as const;

const ECS_ONLY = 'arn:aws:iam::111111111111:role/ecs-only-reader';

let sandbox: Sandbox & { clock: ManualClock };
let elb: ElasticLoadBalancingV2Client;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  const account = whyAccount();
  // A role whose policy has ECS reads only (no elasticloadbalancing:Describe*).
  account.roles.push({ arn: ECS_ONLY, level: 'read', clusters: ['prod'], actions: ['ecs:Describe*', 'ecs:List*'] });
  sandbox = await startTestSandbox({ account, timings: { taskStartMs: 0, taskStopMs: 1000 } });
  const credentials = await assumeRole(sandbox, roleArn('prod', 'read'));
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(sandbox, credentials), maxAttempts: 1 });
  raw = recordRaw(elb);
});
afterAll(() => sandbox?.stop());

function expectElements(answer: RawAnswer, allowed: readonly string[]): void {
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^text\/xml/);
  expect([...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n))).toEqual([]);
}

describe('ELBv2 DescribeTargetGroups, as the API reference answers it', () => {
  it('a target group by ARN: protocol and port, the health check (protocol, port, path, matcher, thresholds) and its load balancer', async () => {
    const out = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [SHOP_TARGET_GROUP] }));
    expectElements(raw.last(), ELEMENTS.DescribeTargetGroups);
    expect(out.TargetGroups).toEqual([
      expect.objectContaining({
        TargetGroupArn: SHOP_TARGET_GROUP,
        TargetGroupName: 'shop',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: expect.stringMatching(/^vpc-/),
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: 'traffic-port',
        HealthCheckPath: '/healthz',
        HealthCheckEnabled: true,
        Matcher: { HttpCode: '200' },
        UnhealthyThresholdCount: 2,
        LoadBalancerArns: [
          expect.stringMatching(/^arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer\/app\//),
        ],
      }),
    ]);
    expect(SHOP_TARGET_GROUP).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup\/shop\/[0-9a-f]{16}$/,
    );
  });

  it('by name, the same group', async () => {
    const out = await elb.send(new DescribeTargetGroupsCommand({ Names: ['shop'] }));
    expect(out.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual([SHOP_TARGET_GROUP]);
  });

  it('an ARN it does not have is TargetGroupNotFound, HTTP 400', async () => {
    const missing = SHOP_TARGET_GROUP.replace('/shop/', '/nope/');
    await expect(elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [missing] }))).rejects.toMatchObject({
      name: 'TargetGroupNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(xmlErrorCode(raw.last())).toBe('TargetGroupNotFound');
  });
});

describe('ELBv2 DescribeTargetHealth, as the API reference answers it', () => {
  it('each running task of the service is a target (instance id and host port): unhealthy with the reason code once judged; its replacement initial', async () => {
    // The seeded task has run for minutes: judged, and failing.
    let out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: SHOP_TARGET_GROUP }));
    expectElements(raw.last(), ELEMENTS.DescribeTargetHealth);
    const [first] = out.TargetHealthDescriptions!;
    expect(first).toEqual({
      Target: { Id: expect.stringMatching(/^i-[0-9a-f]{17}$/), Port: expect.any(Number) },
      HealthCheckPort: String(first!.Target!.Port),
      TargetHealth: {
        State: 'unhealthy',
        Reason: 'Target.ResponseCodeMismatch',
        Description: 'Health checks failed with these codes: [404]',
      },
    });

    // ECS replaces it (one interval after the judgement); the new task is being checked.
    sandbox.clock.advance(95_000);
    out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: SHOP_TARGET_GROUP }));
    expect(out.TargetHealthDescriptions!.map((d) => d.TargetHealth)).toEqual([
      { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' },
    ]);
  });

  it('a target group it does not have is TargetGroupNotFound, HTTP 400', async () => {
    await expect(
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: SHOP_TARGET_GROUP.replace('/shop/', '/nope/') })),
    ).rejects.toMatchObject({ name: 'TargetGroupNotFoundException', $metadata: { httpStatusCode: 400 } });
  });

  it('a role whose policy has no elasticloadbalancing:DescribeTargetHealth gets AccessDenied, HTTP 403', async () => {
    const ecsOnly = new ElasticLoadBalancingV2Client({
      ...clientConfig(sandbox, await assumeRole(sandbox, ECS_ONLY)),
      maxAttempts: 1,
    });
    const ecsOnlyRaw = recordRaw(ecsOnly);
    await expect(
      ecsOnly.send(new DescribeTargetHealthCommand({ TargetGroupArn: SHOP_TARGET_GROUP })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(xmlErrorCode(ecsOnlyRaw.last())).toBe('AccessDenied');
  });
});
