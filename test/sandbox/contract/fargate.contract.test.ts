import {
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  PutClusterCapacityProvidersCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { demoAccount, type ManualClock, type Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig, startTestSandbox } from '../../../testbed/sandbox';
import { Cluster, Responses } from './ecs-shapes';
import { conformance, recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * The Fargate and awsvpc answers against the API references: ECS RunTask, DescribeTasks,
 * CreateService, DescribeServices and DescribeClusters of Fargate tasks and services member by
 * member (ecs-shapes.ts), PutClusterCapacityProviders (its response is `{ cluster: Cluster }`,
 * API_PutClusterCapacityProviders.html), and the EC2 VPC descriptions by the element names the
 * Amazon EC2 API Reference gives their responses (API_DescribeVpcs, API_DescribeSubnets,
 * API_DescribeSecurityGroups, API_DescribeNetworkInterfaces).
 */

const EC2_ELEMENTS = {
  DescribeVpcs: [
    'DescribeVpcsResponse',
    'requestId',
    'vpcSet',
    'item',
    'vpcId',
    'ownerId',
    'state',
    'cidrBlock',
    'dhcpOptionsId',
    'instanceTenancy',
    'isDefault',
    'tagSet',
    'key',
    'value',
    'nextToken',
  ],
  DescribeSubnets: [
    'DescribeSubnetsResponse',
    'requestId',
    'subnetSet',
    'item',
    'subnetId',
    'subnetArn',
    'state',
    'vpcId',
    'ownerId',
    'cidrBlock',
    'availableIpAddressCount',
    'availabilityZone',
    'availabilityZoneId',
    'defaultForAz',
    'mapPublicIpOnLaunch',
    'tagSet',
    'key',
    'value',
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
    'ipRanges',
    'cidrIp',
    // IpPermission's other sources (UserIdGroupPair, Ipv6Range) and their descriptions
    'groups',
    'userId',
    'ipv6Ranges',
    'cidrIpv6',
    'description',
    'tagSet',
    'key',
    'value',
    'nextToken',
  ],
  DescribeNetworkInterfaces: [
    'DescribeNetworkInterfacesResponse',
    'requestId',
    'networkInterfaceSet',
    'item',
    'networkInterfaceId',
    'subnetId',
    'vpcId',
    'availabilityZone',
    'description',
    'ownerId',
    'requesterId',
    'requesterManaged',
    'status',
    'macAddress',
    'privateIpAddress',
    'privateDnsName',
    'sourceDestCheck',
    'interfaceType',
    'groupSet',
    'groupId',
    'groupName',
    'association',
    'publicIp',
    'ipOwnerId',
    'privateIpAddressesSet',
    'primary',
    'attachment',
    'tagSet',
    'nextToken',
  ],
} as const;

const PutClusterCapacityProviders = {
  name: 'PutClusterCapacityProvidersResponse',
  fields: { cluster: Cluster },
  present: ['cluster'],
};

let sandbox: Sandbox & { clock: ManualClock };
let ecs: ECSClient;
let ec2: EC2Client;
let ecsRaw: { last(): RawAnswer };
let ec2Raw: { last(): RawAnswer };
const NETWORK = {
  awsvpcConfiguration: { subnets: ['subnet-0a1f3c5e7b9d2e401'], securityGroups: ['sg-0d3c5b7a9e1f2d602'] },
};

beforeAll(async () => {
  sandbox = await startTestSandbox({
    account: demoAccount({ fargate: true }),
    timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 0 },
  });
  const config = {
    ...clientConfig(sandbox, await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/sandbox-operator')),
    maxAttempts: 1,
  };
  ecs = new ECSClient(config);
  ec2 = new EC2Client(config);
  ecsRaw = recordRaw(ecs);
  ec2Raw = recordRaw(ec2);
});
afterAll(() => sandbox?.stop());

const conforms = (raw: { last(): RawAnswer }, shape: Parameters<typeof conformance>[1]) => {
  const answer = raw.last();
  expect(answer.status).toBe(200);
  expect(conformance(JSON.parse(answer.body), shape)).toEqual([]);
};

describe('ECS answers about Fargate tasks and services, member by member', () => {
  it('RunTask and DescribeTasks of a task by capacity provider strategy', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'demo-fargate',
        taskDefinition: 'report',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: NETWORK,
      }),
    );
    conforms(ecsRaw, Responses.RunTask);
    await ecs.send(new DescribeTasksCommand({ cluster: 'demo-fargate', tasks: [run.tasks![0]!.taskArn!] }));
    conforms(ecsRaw, Responses.DescribeTasks);
  });

  it('CreateService and DescribeServices of a Fargate service; DescribeClusters and PutClusterCapacityProviders of its cluster', async () => {
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'demo-fargate',
        serviceName: 'reports',
        taskDefinition: 'report',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
      }),
    );
    conforms(ecsRaw, Responses.CreateService);
    await ecs.send(new DescribeServicesCommand({ cluster: 'demo-fargate', services: ['reports', 'api'] }));
    conforms(ecsRaw, Responses.DescribeServices);
    await ecs.send(new DescribeClustersCommand({ clusters: ['demo-fargate'] }));
    conforms(ecsRaw, Responses.DescribeClusters);
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'demo-staging',
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [],
      }),
    );
    conforms(ecsRaw, PutClusterCapacityProviders);
  });

  it.each([
    {
      name: 'a launch type with a strategy',
      input: {
        launchType: 'FARGATE' as const,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        networkConfiguration: NETWORK,
      },
    },
    { name: 'awsvpc without a network configuration', input: {} },
  ])('RunTask of $name is InvalidParameterException, HTTP 400', async (c) => {
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'demo-fargate', taskDefinition: 'report', ...c.input })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('EC2 answers about the VPC, by the element names of the reference', () => {
  const elements = (allowed: readonly string[]) => {
    const answer = ec2Raw.last();
    expect(answer.status).toBe(200);
    expect([...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n))).toEqual([]);
  };

  it('DescribeVpcs, DescribeSubnets, DescribeSecurityGroups and DescribeNetworkInterfaces', async () => {
    await ec2.send(new DescribeVpcsCommand({}));
    elements(EC2_ELEMENTS.DescribeVpcs);
    await ec2.send(new DescribeSubnetsCommand({}));
    elements(EC2_ELEMENTS.DescribeSubnets);
    await ec2.send(new DescribeSecurityGroupsCommand({}));
    elements(EC2_ELEMENTS.DescribeSecurityGroups);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(enis.NetworkInterfaces!.length).toBeGreaterThan(0);
    elements(EC2_ELEMENTS.DescribeNetworkInterfaces);
  });

  it.each([
    {
      name: 'DescribeSubnets of a subnet that does not exist',
      send: () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })),
      error: 'InvalidSubnetID.NotFound',
    },
    {
      name: 'DescribeSecurityGroups of a group that does not exist',
      send: () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
      error: 'InvalidGroup.NotFound',
    },
    {
      name: 'DescribeNetworkInterfaces of an ENI that does not exist',
      send: () => ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] })),
      error: 'InvalidNetworkInterfaceID.NotFound',
    },
  ])('$name is $error, HTTP 400', async (c) => {
    await expect(c.send()).rejects.toMatchObject({ name: c.error, $metadata: { httpStatusCode: 400 } });
    expect(xmlErrorCode(ec2Raw.last())).toBe(c.error);
  });
});
