import { type AuditRule } from '../finding';

/** Services that keep exactly one task: any stop is an outage. */
export const singleTask: AuditRule = {
  id: 'single-task',
  checks: 'services with a single task',
  check(e) {
    return e.services
      .filter((s) => s.desired === 1)
      .map((s) => ({
        rule: 'single-task',
        severity: 'low' as const,
        resource: `service ${s.name}`,
        problem: 'Runs a single task (desired count 1).',
        why: 'When that task stops — a crash, an instance that goes away, a Spot interruption, sometimes a deployment — nothing serves until a replacement has started.',
        fix: `Run at least two, ideally in different availability zones: \`/ecs scale ${s.name} 2\`. If it must run alone (a singleton worker), say so in a tag and accept the gap.`,
      }));
  },
};
