import { type Rule, containerQuote, shortDuration, stopQuote } from '../evidence';

/** ECS's default when a container sets no stopTimeout: the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s. */
const DEFAULT_STOP_TIMEOUT_S = 30;

/**
 * Exit 137 without an OOM after a stop someone or something asked for (StopTask, a scale-in, a
 * deployment): SIGTERM went unanswered and the agent sent SIGKILL once stopTimeout had passed
 * (StopTask, ECS API Reference: "If the container handles the SIGTERM value gracefully and exits
 * within 30 seconds … no SIGKILL value is sent").
 */
export const sigtermIgnored: Rule = (e) => {
  const task = e.task;
  if (!task) return undefined;
  if (task.stopCode !== 'UserInitiated' && task.stopCode !== 'ServiceSchedulerInitiated') return undefined;
  const killed = task.containers.filter((c) => c.exitCode === 137 && !/memory/i.test(c.reason ?? ''));
  if (killed.length === 0) return undefined;
  const quotes = [stopQuote(task), ...killed.map(containerQuote)];
  const timeouts = killed.map((c) => {
    const def = e.taskDefinition?.containers.find((d) => d.name === c.name);
    return { name: c.name, seconds: def?.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S, set: def?.stopTimeout !== undefined };
  });
  for (const t of timeouts)
    quotes.push(
      `${t.name}: stopTimeout ${t.seconds} s${t.set ? '' : ' (not set in the task definition: the default)'}`,
    );
  if (task.stoppingAt !== undefined && task.stoppedAt !== undefined)
    quotes.push(`asked to stop, then stopped ${shortDuration(task.stoppedAt - task.stoppingAt)} later`);
  const why =
    task.stopCode === 'UserInitiated'
      ? 'someone stopped the task (StopTask)'
      : 'the service scheduler stopped it (a deployment or a scale-in)';
  const names = killed.map((c) => c.name).join(', ');
  return {
    rule: 'sigterm-ignored',
    cause: `${why[0]!.toUpperCase()}${why.slice(1)}, and ${names} did not exit on SIGTERM, so ECS killed ${killed.length === 1 ? 'it' : 'them'} with SIGKILL after stopTimeout (${timeouts[0]!.seconds} s): exit 137. Not an out-of-memory kill: no OutOfMemoryError.`,
    fix: 'Make the process handle SIGTERM and exit (finish or hand back the work in hand): run it as PID 1 (`exec` in a shell entrypoint, or `initProcessEnabled`), or raise `stopTimeout` if a clean shutdown needs longer (at most 120 s).',
    quotes,
  };
};
