import { AwsError } from '../errors';

/**
 * Security groups and their rules, as EC2 keeps them since security group rules got ids
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html): each rule is
 * one protocol, one port range and one source (an IPv4 CIDR, an IPv6 CIDR or another group).
 * Ids are derived from the group and the rule's position, not drawn from the world's seeded random,
 * so adding groups to an account does not shift the ids of its tasks and instances.
 */

export interface SecurityGroupRecord {
  id: string;
  vpcId: string;
  name: string;
  description: string;
  /** Inbound and outbound rules. */
  rules: SecurityGroupRuleRecord[];
}

/** The part of the VPC record these operations use (world/vpc.ts imports this module, not the reverse). */
interface GroupsOfVpc {
  id: string;
  securityGroups: SecurityGroupRecord[];
}

export interface SecurityGroupRuleRecord {
  id: string;
  isEgress: boolean;
  /** tcp | udp | icmp | icmpv6 | a protocol number | -1 (all). */
  ipProtocol: string;
  /** -1 with protocol -1 (every port), as EC2 answers. */
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  referencedGroupId?: string;
  description?: string;
}

/** One permission of AuthorizeSecurityGroupIngress (IpPermission): a protocol and ports, many sources. */
export interface IngressPermission {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipv4?: { cidr: string; description?: string }[];
  ipv6?: { cidr: string; description?: string }[];
  groups?: { groupId: string; description?: string }[];
}

/** A new group's rules: all outbound traffic allowed (EC2's default egress rule), and the default group's self reference. */
export function defaultRules(groupId: string, options: { selfIngress?: boolean } = {}): SecurityGroupRuleRecord[] {
  const rules: SecurityGroupRuleRecord[] = [
    { id: ruleId(groupId, 0), isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' },
  ];
  if (options.selfIngress)
    rules.push({
      id: ruleId(groupId, 1),
      isEgress: false,
      ipProtocol: '-1',
      fromPort: -1,
      toPort: -1,
      referencedGroupId: groupId,
    });
  return rules;
}

/** CreateSecurityGroup: names are unique per VPC, case-insensitively, and may not start with sg-. */
export function createSecurityGroup(
  vpc: GroupsOfVpc,
  input: { name: string; description: string; vpcId?: string },
): SecurityGroupRecord {
  if (input.vpcId !== undefined && input.vpcId !== vpc.id)
    throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${input.vpcId.slice(0, 40)}' does not exist`);
  if (input.name.length === 0 || input.name.length > 255 || /^sg-/i.test(input.name))
    throw new AwsError('InvalidParameterValue', 'Invalid value for parameter GroupName');
  if (input.description.length > 255)
    throw new AwsError('InvalidParameterValue', 'Invalid value for parameter GroupDescription');
  if (vpc.securityGroups.some((g) => g.name.toLowerCase() === input.name.toLowerCase()))
    throw new AwsError(
      'InvalidGroup.Duplicate',
      `The security group '${input.name.slice(0, 255)}' already exists for VPC '${vpc.id}'`,
    );
  const id = `sg-0${stableHex(`${vpc.id}/${input.name.toLowerCase()}`, 16)}`;
  const group: SecurityGroupRecord = {
    id,
    vpcId: vpc.id,
    name: input.name,
    description: input.description,
    rules: defaultRules(id),
  };
  vpc.securityGroups.push(group);
  return group;
}

/**
 * AuthorizeSecurityGroupIngress: one rule per source of each permission. A rule that exists
 * already is InvalidPermission.Duplicate and nothing is added (the call is all or nothing).
 */
export function authorizeIngress(
  vpc: GroupsOfVpc,
  groupId: string,
  permissions: readonly IngressPermission[],
): SecurityGroupRuleRecord[] {
  const group = vpc.securityGroups.find((g) => g.id === groupId);
  if (!group)
    throw new AwsError('InvalidGroup.NotFound', `The security group '${groupId.slice(0, 40)}' does not exist`);
  if (permissions.length === 0)
    throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions');
  const added: SecurityGroupRuleRecord[] = [];
  for (const p of permissions) {
    const protocol = normaliseProtocol(p.ipProtocol);
    const ports = portRange(protocol, p.fromPort, p.toPort);
    type Source = Pick<SecurityGroupRuleRecord, 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId' | 'description'>;
    const sources: Source[] = [
      ...(p.ipv4 ?? []).map((s) => ({ cidrIpv4: checkCidr(s.cidr, 4), description: s.description })),
      ...(p.ipv6 ?? []).map((s) => ({ cidrIpv6: checkCidr(s.cidr, 6), description: s.description })),
      ...(p.groups ?? []).map((s) => {
        if (!vpc.securityGroups.some((g) => g.id === s.groupId))
          throw new AwsError('InvalidGroup.NotFound', `The security group '${s.groupId.slice(0, 40)}' does not exist`);
        return { referencedGroupId: s.groupId, description: s.description };
      }),
    ];
    if (sources.length === 0)
      throw new AwsError('InvalidParameterValue', 'The request must contain a source: IpRanges, Ipv6Ranges or Groups');
    for (const source of sources) {
      const rule: SecurityGroupRuleRecord = {
        id: '',
        isEgress: false,
        ipProtocol: protocol,
        ...ports,
        ...(source.cidrIpv4 ? { cidrIpv4: source.cidrIpv4 } : {}),
        ...(source.cidrIpv6 ? { cidrIpv6: source.cidrIpv6 } : {}),
        ...(source.referencedGroupId ? { referencedGroupId: source.referencedGroupId } : {}),
        ...(source.description ? { description: source.description } : {}),
      };
      if ([...group.rules, ...added].some((r) => sameRule(r, rule)))
        throw new AwsError(
          'InvalidPermission.Duplicate',
          `the specified rule "peer: ${rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedGroupId}, ${protocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
        );
      added.push(rule);
    }
  }
  for (const rule of added) {
    rule.id = ruleId(group.id, group.rules.length);
    group.rules.push(rule);
  }
  return added;
}

function normaliseProtocol(value: string): string {
  const lower = value.toLowerCase();
  const byNumber: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
  const protocol = byNumber[lower] ?? lower;
  if (protocol === '-1' || ['tcp', 'udp', 'icmp', 'icmpv6'].includes(protocol) || /^\d{1,3}$/.test(protocol))
    return protocol;
  throw new AwsError(
    'InvalidParameterValue',
    `Invalid value '${value.slice(0, 20)}' for IP protocol. Unknown protocol.`,
  );
}

/** TCP and UDP need ports 0–65535 (from ≤ to); protocol -1 means every port and is answered as -1/-1. */
function portRange(protocol: string, from?: number, to?: number): { fromPort: number; toPort: number } {
  if (protocol === '-1') return { fromPort: -1, toPort: -1 };
  if (protocol !== 'tcp' && protocol !== 'udp') return { fromPort: from ?? -1, toPort: to ?? -1 };
  if (from === undefined || to === undefined)
    throw new AwsError('MissingParameter', 'The request must contain the parameter fromPort and toPort');
  if (from < 0 || to > 65535 || from > to)
    throw new AwsError('InvalidParameterValue', `Invalid port range: from ${from} to ${to}`);
  return { fromPort: from, toPort: to };
}

function checkCidr(cidr: string, version: 4 | 6): string {
  const ok =
    version === 4
      ? /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(cidr)
      : /^[0-9a-fA-F:]+\/\d{1,3}$/.test(cidr) && cidr.includes(':');
  if (!ok) throw new AwsError('InvalidParameterValue', `CIDR block ${cidr.slice(0, 50)} is malformed`);
  return cidr;
}

function sameRule(a: SecurityGroupRuleRecord, b: SecurityGroupRuleRecord): boolean {
  return (
    a.isEgress === b.isEgress &&
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.referencedGroupId === b.referencedGroupId
  );
}

function ruleId(groupId: string, index: number): string {
  return `sgr-0${stableHex(`${groupId}#${index}`, 16)}`;
}

/** `length` hex digits from an FNV-1a hash of the text (two rounds for more than eight). */
function stableHex(text: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    let h = 2166136261 ^ round;
    for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
