import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig, startTestSandbox } from '../../../testbed/sandbox';
import { roleArn } from '../../../testbed/accounts';
import { PRIVATE_A, PRIVATE_B, whyAccount } from '../../../testbed/why-fixtures';
import { recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * EC2's route tables and VPC endpoints (the ec2 query protocol) against the Amazon EC2 API
 * Reference: DescribeRouteTables (RouteTable, Route, RouteTableAssociation) and
 * DescribeVpcEndpoints (VpcEndpoint), as `why` reads them with the cluster's read role to tell
 * whether a task's subnet can reach a registry.
 */

const ELEMENTS = {
  DescribeRouteTables: [
    'DescribeRouteTablesResponse',
    'requestId',
    'routeTableSet',
    'item',
    'routeTableId',
    'vpcId',
    'ownerId',
    'routeSet',
    'destinationCidrBlock',
    'gatewayId',
    'natGatewayId',
    'state',
    'origin',
    'associationSet',
    'routeTableAssociationId',
    'subnetId',
    'main',
    'associationState',
    'tagSet',
    'nextToken',
  ],
  DescribeVpcEndpoints: [
    'DescribeVpcEndpointsResponse',
    'requestId',
    'vpcEndpointSet',
    'item',
    'vpcEndpointId',
    'vpcEndpointType',
    'vpcId',
    'serviceName',
    'state',
    'routeTableIdSet',
    'subnetIdSet',
    'privateDnsEnabled',
    'ownerId',
    'nextToken',
  ],
} as const;

let sandbox: Sandbox & { clock: ManualClock };
let ec2: EC2Client;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  sandbox = await startTestSandbox({ account: whyAccount() });
  ec2 = new EC2Client({ ...clientConfig(sandbox, await assumeRole(sandbox, roleArn('prod', 'read'))), maxAttempts: 1 });
  raw = recordRaw(ec2);
});
afterAll(() => sandbox?.stop());

function expectElements(answer: RawAnswer, allowed: readonly string[]): void {
  expect(answer.status).toBe(200);
  expect([...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n))).toEqual([]);
}

describe('EC2 DescribeRouteTables, as the API reference answers it', () => {
  it("a private subnet's own route table: the local route and 0.0.0.0/0 to the NAT gateway, associated with that subnet", async () => {
    const out = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [PRIVATE_A] }] }),
    );
    expectElements(raw.last(), ELEMENTS.DescribeRouteTables);
    expect(out.RouteTables).toHaveLength(1);
    const table = out.RouteTables![0]!;
    expect(table.RouteTableId).toMatch(/^rtb-[0-9a-f]{17}$/);
    expect(table.Routes).toEqual([
      { DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      {
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: expect.stringMatching(/^nat-[0-9a-f]{17}$/),
        State: 'active',
        Origin: 'CreateRoute',
      },
    ]);
    expect(table.Associations).toEqual([
      expect.objectContaining({ SubnetId: PRIVATE_A, Main: false, AssociationState: { State: 'associated' } }),
    ]);
  });

  it('with its NAT gateway route gone, the route is a blackhole', async () => {
    sandbox.world.setNatRoute(PRIVATE_A, false);
    const out = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [PRIVATE_A] }] }),
    );
    expect(out.RouteTables![0]!.Routes![1]).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', State: 'blackhole' });
    sandbox.world.setNatRoute(PRIVATE_A, true);
  });

  it('the main route table is found by association.main and has no subnet of its own', async () => {
    const out = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }] }),
    );
    expect(out.RouteTables).toHaveLength(1);
    expect(out.RouteTables![0]!.Associations).toEqual([expect.objectContaining({ Main: true })]);
    expect(out.RouteTables![0]!.Associations![0]!.SubnetId).toBeUndefined();
  });

  it('a route table id that does not exist is InvalidRouteTableID.NotFound, HTTP 400', async () => {
    await expect(
      ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidRouteTableID.NotFound', $metadata: { httpStatusCode: 400 } });
    expect(xmlErrorCode(raw.last())).toBe('InvalidRouteTableID.NotFound');
  });
});

describe('EC2 DescribeVpcEndpoints, as the API reference answers it', () => {
  it('none at first; an interface endpoint for ECR once added, with its service name, type and state', async () => {
    const vpcId = (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables![0]!.VpcId!;
    let out = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expectElements(raw.last(), ELEMENTS.DescribeVpcEndpoints);
    expect(out.VpcEndpoints).toEqual([]);

    sandbox.world.addVpcEndpoint('ecr.dkr');
    out = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expectElements(raw.last(), ELEMENTS.DescribeVpcEndpoints);
    expect(out.VpcEndpoints).toEqual([
      expect.objectContaining({
        VpcEndpointId: expect.stringMatching(/^vpce-[0-9a-f]{17}$/),
        VpcEndpointType: 'Interface',
        VpcId: vpcId,
        ServiceName: 'com.amazonaws.us-east-1.ecr.dkr',
        State: 'available',
      }),
    ]);
  });

  it('a filter it does not know is InvalidParameterValue, HTTP 400', async () => {
    await expect(
      ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'tag:team', Values: ['web'] }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
  });
});

describe('EC2 DescribeSubnets AvailableIpAddressCount, as the API reference defines it', () => {
  const available = async (id: string) =>
    (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0]!.AvailableIpAddressCount;

  it('a /24 has 251 (AWS keeps 5); a seeded nearly full subnet has what the seed left, and each task ENI takes one', async () => {
    expect(await available(PRIVATE_A)).toBe(251);
    expect(await available(PRIVATE_B)).toBe(1);
    const awsvpc = { subnets: [PRIVATE_B], securityGroups: [], assignPublicIp: 'DISABLED' as const };
    const first = sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc }).tasks[0]!;
    expect(await available(PRIVATE_B)).toBe(0);
    // A second task finds no address: no ENI for it, and the count does not go below zero.
    const second = sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc }).tasks[0]!;
    expect(second.eni).toBeUndefined();
    expect(await available(PRIVATE_B)).toBe(0);
    sandbox.world.stopTask('prod', first.id, 'done');
    sandbox.world.stopTask('prod', second.id, 'done');
  });
});
