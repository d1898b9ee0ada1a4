import { type Route } from '@aws-sdk/client-ec2';
import { type AwsClients } from './clients';
import { awsCall, type AwsCallContext } from './errors';

/** How a subnet reaches the internet and AWS services, as a task pulling an image needs it to. */
export interface SubnetReach {
  subnetId: string;
  vpcId?: string;
  availabilityZone?: string;
  /** The default route (0.0.0.0/0) of the subnet's route table: a NAT gateway, an internet gateway, or nothing. */
  defaultRoute?: { kind: 'nat-gateway' | 'internet-gateway' | 'other'; target: string };
  /** The route table that applies (the subnet's own association, else the VPC's main table). */
  routeTableId?: string;
  /** Service names of the VPC's endpoints, e.g. com.amazonaws.us-east-1.ecr.dkr. */
  endpoints: string[];
}

export interface NetworkOps {
  /** DescribeSubnets, DescribeRouteTables (the subnet's, else the main one) and DescribeVpcEndpoints of its VPC. */
  subnetReach(subnetId: string): Promise<SubnetReach>;
}

export function createNetworkOps(clients: Pick<AwsClients, 'ec2'>, base: Omit<AwsCallContext, 'action'>): NetworkOps {
  const ec2 = () => clients.ec2();
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  return {
    async subnetReach(subnetId) {
      const { m, client } = await ec2();
      const subnets = await awsCall(ctx('ec2:DescribeSubnets', subnetId), () =>
        client.send(new m.DescribeSubnetsCommand({ SubnetIds: [subnetId] })),
      );
      const subnet = subnets.Subnets?.[0];
      const vpcId = subnet?.VpcId;
      // A subnet without an explicit association uses the VPC's main route table (Amazon VPC User Guide, "Route tables").
      const [own, endpoints] = await Promise.all([
        awsCall(ctx('ec2:DescribeRouteTables', subnetId), () =>
          client.send(
            new m.DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
          ),
        ),
        vpcId
          ? awsCall(ctx('ec2:DescribeVpcEndpoints', vpcId), () =>
              client.send(new m.DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
            )
          : Promise.resolve(undefined),
      ]);
      let table = own.RouteTables?.[0];
      if (!table && vpcId) {
        const main = await awsCall(ctx('ec2:DescribeRouteTables', vpcId), () =>
          client.send(
            new m.DescribeRouteTablesCommand({
              Filters: [
                { Name: 'vpc-id', Values: [vpcId] },
                { Name: 'association.main', Values: ['true'] },
              ],
            }),
          ),
        );
        table = main.RouteTables?.[0];
      }
      const route: Route | undefined = table?.Routes?.find(
        (r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.State !== 'blackhole',
      );
      const defaultRoute = !route
        ? undefined
        : route.NatGatewayId
          ? { kind: 'nat-gateway' as const, target: route.NatGatewayId }
          : route.GatewayId?.startsWith('igw-')
            ? { kind: 'internet-gateway' as const, target: route.GatewayId }
            : {
                kind: 'other' as const,
                target: route.GatewayId ?? route.NetworkInterfaceId ?? route.InstanceId ?? '?',
              };
      return {
        subnetId,
        ...(vpcId ? { vpcId } : {}),
        ...(subnet?.AvailabilityZone ? { availabilityZone: subnet.AvailabilityZone } : {}),
        ...(defaultRoute ? { defaultRoute } : {}),
        ...(table?.RouteTableId ? { routeTableId: table.RouteTableId } : {}),
        endpoints: (endpoints?.VpcEndpoints ?? [])
          .filter((e) => e.State === undefined || /^available$/i.test(e.State))
          .flatMap((e) => (e.ServiceName ? [e.ServiceName] : [])),
      };
    },
  };
}
