import { z } from 'zod';
import { defineVerb, type CommandContext } from './context';
import {
  InstanceRef,
  PageNumber,
  PageOption,
  PositiveNumber,
  ServiceName,
  TaskDefinitionRef,
  TaskRef,
} from '../commands/arguments';
import { chooseLaunch, describeLaunch, LaunchArgs, LaunchOptions } from './launch';
import { stopTaskAndFollow } from './follow-up';
import {
  alreadyStoppedMessage,
  launchMessage,
  stoppingMessage,
  taskDetailMessage,
  taskListMessage,
} from '../slack/views/tasks';

/** ECS starts at most 10 tasks per RunTask call. */
const RUN_TASK_MAX = 10;

export const tasks = defineVerb({
  verb: 'tasks',
  level: 'read',
  summary: 'List running tasks (or stopped ones) with a Stop button each',
  usage: 'tasks [--service SVC] [--stopped]',
  examples: ['tasks', 'tasks --service web', 'tasks --stopped -c staging'],
  positionals: [],
  options: {
    service: { type: 'string', short: 's', description: 'only the tasks of this service' },
    stopped: {
      type: 'boolean',
      description: 'tasks that stopped in the last hour (ECS keeps them that long) instead of running ones',
    },
    ...PageOption,
  },
  args: z.object({ service: ServiceName.optional(), stopped: z.boolean().default(false), page: PageNumber }),
  visibility: 'ephemeral',
  working: ({ service, stopped }) => `Listing ${stopped ? 'stopped ' : ''}tasks${service ? ` of ${service}` : ''}…`,
  async run(ctx, { service, stopped, page }) {
    const filter = { ...(service ? { service } : {}), stopped };
    const list = await ctx.aws.tasks.list(filter);
    await ctx.reply.send(taskListMessage({ alias: ctx.alias, tasks: list, filter, page, now: ctx.clock.now() }));
  },
});

export const task = defineVerb({
  verb: 'task',
  level: 'read',
  summary: "One task: each container's exit code and reason, the stop code and reason, how long it ran",
  usage: 'task ID',
  examples: ['task 4f6e2a1c', 'task 4f6e2a1c9d8b4e7fa0b1c2d3e4f5a6b7 -c staging'],
  positionals: [{ name: 'id', label: 'ID' }],
  args: z.object({ id: TaskRef }),
  visibility: 'ephemeral',
  working: ({ id }) => `Reading task ${id}…`,
  async run(ctx, { id }) {
    const found = await ctx.aws.tasks.describe(id);
    // The EC2 instance behind it is worth one more call; the task's facts stand without it.
    const instance = found.containerInstanceId
      ? await ctx.aws.instances.find(found.containerInstanceId).catch(() => undefined)
      : undefined;
    await ctx.reply.send(taskDetailMessage(ctx.alias, found, instance, ctx.clock.now()));
  },
});

export const runTask = defineVerb({
  verb: 'run',
  level: 'operate',
  summary:
    'Run tasks of a task definition (RunTask) the way the cluster launches them (its capacity provider strategy, Fargate or EC2) and say what could not be placed',
  usage: 'run FAMILY[:REV] [--count N] [--like SVC] [--capacity-provider NAME]',
  examples: [
    'run migrate',
    'run migrate:7 --count 2 -c staging',
    'run migrate --like web',
    'run report --capacity-provider FARGATE_SPOT',
  ],
  positionals: [{ name: 'taskDefinition', label: 'FAMILY[:REV]' }],
  options: {
    count: { type: 'string', short: 'n', description: `how many tasks to start (1 to ${RUN_TASK_MAX}, default 1)` },
    ...LaunchOptions,
  },
  args: z.object({
    taskDefinition: TaskDefinitionRef,
    count: PositiveNumber('--count', RUN_TASK_MAX).default(1),
    ...LaunchArgs,
  }),
  visibility: 'in_channel',
  working: ({ taskDefinition, count }) =>
    `Looking up ${taskDefinition} to run ${count === 1 ? 'a task' : `${count} tasks`} of it…`,
  async run(ctx, { taskDefinition, count, like, 'capacity-provider': capacityProvider }) {
    // What the cluster owns is checked first; how it launches is read meanwhile (reads only).
    const choosing = chooseLaunch(ctx, { taskDefinition, like, capacityProvider, verb: 'run' });
    choosing.catch(() => undefined);
    await ctx.ownership.family(taskDefinition, 'run');
    const spec = await choosing;
    const launch = await ctx.aws.tasks.run({ taskDefinition, count, startedBy: startedBy(ctx), launch: spec });
    const launchDescription = spec.launchType === 'EC2' && !spec.network ? undefined : describeLaunch(spec);
    await ctx.reply.send(
      launchMessage({
        alias: ctx.alias,
        verb: 'run',
        taskDefinition,
        requested: count,
        launch,
        userId: ctx.user.id,
        fixedHostPorts: await portsIfNeeded(ctx, taskDefinition, launch.failures),
        launchDescription,
      }),
    );
  },
});

export const startTask = defineVerb({
  verb: 'start',
  level: 'operate',
  summary: 'Start a task of a task definition on one container instance you choose (StartTask)',
  usage: 'start FAMILY[:REV] --instance ID',
  examples: ['start web-fixed --instance i-0abc1234def567890', 'start migrate:7 --instance 5f1c2b7a -c staging'],
  positionals: [{ name: 'taskDefinition', label: 'FAMILY[:REV]' }],
  options: {
    instance: {
      type: 'string',
      short: 'i',
      description: 'the container instance: its EC2 id or container instance id',
    },
  },
  args: z.object({ taskDefinition: TaskDefinitionRef, instance: InstanceRef }),
  visibility: 'in_channel',
  working: ({ taskDefinition, instance }) =>
    `Looking up ${taskDefinition} and instance ${instance} to start a task there…`,
  async run(ctx, { taskDefinition, instance }) {
    await ctx.ownership.family(taskDefinition, 'start');
    // Once the container instance id is known (typed whole, or one filtered list for an EC2 id),
    // StartTask gets it while the instance is described for the reply (its EC2 id). The start of
    // an id is looked up first.
    const direct = await ctx.aws.instances.resolveId(instance);
    const early = direct
      ? ctx.aws.tasks.start({ taskDefinition, containerInstance: direct, startedBy: startedBy(ctx) })
      : undefined;
    early?.catch(() => undefined);
    const target = await ctx.aws.instances.find(direct ?? instance);
    const launch = await (early ??
      ctx.aws.tasks.start({ taskDefinition, containerInstance: target.arn || target.id, startedBy: startedBy(ctx) }));
    await ctx.reply.send(
      launchMessage({
        alias: ctx.alias,
        verb: 'start',
        taskDefinition,
        requested: 1,
        launch,
        userId: ctx.user.id,
        fixedHostPorts: await portsIfNeeded(ctx, taskDefinition, launch.failures),
        instance: target,
      }),
    );
  },
});

export const stopTask = defineVerb({
  verb: 'stop',
  level: 'operate',
  summary: 'Stop a task (StopTask), with your name and reason on it; follows up when it has stopped',
  usage: 'stop TASK [--reason TEXT]',
  examples: ['stop 4f6e2a1c --reason "stuck on a lock"', 'stop 4f6e2a1c -c staging'],
  positionals: [{ name: 'task', label: 'TASK' }],
  options: {
    reason: {
      type: 'string',
      short: 'r',
      description: 'why, for the task and CloudTrail (ECS keeps up to 255 characters)',
    },
  },
  args: z.object({
    task: TaskRef,
    reason: z.string().trim().max(200, '--reason can be at most 200 characters').optional(),
  }),
  visibility: 'in_channel',
  working: ({ task: id }) => `Looking up task ${id} to stop it…`,
  async run(ctx, { task: ref, reason }) {
    const before = await ctx.aws.tasks.describe(ref);
    if (before.desiredStatus === 'STOPPED') {
      // Nothing happened: only the person who asked needs to hear it, not the channel.
      await ctx.reply.send(alreadyStoppedMessage(ctx.alias, before), { visibility: 'ephemeral' });
      return;
    }
    const why = `Stopped by @${ctx.user.name ?? ctx.user.id} via Slack${reason ? `: ${reason}` : ''}`;
    await stopTaskAndFollow(ctx, before.id, {
      apply: () => ctx.aws.tasks.stop(before.id, why),
      announce: (stopping) => stoppingMessage(ctx.alias, { ...before, ...stopping }, ctx.user.id, why),
    });
  },
});

/** Who started it, as ECS's `startedBy` keeps it (and teardown and the console show it). */
function startedBy(ctx: CommandContext): string {
  return `chatops/${ctx.user.id}`;
}

/** The task definition's fixed host ports, read only when a port conflict needs naming. */
async function portsIfNeeded(
  ctx: CommandContext,
  taskDefinition: string,
  failures: { reason: string }[],
): Promise<number[]> {
  if (!failures.some((f) => f.reason === 'RESOURCE:PORTS')) return [];
  return ctx.aws.taskDefinitions
    .ports(taskDefinition)
    .then((p) => p.fixedHostPorts)
    .catch(() => []);
}
