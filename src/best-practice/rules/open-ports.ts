import { type AuditEvidence, type IngressRuleEvidence } from '../../aws/best-practice-evidence';
import { type AuditRule, type Finding } from '../finding';
import { listed } from '../subjects';

/** Ports that must never face the internet: remote shells and databases. */
export const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
  [5432, 'PostgreSQL'],
  [3306, 'MySQL'],
  [6379, 'Redis'],
  [27017, 'MongoDB'],
]);

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/**
 * Security groups of the cluster's instances and of its services' task ENIs (awsvpc) with an
 * inbound rule from anywhere (0.0.0.0/0 or ::/0) on a sensitive port, or on every port.
 */
export const openPorts: AuditRule = {
  id: 'open-ports',
  checks: 'security groups open to the internet on SSH, RDP, database ports or every port',
  check(e) {
    const users = usersByGroup(e);
    return e.securityGroups.flatMap((group) => {
      const usedBy = users.get(group.id) ?? [];
      return group.ingress.flatMap((rule): Finding[] => {
        const source = rule.cidrIpv4 && WORLD.has(rule.cidrIpv4) ? rule.cidrIpv4 : rule.cidrIpv6;
        if (!source || !WORLD.has(source)) return [];
        const exposed = exposedPorts(rule);
        if (exposed === undefined) return [];
        const resource = `security group ${group.id}${group.name ? ` (${group.name})` : ''}`;
        const revoke = rule.id
          ? `aws ec2 revoke-security-group-ingress --group-id ${group.id} --security-group-rule-ids ${rule.id}`
          : `aws ec2 revoke-security-group-ingress --group-id ${group.id} …`;
        return [
          {
            rule: 'open-ports',
            severity: 'high',
            resource,
            problem: `${exposed} open to the whole internet (${source})${usedBy.length > 0 ? `, used by ${listed(usedBy)}` : ''}.`,
            why: 'Anyone can reach it: bots scan every public address for these ports within minutes and try passwords and known exploits.',
            fix: `Remove the rule (\`${revoke}\`) and allow only the addresses that need it (your VPN or a load balancer's security group); for shell access use ECS Exec or Session Manager instead of SSH.`,
          },
        ];
      });
    });
  },
};

/** "SSH (22)", "PostgreSQL (5432) and every other port", or undefined when no sensitive port is in the range. */
function exposedPorts(rule: IngressRuleEvidence): string | undefined {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return 'every port (all protocols)';
  if (protocol !== 'tcp' && protocol !== '6') return undefined;
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  if (from <= 0 && to >= 65535) return 'every TCP port';
  const hit = [...SENSITIVE_PORTS].filter(([port]) => port >= from && port <= to);
  if (hit.length === 0) return undefined;
  const names = hit.map(([port, name]) => `${name} (${port})`);
  return from === to ? names[0] : `ports ${from}–${to}, including ${names.join(', ')}`;
}

function usersByGroup(e: AuditEvidence): Map<string, string[]> {
  const users = new Map<string, string[]>();
  const add = (group: string, who: string) => users.set(group, [...(users.get(group) ?? []), who]);
  for (const i of e.instances)
    for (const g of i.securityGroups) add(g, `instance ${i.ec2InstanceId ?? i.containerInstanceId}`);
  for (const s of e.services) for (const g of s.awsvpc?.securityGroups ?? []) add(g, `service ${s.name}`);
  return users;
}
