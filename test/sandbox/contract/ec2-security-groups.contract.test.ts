import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  paginateDescribeSecurityGroupRules,
} from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ECSClient, paginateListContainerInstances } from '@aws-sdk/client-ecs';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig } from '../../../testbed/sandbox';
import { contractSandbox, recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * Security groups, their rules and what instances say about themselves, against the Amazon EC2
 * API Reference (API_CreateSecurityGroup.html, API_AuthorizeSecurityGroupIngress.html,
 * API_DescribeSecurityGroups.html → SecurityGroup, IpPermission, IpRange, Ipv6Range,
 * UserIdGroupPair; API_DescribeSecurityGroupRules.html → SecurityGroupRule,
 * ReferencedSecurityGroup; API_DescribeInstances.html → Instance.groupSet and
 * InstanceMetadataOptionsResponse) and the Amazon ECS API Reference (ContainerInstance.agentConnected,
 * VersionInfo.agentVersion). An answer may only use element names the reference documents.
 */

const ELEMENTS = {
  CreateSecurityGroup: ['CreateSecurityGroupResponse', 'requestId', 'return', 'groupId', 'tagSet', 'securityGroupArn'],
  SecurityGroupRules: [
    'requestId',
    'return',
    'securityGroupRuleSet',
    'item',
    'securityGroupRuleId',
    'groupId',
    'groupOwnerId',
    'isEgress',
    'ipProtocol',
    'fromPort',
    'toPort',
    'cidrIpv4',
    'cidrIpv6',
    'prefixListId',
    'referencedGroupInfo',
    'userId',
    'description',
    'tagSet',
    'securityGroupRuleArn',
    'nextToken',
  ],
  DescribeSecurityGroups: [
    'DescribeSecurityGroupsResponse',
    'requestId',
    'securityGroupInfo',
    'item',
    'ownerId',
    'groupId',
    'groupName',
    'groupDescription',
    'vpcId',
    'ipPermissions',
    'ipPermissionsEgress',
    'ipProtocol',
    'fromPort',
    'toPort',
    'groups',
    'userId',
    'ipRanges',
    'cidrIp',
    'ipv6Ranges',
    'cidrIpv6',
    'prefixListIds',
    'description',
    'tagSet',
    'securityGroupArn',
    'nextToken',
  ],
} as const;

let sandbox: Sandbox & { clock: ManualClock };
let ec2: EC2Client;
let raw: { last(): RawAnswer };
let config: Awaited<ReturnType<typeof contractSandbox>>['config'];

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  config = env.config;
  ec2 = new EC2Client(env.config);
  raw = recordRaw(ec2);
});
afterAll(() => sandbox?.stop());

function expectElements(answer: RawAnswer, allowed: readonly string[]): void {
  expect(answer.status).toBe(200);
  const unknown = [...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n) && !n.endsWith('Response'));
  expect(unknown).toEqual([]);
}

async function vpcId(): Promise<string> {
  const out = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
  );
  return out.SecurityGroups![0]!.VpcId!;
}

describe('EC2 CreateSecurityGroup and AuthorizeSecurityGroupIngress, as the API reference answers them', () => {
  it('a new group gets an sg- id and the default outbound rule; a second group of that name is InvalidGroup.Duplicate', async () => {
    const vpc = await vpcId();
    const out = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'db-contract', Description: 'database', VpcId: vpc }),
    );
    expectElements(raw.last(), ELEMENTS.CreateSecurityGroup);
    expect(out.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId!] }));
    expect(described.SecurityGroups![0]).toMatchObject({
      GroupName: 'db-contract',
      Description: 'database',
      VpcId: vpc,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });

    await expect(
      ec2.send(new CreateSecurityGroupCommand({ GroupName: 'DB-contract', Description: 'again', VpcId: vpc })),
    ).rejects.toMatchObject({ name: 'InvalidGroup.Duplicate', $metadata: { httpStatusCode: 400 } });
    expect(xmlErrorCode(raw.last())).toBe('InvalidGroup.Duplicate');
  });

  it('one rule per source, each with an sgr- id; the same rule again is InvalidPermission.Duplicate and adds nothing', async () => {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'pg-open', Description: 'postgres', VpcId: await vpcId() }),
    );
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 5432,
            ToPort: 5432,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'anyone' }],
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          },
        ],
      }),
    );
    expectElements(raw.last(), ELEMENTS.SecurityGroupRules);
    expect(out.Return).toBe(true);
    expect(out.SecurityGroupRules).toEqual([
      expect.objectContaining({
        SecurityGroupRuleId: expect.stringMatching(/^sgr-[0-9a-f]{17}$/),
        GroupId,
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        CidrIpv4: '0.0.0.0/0',
        Description: 'anyone',
      }),
      expect.objectContaining({ IsEgress: false, CidrIpv6: '::/0', FromPort: 5432, ToPort: 5432 }),
    ]);

    await expect(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPermission.Duplicate', $metadata: { httpStatusCode: 400 } });

    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }));
    expectElements(raw.last(), ELEMENTS.DescribeSecurityGroups);
    expect(described.SecurityGroups![0]!.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'anyone' }],
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      },
    ]);
  });

  it('a group that does not exist is InvalidGroup.NotFound', async () => {
    await expect(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: 'sg-0123456789abcdef0',
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidGroup.NotFound', $metadata: { httpStatusCode: 400 } });
  });

  it('a read role may describe rules but not create groups: UnauthorizedOperation, HTTP 403', async () => {
    const reader = new EC2Client({
      ...clientConfig(sandbox, await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/chatops-demo-prod-read')),
      maxAttempts: 1,
    });
    await expect(reader.send(new DescribeSecurityGroupRulesCommand({}))).resolves.toBeDefined();
    await expect(
      reader.send(new CreateSecurityGroupCommand({ GroupName: 'nope', Description: 'nope' })),
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
  });
});

describe('EC2 DescribeSecurityGroupRules, as the API reference answers it', () => {
  it('filtered by group-id, paged by MaxResults and nextToken: every rule once, inbound and outbound', async () => {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'many-rules', Description: 'paging', VpcId: await vpcId() }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [22, 80, 443, 3306, 6379, 27017].map((port) => ({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          IpRanges: [{ CidrIp: '10.0.0.0/16' }],
        })),
      }),
    );
    const pages = [];
    for await (const page of paginateDescribeSecurityGroupRules(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'group-id', Values: [GroupId!] }] },
    )) {
      expectElements(raw.last(), ELEMENTS.SecurityGroupRules);
      pages.push(page.SecurityGroupRules ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([5, 2]);
    const rules = pages.flat();
    expect(new Set(rules.map((r) => r.SecurityGroupRuleId)).size).toBe(7);
    expect(rules.filter((r) => r.IsEgress)).toEqual([
      expect.objectContaining({ IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
    ]);
    expect(rules.filter((r) => !r.IsEgress).map((r) => r.FromPort)).toEqual([22, 80, 443, 3306, 6379, 27017]);
  });

  it('the default group allows inbound traffic from itself: a referenced group, not a CIDR', async () => {
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
    );
    const id = SecurityGroups![0]!.GroupId!;
    const out = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }),
    );
    expect(out.SecurityGroupRules!.find((r) => !r.IsEgress)).toMatchObject({
      IpProtocol: '-1',
      ReferencedGroupInfo: { GroupId: id, UserId: '111111111111' },
    });
  });

  it('MaxResults below 5 is InvalidParameterValue; an unknown rule id is InvalidSecurityGroupRuleId.NotFound', async () => {
    await expect(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 4 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidSecurityGroupRuleId.NotFound' });
  });
});

describe('what instances say about their network and agent', () => {
  it('DescribeInstances names each instance’s security groups and its metadata options (HttpTokens)', async () => {
    const out = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:ecs:clusterName', Values: ['demo-prod'] }] }),
    );
    const instances = out.Reservations!.flatMap((r) => r.Instances!);
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(i.MetadataOptions).toMatchObject({ State: 'applied', HttpTokens: 'required', HttpEndpoint: 'enabled' });
      expect(i.SecurityGroups!.map((g) => g.GroupName)).toContain('default');
    }
    // The demo's jump host: SSH open to the world.
    expect(instances.filter((i) => i.SecurityGroups!.some((g) => g.GroupName === 'ssh-anywhere'))).toHaveLength(1);
  });

  it('DescribeSubnets gives each subnet’s availability zone', async () => {
    const out = await ec2.send(new DescribeSubnetsCommand({}));
    expect(out.Subnets!.map((s) => s.AvailabilityZone)).toEqual(expect.arrayContaining(['us-east-1a', 'us-east-1b']));
  });

  it('DescribeContainerInstances: agentConnected and versionInfo.agentVersion, and an older agent says so', async () => {
    const ecs = new ECSClient(config);
    const arns: string[] = [];
    for await (const page of paginateListContainerInstances({ client: ecs }, { cluster: 'demo-prod' }))
      arns.push(...(page.containerInstanceArns ?? []));
    const first = [...sandbox.world.cluster('demo-prod').instances.values()][0]!;
    first.agentVersion = '1.51.0';
    const out = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'demo-prod', containerInstances: arns }),
    );
    expect(out.containerInstances!.map((c) => [c.agentConnected, c.versionInfo?.agentVersion]).sort()).toEqual([
      [true, '1.51.0'],
      [true, '1.89.2'],
    ]);
  });
});
