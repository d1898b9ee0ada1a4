import { type AuditRule } from '../finding';
import { count } from '../../text/words';
import { listed } from '../subjects';

/**
 * Services whose task definition takes a fixed host port (bridge `hostPort` > 0, or host
 * networking) and that want more tasks than the cluster has instances: one task per instance can
 * hold the port, so the rest can never be placed, and a rolling deployment has no room either.
 */
export const fixedHostPorts: AuditRule = {
  id: 'fixed-host-ports',
  checks: 'fixed host ports with more desired tasks than instances',
  check(e) {
    const instances = e.instances.filter((i) => i.status === 'ACTIVE').length;
    return e.services.flatMap((s) => {
      const td = e.taskDefinitions.find((t) => t.taskDefinition === s.taskDefinition);
      const ports = [...new Set(td?.containers.flatMap((c) => c.fixedHostPorts) ?? [])];
      if (!td || ports.length === 0 || s.awsvpc || s.desired <= instances) return [];
      return [
        {
          rule: 'fixed-host-ports',
          severity: 'medium' as const,
          resource: `service ${s.name}`,
          problem: `Wants ${count(s.desired, 'task')} on fixed host port ${listed(ports.map(String))}, but the cluster has ${count(instances, 'active instance')}.`,
          why: 'Only one task per instance can hold a host port: the others are never placed, and a deployment cannot start a new task beside an old one.',
          fix: 'Use a dynamic host port (`hostPort: 0`) behind a load balancer, or awsvpc networking; or add instances.',
        },
      ];
    });
  },
};
