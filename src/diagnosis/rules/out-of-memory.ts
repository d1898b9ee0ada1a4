import { type Rule, containerQuote, logLinesOf, stopQuote } from '../evidence';

/**
 * Exit 137 with OutOfMemoryError (or the agent's "memory limit" words): the kernel's OOM killer
 * ended the container at its hard limit ("Amazon ECS stopped tasks error messages", ECS Developer Guide).
 */
export const outOfMemory: Rule = (e) => {
  const task = e.task;
  if (!task) return undefined;
  const c = task.containers.find(
    (x) =>
      /OutOfMemory|memory limit|out of memory/i.test(x.reason ?? '') &&
      (x.exitCode === 137 || x.exitCode === undefined),
  );
  if (!c) return undefined;
  const def = e.taskDefinition?.containers.find((d) => d.name === c.name);
  const limit =
    def?.memory !== undefined
      ? `its hard limit is ${def.memory} MiB (container memory)`
      : e.taskDefinition?.memory
        ? `it has no limit of its own, so the task's ${e.taskDefinition.memory} MiB is its limit`
        : def?.memoryReservation !== undefined
          ? `it has only a soft limit (memoryReservation ${def.memoryReservation} MiB), so the instance's memory ran out`
          : 'its limit could not be read';
  const quotes = [stopQuote(task), containerQuote(c), `${c.name}: ${limit}`];
  if (e.memoryPeak)
    quotes.push(
      `service ${e.memoryPeak.service}: memory use peaked at ${Math.round(e.memoryPeak.percent)} % of its reservation in the hour before (CloudWatch)`,
    );
  const lines = logLinesOf(e, c.name);
  const family = e.taskDefinition?.family ?? task.taskDefinition.split(':')[0];
  const raise =
    def?.memory !== undefined
      ? `\`memory\` of container ${c.name} (now ${def.memory} MiB)`
      : '`memory` of the task or the container';
  return {
    rule: 'out-of-memory',
    cause: `Container ${c.name} ran out of memory: it reached its memory limit and was killed (exit 137, OutOfMemoryError).`,
    fix: `Raise ${raise} in a new revision of ${family} and deploy it, or find the leak if its memory keeps growing (the service's memory curve is in \`service\`).`,
    quotes,
    ...(lines ? { logLines: { container: c.name, lines } } : {}),
  };
};
