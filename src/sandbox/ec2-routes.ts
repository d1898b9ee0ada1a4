import { AwsError } from './errors';
import type { XmlValue } from './protocols/query';
import { xmlResult, type ActionContext } from './service-module';
import { routesOf } from './world/routes';

/**
 * The simulated VPC's route tables and VPC endpoints over the EC2 query protocol, as the EC2 API
 * Reference's DescribeRouteTables and DescribeVpcEndpoints return them (routeTableSet with
 * routeSet and associationSet; vpcEndpointSet). A subnet without an explicit association uses the
 * main route table, which DescribeRouteTables does not list under that subnet (Amazon VPC User
 * Guide, "Route tables"). Filters: route-table-id, vpc-id, association.subnet-id,
 * association.main; for endpoints vpc-id, service-name, vpc-endpoint-id.
 */

type Ctx = ActionContext<undefined>;

interface Table {
  id: string;
  main: boolean;
  subnets: string[];
  route?: { gatewayId?: string; natGatewayId?: string; state: 'active' | 'blackhole' };
}

export function describeRouteTables(ctx: Ctx) {
  ctx.authorize();
  const vpc = ctx.world.vpc();
  const r = routesOf(vpc);
  const tables: Table[] = [
    { id: r.mainRouteTableId, main: true, subnets: [] },
    {
      id: r.publicRouteTableId,
      main: false,
      subnets: vpc.subnets.filter((s) => s.public).map((s) => s.id),
      route: { gatewayId: r.internetGatewayId, state: 'active' },
    },
    ...[...r.privateRouteTables].map(([subnet, id]) => ({
      id,
      main: false,
      subnets: [subnet],
      route: {
        natGatewayId: r.natGatewayId,
        state: r.withoutNat.has(subnet) ? ('blackhole' as const) : ('active' as const),
      },
    })),
  ];
  const ids = ctx.params.optStringList('RouteTableId');
  const filters = filterList(ctx);
  const selected = tables
    .filter((t) => !ids || ids.includes(t.id))
    .filter((t) =>
      filters.every(({ name, values }) => {
        switch (name) {
          case 'route-table-id':
            return values.includes(t.id);
          case 'vpc-id':
            return values.includes(vpc.id);
          case 'association.subnet-id':
            return t.subnets.some((s) => values.includes(s));
          case 'association.main':
            return values.includes(String(t.main));
          default:
            throw new AwsError('InvalidParameterValue', `The filter '${name.slice(0, 60)}' is invalid`);
        }
      }),
    );
  if (ids && selected.length < ids.length) {
    const missing = ids.find((id) => !tables.some((t) => t.id === id))!;
    throw new AwsError('InvalidRouteTableID.NotFound', `The routeTable ID '${missing.slice(0, 40)}' does not exist`);
  }
  return xmlResult({
    routeTableSet: selected.map((t) => render(ctx, vpc.id, vpc.cidr, t)),
  });
}

function render(ctx: Ctx, vpcId: string, cidr: string, t: Table): XmlValue {
  const routes: XmlValue[] = [
    { destinationCidrBlock: cidr, gatewayId: 'local', state: 'active', origin: 'CreateRouteTable' },
  ];
  if (t.route) routes.push({ destinationCidrBlock: '0.0.0.0/0', ...t.route, origin: 'CreateRoute' });
  const associations: XmlValue[] = t.main
    ? [
        {
          routeTableAssociationId: `rtbassoc-${t.id.slice(4)}`,
          routeTableId: t.id,
          main: true,
          associationState: { state: 'associated' },
        },
      ]
    : t.subnets.map((s, i) => ({
        routeTableAssociationId: `rtbassoc-${t.id.slice(4, -1)}${i}`,
        routeTableId: t.id,
        subnetId: s,
        main: false,
        associationState: { state: 'associated' },
      }));
  return {
    routeTableId: t.id,
    vpcId,
    ownerId: ctx.accountId,
    routeSet: routes,
    associationSet: associations,
    tagSet: [],
  };
}

export function describeVpcEndpoints(ctx: Ctx) {
  ctx.authorize();
  const vpc = ctx.world.vpc();
  const r = routesOf(vpc);
  const endpoints = [...r.endpoints].map((name, i) => ({
    id: `vpce-0c1d2e3f4a5b6c7${String(i).padStart(2, '0')}`,
    name,
    gateway: name.endsWith('.s3') || name.endsWith('.dynamodb'),
  }));
  const ids = ctx.params.optStringList('VpcEndpointId');
  const filters = filterList(ctx);
  const selected = endpoints
    .filter((e) => !ids || ids.includes(e.id))
    .filter((e) =>
      filters.every(({ name, values }) => {
        switch (name) {
          case 'vpc-id':
            return values.includes(vpc.id);
          case 'service-name':
            return values.includes(e.name);
          case 'vpc-endpoint-id':
            return values.includes(e.id);
          default:
            throw new AwsError('InvalidParameterValue', `The filter '${name.slice(0, 60)}' is invalid`);
        }
      }),
    );
  return xmlResult({
    vpcEndpointSet: selected.map((e) => ({
      vpcEndpointId: e.id,
      vpcEndpointType: e.gateway ? 'Gateway' : 'Interface',
      vpcId: vpc.id,
      serviceName: e.name,
      state: 'available',
      routeTableIdSet: e.gateway ? [...r.privateRouteTables.values()] : [],
      subnetIdSet: e.gateway ? [] : vpc.subnets.filter((s) => !s.public).map((s) => s.id),
      privateDnsEnabled: !e.gateway,
      ownerId: ctx.accountId,
    })),
  });
}

function filterList(ctx: Ctx): { name: string; values: string[] }[] {
  return (ctx.params.optList('Filter') ?? []).map((f) => ({
    name: typeof f.Name === 'string' ? f.Name : '',
    values: Array.isArray(f.Value) ? f.Value.filter((v): v is string => typeof v === 'string') : [],
  }));
}
