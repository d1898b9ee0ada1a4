import { AwsError } from './errors';
import { renderIpPermissions } from './ec2-security-groups';
import type { XmlValue } from './protocols/query';
import { xmlResult, type ActionContext } from './service-module';
import { freeAddresses, privateDnsName, type EniRecord, type SubnetRecord, type VpcRecord } from './world/vpc';

/**
 * The simulated VPC over the EC2 query protocol: DescribeVpcs, DescribeSubnets,
 * DescribeSecurityGroups and DescribeNetworkInterfaces (the ENIs of running awsvpc tasks).
 * Element names as in the EC2 API reference's response syntax (vpcSet, subnetSet,
 * securityGroupInfo, networkInterfaceSet). Named ids that do not exist are errors, as EC2 has them;
 * the filters the sandbox knows are vpc-id, subnet-id, group-id and availability-zone.
 */

type Ctx = ActionContext<undefined>;

function named<T extends { id: string }>(ctx: Ctx, param: string, all: T[], notFound: (id: string) => AwsError): T[] {
  const ids = ctx.params.optStringList(param);
  if (ids === undefined) return all;
  return ids.map((id) => {
    const found = all.find((x) => x.id === id);
    if (!found) throw notFound(id);
    return found;
  });
}

function filtered<T>(ctx: Ctx, items: T[], value: (item: T, name: string) => string | undefined): T[] {
  const list = (ctx.params.optList('Filter') ?? []).map((f) => ({
    name: typeof f.Name === 'string' ? f.Name : '',
    values: Array.isArray(f.Value) ? f.Value.filter((v): v is string => typeof v === 'string') : [],
  }));
  return items.filter((item) =>
    list.every(({ name, values }) => {
      const actual = value(item, name);
      if (actual === undefined)
        throw new AwsError('InvalidParameterValue', `The filter '${name.slice(0, 60)}' is invalid`);
      return values.includes(actual);
    }),
  );
}

function vpcOf(ctx: Ctx): VpcRecord {
  ctx.authorize();
  return ctx.world.vpc();
}

export function describeVpcs(ctx: Ctx) {
  const vpc = vpcOf(ctx);
  const vpcs = filtered(
    ctx,
    named(
      ctx,
      'VpcId',
      [vpc],
      (id) => new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id.slice(0, 40)}' does not exist`),
    ),
    (v, name) => (name === 'vpc-id' ? v.id : undefined),
  );
  return xmlResult({
    vpcSet: vpcs.map((v) => ({
      vpcId: v.id,
      ownerId: ctx.accountId,
      state: 'available',
      cidrBlock: v.cidr,
      dhcpOptionsId: 'dopt-0a1b2c3d',
      instanceTenancy: 'default',
      isDefault: false,
    })),
  });
}

export function describeSubnets(ctx: Ctx) {
  const vpc = vpcOf(ctx);
  const subnets = filtered(
    ctx,
    named(
      ctx,
      'SubnetId',
      vpc.subnets,
      (id) => new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id.slice(0, 40)}' does not exist`),
    ),
    (s, name) =>
      name === 'vpc-id'
        ? s.vpcId
        : name === 'subnet-id'
          ? s.id
          : name === 'availability-zone'
            ? s.availabilityZone
            : undefined,
  );
  return xmlResult({ subnetSet: subnets.map((s) => renderSubnet(ctx, vpc, s)) });
}

function renderSubnet(ctx: Ctx, vpc: VpcRecord, s: SubnetRecord): XmlValue {
  return {
    subnetId: s.id,
    subnetArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:subnet/${s.id}`,
    state: 'available',
    vpcId: s.vpcId,
    ownerId: ctx.accountId,
    cidrBlock: s.cidr,
    // A /24 has 256 addresses; AWS keeps 5 of them (a seed may leave fewer free).
    availableIpAddressCount: freeAddresses(vpc, s),
    availabilityZone: s.availabilityZone,
    defaultForAz: false,
    mapPublicIpOnLaunch: s.public,
    tagSet: [{ key: 'Name', value: s.name }],
  };
}

export function describeSecurityGroups(ctx: Ctx) {
  const vpc = vpcOf(ctx);
  const groups = filtered(
    ctx,
    named(
      ctx,
      'GroupId',
      vpc.securityGroups,
      (id) => new AwsError('InvalidGroup.NotFound', `The security group '${id.slice(0, 40)}' does not exist`),
    ),
    (g, name) =>
      name === 'vpc-id' ? g.vpcId : name === 'group-id' ? g.id : name === 'group-name' ? g.name : undefined,
  );
  return xmlResult({
    securityGroupInfo: groups.map((g) => ({
      ownerId: ctx.accountId,
      groupId: g.id,
      groupName: g.name,
      groupDescription: g.description,
      vpcId: g.vpcId,
      ipPermissions: renderIpPermissions(ctx, g, false),
      ipPermissionsEgress: renderIpPermissions(ctx, g, true),
    })),
  });
}

export function describeNetworkInterfaces(ctx: Ctx) {
  const vpc = vpcOf(ctx);
  const enis = filtered(
    ctx,
    named(
      ctx,
      'NetworkInterfaceId',
      [...vpc.enis.values()],
      (id) =>
        new AwsError(
          'InvalidNetworkInterfaceID.NotFound',
          `The networkInterface ID '${id.slice(0, 40)}' does not exist`,
        ),
    ),
    (e, name) =>
      name === 'vpc-id'
        ? vpc.id
        : name === 'subnet-id'
          ? e.subnet.id
          : name === 'availability-zone'
            ? e.subnet.availabilityZone
            : undefined,
  );
  return xmlResult({ networkInterfaceSet: enis.map((e) => renderEni(ctx, vpc, e)) });
}

function renderEni(ctx: Ctx, vpc: VpcRecord, e: EniRecord): XmlValue {
  return {
    networkInterfaceId: e.id,
    subnetId: e.subnet.id,
    vpcId: vpc.id,
    availabilityZone: e.subnet.availabilityZone,
    description: e.description,
    ownerId: ctx.accountId,
    // ECS creates and owns task ENIs.
    requesterId: '578734482556',
    requesterManaged: true,
    status: e.status,
    macAddress: e.mac,
    privateIpAddress: e.privateIp,
    privateDnsName: privateDnsName(e, ctx.region),
    sourceDestCheck: true,
    interfaceType: 'interface',
    groupSet: e.securityGroups.map((id) => ({
      groupId: id,
      groupName: vpc.securityGroups.find((g) => g.id === id)?.name ?? '',
    })),
    association: e.publicIp ? { publicIp: e.publicIp, ipOwnerId: 'amazon' } : undefined,
    privateIpAddressesSet: [
      { privateIpAddress: e.privateIp, privateDnsName: privateDnsName(e, ctx.region), primary: true },
    ],
  };
}
