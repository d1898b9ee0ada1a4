import { z } from 'zod';
import { defineVerb, type CommandContext } from '../commands/types';
import { NotFoundError } from '../errors';
import { DEFAULT_LINES, logsMessage, MAX_LINES, type LogsInput } from '../slack/views/logs';
import { type TaskInfo } from '../aws/types';
import { escapeText } from '../slack/message';

/** ECS task ids: 32 hex digits (older ones: a UUID), or the task's ARN. */
const TASK_ID = /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/[A-Za-z0-9_/-]+$/;
/** The start of an id, as task lists show it (8 characters): hex with a digit in it, so `web` or `cafe` stay service names. */
const TASK_ID_PREFIX = /^(?=[a-f]*\d)[0-9a-f]{6,31}$/;

const Target = z
  .string()
  .regex(/^(arn:\S+|[A-Za-z0-9][A-Za-z0-9_-]{0,254})$/, 'name a service, or a task by its id (or the first 8 characters of it) or ARN');

const Lines = z
  .string()
  .regex(/^\d+$/, `--lines must be a whole number from 1 to ${MAX_LINES}`)
  .transform(Number)
  .pipe(z.number().min(1, '--lines must be at least 1').max(MAX_LINES, `--lines can be at most ${MAX_LINES} (CloudWatch has the rest)`))
  .default(DEFAULT_LINES);

export const logs = defineVerb({
  verb: 'logs',
  level: 'read',
  summary: 'Show the last lines a service’s newest task (or a given task) wrote to CloudWatch Logs',
  usage: 'logs SVC|TASK [--lines N]',
  examples: ['logs web', 'logs worker --lines 100', 'logs 3f2a9c1e'],
  positionals: [{ name: 'target', label: 'SVC|TASK' }],
  options: { lines: { type: 'string', short: 'n', description: `how many of the newest lines per container (default ${DEFAULT_LINES}, at most ${MAX_LINES})` } },
  args: z.object({ target: Target, lines: Lines }),
  visibility: 'ephemeral',
  working: ({ target }) => `Reading the logs of ${target}…`,
  async run(ctx, { target, lines }) {
    const { task, choice } = await pickTask(ctx, target);
    const taskDefinition = await ctx.aws.taskDefinitions.describe(task.taskDefinition);
    const containers = await ctx.aws.logs.forTask(task.id, taskDefinition, lines);
    await ctx.reply.send(logsMessage({ alias: ctx.alias, target, task, choice, taskDefinition, containers, lines, now: ctx.clock.now() }));
  },
});

/** A task named by id or ARN; for a service, its newest running task, else its last stopped one. */
async function pickTask(ctx: CommandContext, target: string): Promise<{ task: TaskInfo; choice: LogsInput['choice'] }> {
  if (TASK_ID.test(target) || TASK_ARN.test(target) || TASK_ID_PREFIX.test(target)) {
    return { task: await ctx.aws.tasks.describe(target), choice: 'task' };
  }
  const live = await ctx.aws.tasks.list({ service: target });
  // Newest first, but a task already being stopped only when nothing else runs.
  const running = live
    .filter((t) => t.lastStatus === 'RUNNING')
    .sort((a, b) => Number(b.desiredStatus === 'RUNNING') - Number(a.desiredStatus === 'RUNNING') || (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
  if (running) return { task: running, choice: 'running' };
  const stopped = newest(await ctx.aws.tasks.list({ service: target, stopped: true }), (t) => t.stoppedAt ?? t.createdAt ?? 0);
  if (stopped) return { task: stopped, choice: 'stopped' };
  const pending = newest(live, (t) => t.createdAt ?? 0);
  if (pending) return { task: pending, choice: 'pending' };
  throw new NotFoundError(
    `Service \`${escapeText(target)}\` in *${ctx.alias}* has no running tasks and none that stopped in the last hour (ECS forgets them after that), so there is no task whose logs to show. \`/ecs service ${escapeText(target)} -c ${ctx.alias}\` shows its state.`,
  );
}

function newest(tasks: TaskInfo[], key: (t: TaskInfo) => number): TaskInfo | undefined {
  return [...tasks].sort((a, b) => key(b) - key(a))[0];
}
