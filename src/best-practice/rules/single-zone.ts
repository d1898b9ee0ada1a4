import { type AuditRule, type Finding } from '../finding';
import { count } from '../../text/words';

/**
 * Everything in one availability zone: the cluster's container instances, or an awsvpc service's
 * subnets. A zone outage (or a zone without capacity) then takes all of it.
 */
export const singleZone: AuditRule = {
  id: 'single-zone',
  checks: 'instances or services in one availability zone only',
  check(e) {
    const findings: Finding[] = [];
    const active = e.instances.filter((i) => i.status === 'ACTIVE');
    const zones = new Set(active.flatMap((i) => (i.availabilityZone ? [i.availabilityZone] : [])));
    if (active.length > 0 && zones.size === 1) {
      findings.push({
        rule: 'single-zone',
        severity: 'medium',
        resource: `cluster ${e.clusterName}`,
        problem: `All ${count(active.length, 'container instance')} ${active.length === 1 ? 'is' : 'are'} in ${[...zones][0]}.`,
        why: 'An availability zone outage stops every task on EC2 here at once, and ECS has nowhere else to place them.',
        fix: 'Spread the instances over two or three zones (the Auto Scaling group’s subnets), and let services spread too (placement strategy `spread` on `attribute:ecs.availability-zone`).',
      });
    }
    for (const s of e.services) {
      if (!s.awsvpc || s.awsvpc.subnets.length === 0) continue;
      const serviceZones = new Set(
        s.awsvpc.subnets.flatMap((id) => e.subnets.filter((n) => n.id === id).map((n) => n.availabilityZone)),
      );
      // Subnets EC2 did not describe say nothing: no finding without evidence.
      if (serviceZones.size !== 1 || s.awsvpc.subnets.some((id) => !e.subnets.some((n) => n.id === id))) continue;
      findings.push({
        rule: 'single-zone',
        severity: 'medium',
        resource: `service ${s.name}`,
        problem: `Its tasks can only run in ${[...serviceZones][0]}: every subnet it names is in that zone.`,
        why: 'An availability zone outage stops all its tasks, and ECS cannot start replacements anywhere else.',
        fix: 'Add a subnet in another zone to the service’s network configuration (`aws ecs update-service … --network-configuration`).',
      });
    }
    return findings;
  },
};
