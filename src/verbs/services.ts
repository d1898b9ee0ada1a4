import { z } from 'zod';
import { defineVerb, type CommandContext } from './context';
import { escapeText } from '../slack/message';
import { type ServiceDetail } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';
import {
  CRASH_LOOP_STOPS,
  CRASH_LOOP_WINDOW_MS,
  crashed,
  primaryDeployment,
  restartsHint,
  stoppedOnTheirOwn,
} from './explanations';
import { chooseLaunch, LaunchArgs, LaunchOptions } from './launch';
import {
  ContainerName,
  ImageUri,
  PageNumber,
  PageOption,
  ServiceName,
  TaskDefinitionRef,
  WholeNumber,
} from '../commands/arguments';
import { changeService } from './follow-up';
import { lastHourUtilization, optionalRead, scalableRange, UTILIZATION_WINDOW_MS } from './autoscaling';
import { autoscalingMayChangeIt, scaleOfferMessage } from '../slack/views/autoscaling';
import { liveFollowUp } from './deployments';
import {
  createdMessage,
  deployedMessage,
  nothingToDoMessage,
  restartedMessage,
  scaledMessage,
  serviceDetailMessage,
  servicesListMessage,
} from '../slack/views/services';
import { plural } from '../text/words';

export const services = defineVerb({
  verb: 'services',
  level: 'read',
  summary: 'List the services of a cluster: running/desired, rollout, which are not steady',
  usage: 'services [--page N]',
  examples: ['services', 'services -c staging', 'services --page 2'],
  positionals: [],
  options: PageOption,
  args: z.object({ page: PageNumber }),
  visibility: 'ephemeral',
  working: () => 'Listing services…',
  async run(ctx, { page }) {
    const all = await ctx.aws.services.summaries();
    await ctx.reply.send(servicesListMessage(ctx.alias, all, page));
  },
});

export const service = defineVerb({
  verb: 'service',
  aliases: ['status'],
  level: 'read',
  summary: 'Show one service: counts, deployments and their rollout, last events',
  usage: 'service SVC',
  examples: ['service web', 'status api -c staging'],
  positionals: [{ name: 'service', label: 'SVC' }],
  args: z.object({ service: ServiceName }),
  visibility: 'ephemeral',
  working: ({ service: name }) => `Looking at ${name}…`,
  async run(ctx, { service: name }) {
    // Autoscaling and the last hour's CPU and memory are read beside the service (one round trip);
    // either may fail without failing the reply.
    const [detail, range, utilization] = await Promise.all([
      ctx.aws.services.describe(name),
      optionalRead(ctx, 'Autoscaling', () => ctx.aws.autoscaling.rangeOf(name)),
      lastHourUtilization(ctx, name),
    ]);
    const unavailable = [range.unavailable, utilization.unavailable].filter((u): u is string => u !== undefined);
    await ctx.reply.send(
      serviceDetailMessage(ctx.alias, detail, {
        crashed: await recentCrashes(ctx, detail),
        ...(range.value ? { autoscaling: range.value } : {}),
        ...(utilization.value ? { utilization: { data: utilization.value, windowMs: UTILIZATION_WINDOW_MS } } : {}),
        ...(unavailable.length > 0 ? { unavailable } : {}),
      }),
    );
  },
});

/**
 * A service that looks steady between crashes is not: when its events show tasks being replaced
 * (or its deployment counts failures), the stopped tasks of the last 15 minutes are read, and two
 * or more that ran and then stopped on their own make it crash-looping. Otherwise no further call.
 */
async function recentCrashes(
  ctx: CommandContext,
  detail: ServiceDetail,
): Promise<{ tasks: TaskInfo[]; windowMs: number } | undefined> {
  const now = ctx.clock.now();
  if (!restartsHint(detail, now) && !((primaryDeployment(detail)?.failed ?? 0) > 0)) return undefined;
  // The service itself was read; without its stopped tasks the reply still shows it, only without the crash loop.
  const stopped = await ctx.aws.tasks.list({ service: detail.name, stopped: true }).catch((err: unknown) => {
    ctx.logger.warn(
      { err: err instanceof Error ? err.message : String(err), service: detail.name },
      'service: could not read the stopped tasks',
    );
    return [] as TaskInfo[];
  });
  const recent = crashed(stoppedOnTheirOwn(stopped, undefined)).filter(
    (t) => (t.stoppedAt ?? t.stoppingAt ?? 0) >= now - CRASH_LOOP_WINDOW_MS,
  );
  return recent.length >= CRASH_LOOP_STOPS ? { tasks: recent, windowMs: CRASH_LOOP_WINDOW_MS } : undefined;
}

export const scale = defineVerb({
  verb: 'scale',
  level: 'operate',
  summary: 'Set how many tasks of a service should run',
  usage: 'scale SVC N',
  examples: ['scale web 4', 'scale worker 0 -c staging'],
  positionals: [
    { name: 'service', label: 'SVC' },
    { name: 'count', label: 'N' },
  ],
  args: z.object({ service: ServiceName, count: WholeNumber('N', 1000) }),
  visibility: 'in_channel',
  // The ack comes before any AWS call: it says what is being looked up, and promises nothing a typo could break.
  working: ({ service, count }) => `Looking up ${service} to scale it to ${count}…`,
  async run(ctx, { service, count }) {
    const [before, range] = await Promise.all([ctx.aws.services.describe(service), scalableRange(ctx, service)]);
    if (range && (count < range.min || count > range.max) && before.desired !== count) {
      // Autoscaling would undo it: nothing changes until someone with admin moves the bound.
      await ctx.reply.send(scaleOfferMessage(ctx.alias, service, before.desired, count, range, ctx.user.id));
      return;
    }
    if (before.desired === count) {
      // A no-op is news only to the person who asked, not to the channel.
      await ctx.reply.send(
        nothingToDoMessage(
          `*${escapeText(service)}* in *${ctx.alias}* already wants ${count} ${plural(count, 'task')} (${before.running} running). Nothing was changed.`,
        ),
        { visibility: 'ephemeral' },
      );
      return;
    }
    await changeService(ctx, service, {
      apply: () => ctx.aws.services.scale(service, count),
      announce: (after) =>
        scaledMessage(ctx.alias, before, after, ctx.user.id, range ? autoscalingMayChangeIt(range) : undefined),
      live: liveFollowUp(ctx, { service, before, verb: 'scale' }),
    });
  },
});

export const restart = defineVerb({
  verb: 'restart',
  level: 'operate',
  summary: 'Replace every task of a service with a fresh one (same revision)',
  usage: 'restart SVC',
  examples: ['restart web', 'restart worker -c staging'],
  positionals: [{ name: 'service', label: 'SVC' }],
  args: z.object({ service: ServiceName }),
  visibility: 'in_channel',
  working: ({ service: name }) => `Looking up ${name} to restart it…`,
  async run(ctx, { service: name }) {
    await changeService(ctx, name, {
      apply: () => ctx.aws.services.restart(name),
      announce: (after) => restartedMessage(ctx.alias, after, ctx.user.id),
      live: liveFollowUp(ctx, { service: name, before: undefined, verb: 'restart' }),
    });
  },
});

export const deploy = defineVerb({
  verb: 'deploy',
  level: 'operate',
  summary: 'Deploy a task definition revision to a service, or a new image (registers a new revision)',
  usage: 'deploy SVC FAMILY[:REV]  or  deploy SVC --image URI [--container NAME]',
  examples: ['deploy web web:4', 'deploy web --image nginx:1.28', 'deploy api --image example/api:2 --container api'],
  positionals: [
    { name: 'service', label: 'SVC' },
    { name: 'taskDefinition', label: 'FAMILY[:REV]', optional: true },
  ],
  options: {
    image: {
      type: 'string',
      description: 'deploy this image: a new revision of the service’s task definition with it',
    },
    container: { type: 'string', description: 'which container gets the image (needed when there are several)' },
  },
  args: z
    .object({
      service: ServiceName,
      taskDefinition: TaskDefinitionRef.optional(),
      image: ImageUri.optional(),
      container: ContainerName.optional(),
    })
    .refine((a) => a.container === undefined || a.image !== undefined, {
      path: ['container'],
      message: 'goes with --image (it names the container that gets the image)',
    })
    .refine((a) => a.taskDefinition !== undefined || a.image !== undefined, {
      path: ['taskDefinition'],
      message: 'say what to deploy: a revision (`deploy web web:4`) or an image (`deploy web --image URI`)',
    })
    .refine((a) => a.taskDefinition === undefined || a.image === undefined, {
      path: ['image'],
      message: 'give either FAMILY[:REV] or --image, not both',
    }),
  visibility: 'in_channel',
  working: (a) => `Looking up ${a.service} to deploy ${a.image ?? a.taskDefinition ?? ''} to it…`,
  async run(ctx, { service: name, taskDefinition, image, container }) {
    // What is named is checked before anything is read: a refusal touches nothing of another cluster.
    if (image !== undefined) ctx.ownership.image(image, 'deploy --image');
    else await ctx.ownership.family(taskDefinition!, 'deploy');
    // The service and the named revision are read at once (one round trip, not two); a missing
    // service is reported before a missing revision, as if they had been read in turn.
    const [service, resolved] = await Promise.allSettled([
      ctx.aws.services.describe(name),
      taskDefinition === undefined ? undefined : ctx.aws.taskDefinitions.resolve(taskDefinition),
    ]);
    if (service.status === 'rejected') throw service.reason;
    const before = service.value;
    let change: Parameters<typeof deployedMessage>[2];
    if (image !== undefined) {
      // The new revision is of the family the service runs: that family must be this cluster's too.
      await ctx.ownership.family(before.taskDefinition, 'deploy --image', { runByService: true });
      const revision = await ctx.aws.taskDefinitions.registerWithImage(before.taskDefinition, image, container);
      change = { kind: 'deploy', from: before.taskDefinition, to: revision.to, image: revision };
    } else {
      if (resolved.status === 'rejected') throw resolved.reason;
      const target = resolved.value!;
      if (target === before.taskDefinition) {
        await ctx.reply.send(
          nothingToDoMessage(
            `*${escapeText(name)}* in *${ctx.alias}* already runs \`${escapeText(target)}\`. Nothing was changed; \`/ecs restart ${escapeText(name)}\` replaces its tasks with fresh ones.`,
          ),
          { visibility: 'ephemeral' },
        );
        return;
      }
      change = { kind: 'deploy', from: before.taskDefinition, to: target };
    }
    const deployed = change;
    await changeService(ctx, name, {
      apply: () => ctx.aws.services.deploy(name, deployed.to),
      announce: () => deployedMessage(ctx.alias, name, deployed, ctx.user.id),
      showRevision: true,
      live: liveFollowUp(ctx, { service: name, before, verb: 'deploy' }),
    });
  },
});

export const rollback = defineVerb({
  verb: 'rollback',
  level: 'operate',
  summary: 'Deploy the revision before the current one (the newest ACTIVE one below it)',
  usage: 'rollback SVC',
  examples: ['rollback web'],
  positionals: [{ name: 'service', label: 'SVC' }],
  args: z.object({ service: ServiceName }),
  visibility: 'in_channel',
  working: ({ service: name }) => `Looking up ${name} and its earlier revisions to roll it back…`,
  async run(ctx, { service: name }) {
    const before = await ctx.aws.services.describe(name);
    await ctx.ownership.family(before.taskDefinition, 'rollback', { runByService: true });
    const previous = await ctx.aws.taskDefinitions.previousRevision(before.taskDefinition);
    if (!previous) {
      const family = before.taskDefinition.split(':')[0];
      await ctx.reply.send(
        nothingToDoMessage(
          `*${escapeText(name)}* in *${ctx.alias}* runs \`${escapeText(before.taskDefinition)}\`, and there is no earlier ACTIVE revision of ${escapeText(family ?? '')} to go back to. Nothing was changed.`,
        ),
        { visibility: 'ephemeral' },
      );
      return;
    }
    await changeService(ctx, name, {
      apply: () => ctx.aws.services.deploy(name, previous),
      announce: () =>
        deployedMessage(ctx.alias, name, { kind: 'rollback', from: before.taskDefinition, to: previous }, ctx.user.id),
      showRevision: true,
      live: liveFollowUp(ctx, { service: name, before, verb: 'rollback' }),
    });
  },
});

export const serviceCreate = defineVerb({
  verb: 'service create',
  level: 'admin',
  summary:
    'Create a service running a task definition, launched the way the cluster launches tasks (its capacity provider strategy, Fargate or EC2)',
  usage: 'service create SVC FAMILY[:REV] [--count N] [--like SVC] [--capacity-provider NAME]',
  examples: [
    'service create worker worker:3 --count 2',
    'service create web web -c staging',
    'service create api api --like web --capacity-provider FARGATE_SPOT',
  ],
  positionals: [
    { name: 'service', label: 'SVC' },
    { name: 'taskDefinition', label: 'FAMILY[:REV]' },
  ],
  options: { count: { type: 'string', description: 'how many tasks should run (default 1)' }, ...LaunchOptions },
  args: z.object({
    service: ServiceName,
    taskDefinition: TaskDefinitionRef,
    count: WholeNumber('the count', 1000).default(1),
    ...LaunchArgs,
  }),
  visibility: 'in_channel',
  working: ({ service: name, taskDefinition }) => `Looking up ${taskDefinition} to create service ${name}…`,
  async run(ctx, { service: name, taskDefinition, count, like, 'capacity-provider': capacityProvider }) {
    // What the cluster owns is checked first; how it launches is read meanwhile (reads only).
    const choosing = chooseLaunch(ctx, { taskDefinition, like, capacityProvider, verb: `service create ${name}` });
    choosing.catch(() => undefined);
    await ctx.ownership.family(taskDefinition, 'service create');
    const [resolved, spec] = await Promise.all([ctx.aws.taskDefinitions.resolve(taskDefinition), choosing]);
    await changeService(ctx, name, {
      apply: () => ctx.aws.services.create(name, resolved, count, spec),
      announce: (created) => createdMessage(ctx.alias, created, ctx.user.id),
      showRevision: true,
      live: liveFollowUp(ctx, { service: name, before: undefined, verb: 'service create' }),
    });
  },
});
