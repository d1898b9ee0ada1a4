import { z } from 'zod';
import { defineVerb, type CommandContext } from './context';
import { NotFoundError } from '../errors';
import { parseEcsId } from '../commands/ecs-ids';
import { ServiceName, ServiceOrTaskRef } from '../commands/arguments';
import { DEFAULT_LINES, logsMessage, MAX_LINES, type LogsInput } from '../slack/views/logs';
import { type TaskInfo } from '../aws/tasks';
import { escapeText } from '../slack/message';
import { CRASH_LOOP_WINDOW_MS } from './explanations';

const Lines = z
  .string()
  .regex(/^\d+$/, `--lines must be a whole number from 1 to ${MAX_LINES}`)
  .transform(Number)
  .pipe(
    z
      .number()
      .min(1, '--lines must be at least 1')
      .max(MAX_LINES, `--lines can be at most ${MAX_LINES} (CloudWatch has the rest)`),
  )
  .default(DEFAULT_LINES);

export const logs = defineVerb({
  verb: 'logs',
  level: 'read',
  summary: 'Show the last lines a service’s newest task (or a given task) wrote to CloudWatch Logs',
  usage: 'logs SVC|TASK [--lines N]',
  examples: ['logs web', 'logs worker --lines 100', 'logs 3f2a9c1e'],
  positionals: [{ name: 'target', label: 'SVC|TASK' }],
  options: {
    lines: {
      type: 'string',
      short: 'n',
      description: `how many of the newest lines per container (default ${DEFAULT_LINES}, at most ${MAX_LINES})`,
    },
  },
  args: z.object({ target: ServiceOrTaskRef, lines: Lines }),
  visibility: 'ephemeral',
  working: ({ target }) => `Reading the logs of ${target}…`,
  async run(ctx, { target, lines }) {
    const { task, choice, newer } = await pickTask(ctx, target);
    const taskDefinition = await ctx.aws.taskDefinitions.describe(task.taskDefinition);
    const containers = await ctx.aws.logs.forTask(task.id, taskDefinition, lines);
    await ctx.reply.send(
      logsMessage({
        alias: ctx.alias,
        target,
        task,
        choice,
        ...(newer ? { newer } : {}),
        taskDefinition,
        containers,
        lines,
        now: ctx.clock.now(),
      }),
    );
  },
});

/** A task named by id or ARN; for a service, its newest running task, else its last stopped one. */
async function pickTask(
  ctx: CommandContext,
  target: string,
): Promise<{ task: TaskInfo; choice: LogsInput['choice']; newer?: TaskInfo }> {
  const ref = parseEcsId(target, 'task');
  if (ref?.form === 'id') return { task: await ctx.aws.tasks.describe(target), choice: 'task' };
  // The start of an id, as lists show it; but `cafe` or `beef` may as well be a service: a word
  // with no digit is a service, and a start no task has is tried as a service too.
  if (ref?.form === 'prefix' && /\d/.test(ref.prefix)) {
    try {
      return { task: await ctx.aws.tasks.describe(target), choice: 'task' };
    } catch (err) {
      if (!(err instanceof NotFoundError) || !ServiceName.safeParse(target).success) throw err;
    }
  }
  const live = await ctx.aws.tasks.list({ service: target });
  // Newest first, but a task already being stopped only when nothing else runs.
  const running = live
    .filter((t) => t.lastStatus === 'RUNNING')
    .sort(
      (a, b) =>
        Number(b.desiredStatus === 'RUNNING') - Number(a.desiredStatus === 'RUNNING') ||
        (b.startedAt ?? 0) - (a.startedAt ?? 0),
    )[0];
  if (running && !(running.startedAt !== undefined && ctx.clock.now() - running.startedAt < JUST_STARTED_MS))
    return { task: running, choice: 'running' };
  const stoppedTasks = await ctx.aws.tasks.list({ service: target, stopped: true });
  if (running) {
    // A crash loop: the newest task has only just replaced one that failed. Its few start-up lines
    // say nothing; the last lines of the one that crashed say why.
    const recently = ctx.clock.now() - CRASH_LOOP_WINDOW_MS;
    const failed = newest(
      stoppedTasks.filter((t) => stoppedWithAnError(t) && (t.stoppedAt ?? t.stoppingAt ?? 0) >= recently),
      (t) => t.stoppedAt ?? t.createdAt ?? 0,
    );
    return failed ? { task: failed, choice: 'crashed', newer: running } : { task: running, choice: 'running' };
  }
  const stopped = newest(stoppedTasks, (t) => t.stoppedAt ?? t.createdAt ?? 0);
  if (stopped) return { task: stopped, choice: 'stopped' };
  const pending = newest(live, (t) => t.createdAt ?? 0);
  if (pending) return { task: pending, choice: 'pending' };
  throw new NotFoundError(
    `Service \`${escapeText(target)}\` in *${ctx.alias}* has no running tasks and none that stopped in the last hour (ECS forgets them after that), so there is no task whose logs to show. \`/ecs service ${escapeText(target)} -c ${ctx.alias}\` shows its state.`,
  );
}

/** A running task younger than this has little to show; an older one that failed is shown instead. */
const JUST_STARTED_MS = 60_000;

/** Stopped on its own, badly: its essential container exited (non-zero, or at all), or it never started. */
function stoppedWithAnError(task: TaskInfo): boolean {
  if (task.stopCode === 'TaskFailedToStart' || task.stopCode === 'EssentialContainerExited') return true;
  return (
    task.stopCode !== 'UserInitiated' &&
    task.stopCode !== 'ServiceSchedulerInitiated' &&
    task.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0)
  );
}

function newest(tasks: TaskInfo[], key: (t: TaskInfo) => number): TaskInfo | undefined {
  return [...tasks].sort((a, b) => key(b) - key(a))[0];
}
