import { invalidParameter } from '../errors';
import type { SeededRandom } from '../random';
import { defaultRules, type SecurityGroupRecord } from './security-groups';

export type { SecurityGroupRecord } from './security-groups';

/**
 * The account's one VPC, where awsvpc tasks get their elastic network interfaces: two private
 * subnets (no route to the internet: an image pull from a public registry needs a NAT gateway or
 * VPC endpoints there) and two public ones, in zones a and b, and two security groups.
 */

export interface SubnetRecord {
  id: string;
  vpcId: string;
  cidr: string;
  availabilityZone: string;
  name: string;
  /** Has a route to an internet gateway (MapPublicIpOnLaunch). */
  public: boolean;
  /** The next host number handed out (AWS reserves .0–.3 and .255). */
  nextHost: number;
  /** Addresses ENIs may take: 251 in a /24 (AWS keeps 5); a seed may shrink it to fill the subnet up. */
  size: number;
}

export interface EniRecord {
  id: string;
  attachmentId: string;
  subnet: SubnetRecord;
  privateIp: string;
  publicIp?: string;
  mac: string;
  securityGroups: string[];
  status: 'in-use' | 'available';
  description: string;
}

export interface VpcRecord {
  id: string;
  cidr: string;
  subnets: SubnetRecord[];
  securityGroups: SecurityGroupRecord[];
  /** ENIs of tasks not yet stopped (ECS deletes a task's ENI when it stops). */
  enis: Map<string, EniRecord>;
}

/** The VPC's default security group: what EC2 instances get when nothing else is named. */
export const DEFAULT_SECURITY_GROUP = 'sg-0d3c5b7a9e1f2d601';

export function createVpc(region: string): VpcRecord {
  const vpcId = 'vpc-0c5a7e21d4b9f3a10';
  const subnet = (id: string, n: number, zone: string, name: string, pub: boolean): SubnetRecord => ({
    id,
    vpcId,
    cidr: `10.1.${n}.0/24`,
    availabilityZone: `${region}${zone}`,
    name,
    public: pub,
    nextHost: 4,
    size: 251,
  });
  return {
    id: vpcId,
    cidr: '10.1.0.0/16',
    subnets: [
      subnet('subnet-0a1f3c5e7b9d2e401', 1, 'a', 'private-a', false),
      subnet('subnet-0a1f3c5e7b9d2e402', 2, 'b', 'private-b', false),
      subnet('subnet-0b2e4d6f8a0c1b501', 101, 'a', 'public-a', true),
      subnet('subnet-0b2e4d6f8a0c1b502', 102, 'b', 'public-b', true),
    ],
    securityGroups: [
      {
        id: DEFAULT_SECURITY_GROUP,
        vpcId,
        name: 'default',
        description: 'default VPC security group',
        rules: defaultRules(DEFAULT_SECURITY_GROUP, { selfIngress: true }),
      },
      {
        id: 'sg-0d3c5b7a9e1f2d602',
        vpcId,
        name: 'app',
        description: 'Tasks behind the load balancer',
        rules: defaultRules('sg-0d3c5b7a9e1f2d602'),
      },
    ],
    enis: new Map(),
  };
}

/**
 * An ENI for one awsvpc task in one of the given subnets (round robin by how many ENIs each
 * has). Unknown subnets and security groups are refused as RunTask refuses them.
 */
/** `descriptionPrefix`/ATTACHMENT-ID is the ENI's description (ECS writes its attachment ARN there). */
export function attachEni(
  ctx: { readonly ids: SeededRandom },
  vpc: VpcRecord,
  config: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean },
  descriptionPrefix: string,
): EniRecord {
  const subnets = config.subnets.map((id) => {
    const found = vpc.subnets.find((s) => s.id === id);
    if (!found)
      throw invalidParameter(
        `Error retrieving subnet information for [${id.slice(0, 40)}]: The subnet ID '${id.slice(0, 40)}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`,
      );
    return found;
  });
  for (const id of config.securityGroups) {
    if (!vpc.securityGroups.some((g) => g.id === id)) {
      throw invalidParameter(
        `Error retrieving security group information for [${id.slice(0, 40)}]: The security group '${id.slice(0, 40)}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidGroup.NotFound)`,
      );
    }
  }
  const inUse = (s: SubnetRecord) => [...vpc.enis.values()].filter((e) => e.subnet === s).length;
  const withRoom = subnets.filter((s) => inUse(s) < s.size);
  if (withRoom.length === 0) throw new NoFreeAddresses(subnets[0]!);
  const subnet = withRoom.reduce((a, b) => (inUse(b) < inUse(a) ? b : a));
  const host = subnet.nextHost;
  subnet.nextHost = host >= 254 ? 4 : host + 1;
  const attachmentId = ctx.ids.uuid();
  const eni: EniRecord = {
    id: `eni-${ctx.ids.hex(17)}`,
    attachmentId,
    subnet,
    privateIp: `${subnet.cidr.split('.').slice(0, 3).join('.')}.${host}`,
    publicIp:
      config.assignPublicIp && subnet.public
        ? `54.${160 + (host % 40)}.${(host * 7) % 250}.${(host * 13) % 250}`
        : undefined,
    mac: `0e:${ctx.ids.hex(2)}:${ctx.ids.hex(2)}:${ctx.ids.hex(2)}:${ctx.ids.hex(2)}:${ctx.ids.hex(2)}`,
    securityGroups: config.securityGroups.length > 0 ? config.securityGroups : [vpc.securityGroups[0]!.id],
    status: 'in-use',
    description: `${descriptionPrefix}/${attachmentId}`,
  };
  vpc.enis.set(eni.id, eni);
  return eni;
}

/** Addresses of the subnet no ENI holds (DescribeSubnets' AvailableIpAddressCount). */
export function freeAddresses(vpc: VpcRecord, subnet: SubnetRecord): number {
  return subnet.size - [...vpc.enis.values()].filter((e) => e.subnet === subnet).length;
}

/**
 * None of the task's subnets has a free address: EC2's CreateNetworkInterface fails with
 * InsufficientFreeAddressesInSubnet, and ECS stops the task before its containers start.
 */
export class NoFreeAddresses extends Error {
  constructor(readonly subnet: SubnetRecord) {
    super(`no free addresses in ${subnet.id}`);
  }
}

/**
 * The stoppedReason of a task whose network interface could not be created for want of addresses.
 * ECS reports an ENI it could not provision as a ResourceInitializationError ("Troubleshooting
 * ResourceInitializationError errors in Amazon ECS", ECS Developer Guide); the cause is EC2's
 * InsufficientFreeAddressesInSubnet error ("Error codes for the Amazon EC2 API").
 */
export function noFreeAddressesReason(subnet: SubnetRecord): string {
  return `ResourceInitializationError: failed to provision the task's elastic network interface: InsufficientFreeAddressesInSubnet: The specified subnet does not contain enough free private IP addresses to fulfill your request. (subnet ${subnet.id})`;
}

export function releaseEni(vpc: VpcRecord, eni: EniRecord): void {
  eni.status = 'available';
  vpc.enis.delete(eni.id);
}

export function privateDnsName(eni: EniRecord, region: string): string {
  return `ip-${eni.privateIp.replaceAll('.', '-')}.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`;
}
