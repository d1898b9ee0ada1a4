import { AwsError } from './errors';
import { decodeOffsetToken, encodeOffsetToken } from './paging-token';
import type { XmlValue } from './protocols/query';
import { xmlResult, type ActionContext } from './service-module';
import type { IngressPermission, SecurityGroupRuleRecord } from './world/security-groups';
import type { SecurityGroupRecord } from './world/vpc';

/**
 * Security groups and their rules over the EC2 query protocol, with the element names of the
 * Amazon EC2 API Reference:
 * - CreateSecurityGroup (GroupName, GroupDescription, VpcId → groupId, return),
 * - AuthorizeSecurityGroupIngress (GroupId, IpPermissions.N with IpRanges / Ipv6Ranges / Groups →
 *   return, securityGroupRuleSet),
 * - DescribeSecurityGroupRules (SecurityGroupRuleId.N, Filter.N group-id / security-group-rule-id,
 *   MaxResults 5–1000, NextToken → securityGroupRuleSet of SecurityGroupRule, nextToken),
 * - and the ipPermissions / ipPermissionsEgress of DescribeSecurityGroups (IpPermission: one entry
 *   per protocol and port range, its sources in ipRanges, ipv6Ranges and groups).
 */

type Ctx = ActionContext<undefined>;

export function createSecurityGroup(ctx: Ctx) {
  ctx.authorize({ arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/*` });
  const name = ctx.params.optString('GroupName');
  const description = ctx.params.optString('GroupDescription');
  if (name === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter groupName');
  if (description === undefined)
    throw new AwsError('MissingParameter', 'The request must contain the parameter groupDescription');
  const vpcId = ctx.params.optString('VpcId');
  const group = ctx.world.createSecurityGroup({ name, description, ...(vpcId !== undefined ? { vpcId } : {}) });
  return xmlResult({
    return: true,
    groupId: group.id,
    securityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${group.id}`,
  });
}

export function authorizeSecurityGroupIngress(ctx: Ctx) {
  const groupId = ctx.params.optString('GroupId');
  ctx.authorize({ arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${groupId ?? '*'}` });
  if (groupId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter groupId');
  const permissions = (ctx.params.optList('IpPermissions') ?? []).map(toPermission);
  // The single-rule form (IpProtocol, FromPort, ToPort, CidrIp at the top level) is older; the bot and the AWS CLI send IpPermissions.
  const cidrIp = ctx.params.optString('CidrIp');
  if (cidrIp !== undefined) {
    permissions.push({
      ipProtocol: ctx.params.optString('IpProtocol') ?? '-1',
      fromPort: ctx.params.optInt('FromPort'),
      toPort: ctx.params.optInt('ToPort'),
      ipv4: [{ cidr: cidrIp }],
    });
  }
  const added = ctx.world.authorizeSecurityGroupIngress(groupId, permissions);
  return xmlResult({ return: true, securityGroupRuleSet: added.map((r) => renderRule(ctx, groupId, r)) });
}

export function describeSecurityGroupRules(ctx: Ctx) {
  ctx.authorize();
  const ids = ctx.params.optStringList('SecurityGroupRuleId');
  const filters = (ctx.params.optList('Filter') ?? []).map((f) => ({
    name: typeof f.Name === 'string' ? f.Name : '',
    values: Array.isArray(f.Value) ? f.Value.filter((v): v is string => typeof v === 'string') : [],
  }));
  const all = ctx.world.vpc().securityGroups.flatMap((g) => g.rules.map((rule) => ({ group: g, rule })));
  if (ids !== undefined) {
    const missing = ids.find((id) => !all.some((x) => x.rule.id === id));
    if (missing !== undefined)
      throw new AwsError(
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${missing.slice(0, 40)}' does not exist`,
      );
  }
  const matching = all
    .filter((x) => ids === undefined || ids.includes(x.rule.id))
    .filter((x) =>
      filters.every(({ name, values }) => {
        if (name === 'group-id') return values.includes(x.group.id);
        if (name === 'security-group-rule-id') return values.includes(x.rule.id);
        if (name.startsWith('tag:')) return false;
        throw new AwsError('InvalidParameterValue', `The filter '${name.slice(0, 60)}' is invalid`);
      }),
    );
  const max = ctx.params.optInt('MaxResults');
  if (max !== undefined && (max < 5 || max > 1000))
    throw new AwsError(
      'InvalidParameterValue',
      `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  const token = ctx.params.optString('NextToken');
  const offset = token === undefined ? 0 : decodeOffsetToken(token);
  if (offset === undefined || offset < 0) throw new AwsError('InvalidParameterValue', 'Invalid value for NextToken.');
  // Without MaxResults EC2 still pages (1,000 at most): the bot's paginator follows nextToken either way.
  const end = offset + (max ?? 1000);
  return xmlResult({
    securityGroupRuleSet: matching.slice(offset, end).map((x) => renderRule(ctx, x.group.id, x.rule)),
    nextToken: end < matching.length ? encodeOffsetToken(end) : undefined,
  });
}

/** DescribeSecurityGroups' ipPermissions (egress false) or ipPermissionsEgress (true). */
export function renderIpPermissions(ctx: Ctx, group: SecurityGroupRecord, egress: boolean): XmlValue[] {
  const byPorts = new Map<string, SecurityGroupRuleRecord[]>();
  for (const rule of group.rules.filter((r) => r.isEgress === egress)) {
    const key = `${rule.ipProtocol}|${rule.fromPort}|${rule.toPort}`;
    byPorts.set(key, [...(byPorts.get(key) ?? []), rule]);
  }
  return [...byPorts.values()].map((rules) => {
    const first = rules[0]!;
    const ipRanges = rules.filter((r) => r.cidrIpv4).map((r) => ({ cidrIp: r.cidrIpv4!, description: r.description }));
    const ipv6Ranges = rules
      .filter((r) => r.cidrIpv6)
      .map((r) => ({ cidrIpv6: r.cidrIpv6!, description: r.description }));
    const groups = rules
      .filter((r) => r.referencedGroupId)
      .map((r) => ({ groupId: r.referencedGroupId!, userId: ctx.accountId, description: r.description }));
    return {
      ipProtocol: first.ipProtocol,
      // EC2 leaves the ports out of an all-protocols permission.
      fromPort: first.ipProtocol === '-1' ? undefined : first.fromPort,
      toPort: first.ipProtocol === '-1' ? undefined : first.toPort,
      groups: groups.length > 0 ? groups : undefined,
      ipRanges: ipRanges.length > 0 ? ipRanges : undefined,
      ipv6Ranges: ipv6Ranges.length > 0 ? ipv6Ranges : undefined,
    };
  });
}

function renderRule(ctx: Ctx, groupId: string, r: SecurityGroupRuleRecord): XmlValue {
  return {
    securityGroupRuleId: r.id,
    groupId,
    groupOwnerId: ctx.accountId,
    isEgress: r.isEgress,
    ipProtocol: r.ipProtocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    cidrIpv4: r.cidrIpv4,
    cidrIpv6: r.cidrIpv6,
    referencedGroupInfo: r.referencedGroupId ? { groupId: r.referencedGroupId, userId: ctx.accountId } : undefined,
    description: r.description,
    securityGroupRuleArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group-rule/${r.id}`,
  };
}

function toPermission(p: Record<string, unknown>): IngressPermission {
  const list = (name: string) =>
    Array.isArray(p[name])
      ? (p[name] as unknown[]).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
      : [];
  const str = (o: Record<string, unknown>, k: string): string | undefined => {
    const v = o[k];
    return typeof v === 'string' ? v : undefined;
  };
  const int = (k: string) => {
    const v = p[k];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new AwsError('InvalidParameterValue', `${k} must be an integer.`);
    return n;
  };
  const protocol = str(p, 'IpProtocol');
  if (protocol === undefined)
    throw new AwsError('MissingParameter', 'The request must contain the parameter ipProtocol');
  return {
    ipProtocol: protocol,
    fromPort: int('FromPort'),
    toPort: int('ToPort'),
    ipv4: list('IpRanges').flatMap((r) => {
      const cidr = str(r, 'CidrIp');
      return cidr ? [{ cidr, description: str(r, 'Description') }] : [];
    }),
    ipv6: list('Ipv6Ranges').flatMap((r) => {
      const cidr = str(r, 'CidrIpv6');
      return cidr ? [{ cidr, description: str(r, 'Description') }] : [];
    }),
    // The query name of IpPermission.UserIdGroupPairs is `Groups`.
    groups: list('Groups').flatMap((r) => {
      const groupId = str(r, 'GroupId');
      return groupId ? [{ groupId, description: str(r, 'Description') }] : [];
    }),
  };
}
