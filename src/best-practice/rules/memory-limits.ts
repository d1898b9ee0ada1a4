import { type AuditRule } from '../finding';
import { containerResource, taskDefinitionsInUse } from '../subjects';

/**
 * Containers with no hard memory limit: neither the container's `memory` nor the task's. A
 * `memoryReservation` alone is a soft limit: the container may take the instance's memory until
 * the kernel kills something, possibly another service's task.
 */
export const memoryLimits: AuditRule = {
  id: 'memory-limits',
  checks: 'containers without a memory limit',
  check(e) {
    return taskDefinitionsInUse(e).flatMap(({ td, services }) =>
      td.taskMemory !== undefined
        ? []
        : td.containers
            .filter((c) => c.memory === undefined)
            .map((c) => ({
              rule: 'memory-limits',
              severity: 'medium' as const,
              resource: containerResource(c.name, td.taskDefinition, services),
              problem:
                c.memoryReservation !== undefined
                  ? `Only a soft limit: memoryReservation ${c.memoryReservation} MiB, no \`memory\` for the container or the task.`
                  : 'No memory limit for the container or the task.',
              why: 'A leak or a spike can take the whole instance’s memory: the kernel then kills whatever it picks, often another service’s tasks, instead of this container alone.',
              fix: 'Set the container’s `memory` (a hard limit, in MiB) a little above its peak use, or the task’s `memory`, in a new revision, and deploy it.',
            })),
    );
  },
};
