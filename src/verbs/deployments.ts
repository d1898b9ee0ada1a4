import { z } from 'zod';
import { watchFor } from '../config/deployments';
import { atLeast } from '../levels';
import { defineVerb, type CommandContext } from './context';
import { ServiceName } from '../commands/arguments';
import { type ServiceDetail } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';
import { type ServiceDeploymentInfo } from '../aws/service-deployments';
import { ChatopsError } from '../errors';
import { requestApproval } from '../approvals/request';
import { escapeText, section, context, type SlackMessage } from '../slack/message';
import {
  deploymentDetailMessage,
  deploymentRef,
  deploymentsListMessage,
  isEnded,
  phaseOf,
  phaseText,
} from '../slack/views/deployments';
import { nothingToDoMessage } from '../slack/views/services';
import {
  type LiveDeployment,
  LiveDeployment as LiveDeploymentSchema,
  verdictOf,
} from '../notifications/deployments/live';
import {
  concludeCommandDeployment,
  finishCommandWatch,
  followLive,
  openCommandDeployment,
  type WatchDeps,
} from '../notifications/deployments/watch';
import { type LiveFollowUp } from './follow-up';

/**
 * `SVC/ID` as `deployments` lists them (the last part of the service deployment's ARN), or the
 * service deployment ARN itself.
 */
const DeploymentRefArg = z
  .string()
  .max(600)
  .regex(
    /^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,254}\/[A-Za-z0-9_-]{1,100}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+)$/,
    'a deployment is SVC/ID as `deployments SVC` lists it (e.g. web/3Hk9xQ2) or its service-deployment ARN',
  );

function splitRef(ref: string): { service: string; id: string } {
  if (ref.startsWith('arn:')) {
    const [, service] = ref.split(':').slice(5).join(':').split('/').slice(1);
    return { service: service!, id: ref };
  }
  const [service, id] = ref.split('/');
  return { service: service!, id: id! };
}

/** A deployment of this cluster only: an ARN naming another cluster is refused before any call. */
async function findDeployment(ctx: CommandContext, ref: string): Promise<ServiceDeploymentInfo> {
  const { service, id } = splitRef(ref);
  if (id.startsWith('arn:')) {
    const cluster = id.split(':').slice(5).join(':').split('/')[1];
    const ours = ctx.cluster.name.split('/').pop();
    if (cluster !== ours) {
      throw new ChatopsError(
        'usage',
        `That deployment is of cluster \`${escapeText(cluster ?? '?')}\`, not of *${ctx.alias}* (\`${escapeText(ours ?? '')}\`). Nothing was done.`,
      );
    }
  }
  return ctx.aws.serviceDeployments.find(service, id);
}

export const deployments = defineVerb({
  verb: 'deployments',
  level: 'read',
  summary: 'List the recent deployments of a service: outcome, when and how long each took',
  usage: 'deployments SVC',
  examples: ['deployments web', 'deployments api -c staging'],
  positionals: [{ name: 'service', label: 'SVC' }],
  args: z.object({ service: ServiceName }),
  visibility: 'ephemeral',
  working: ({ service }) => `Reading the deployments of ${service}…`,
  async run(ctx, { service }) {
    const list = await ctx.aws.serviceDeployments.list(service, 10);
    await ctx.reply.send(deploymentsListMessage(ctx.alias, service, list, ctx.clock.now()));
  },
});

export const deployment = defineVerb({
  verb: 'deployment',
  level: 'read',
  summary: 'Show one deployment: revisions, tasks, circuit breaker, alarms, lifecycle stage and hooks',
  usage: 'deployment SVC/ID',
  examples: ['deployment web/3Hk9xQ2'],
  positionals: [{ name: 'deployment', label: 'SVC/ID' }],
  args: z.object({ deployment: DeploymentRefArg }),
  visibility: 'ephemeral',
  working: ({ deployment: ref }) => `Reading deployment ${ref}…`,
  async run(ctx, { deployment: ref }) {
    const info = await findDeployment(ctx, ref);
    await ctx.reply.send(deploymentDetailMessage(ctx.alias, info, ctx.clock.now()));
  },
});

export const deploymentRollback = defineVerb({
  verb: 'deployment rollback',
  level: 'operate',
  summary: 'Roll a running or paused deployment back to the revision it replaced (StopServiceDeployment ROLLBACK)',
  usage: 'deployment rollback SVC/ID',
  examples: ['deployment rollback web/3Hk9xQ2'],
  positionals: [{ name: 'deployment', label: 'SVC/ID' }],
  args: z.object({ deployment: DeploymentRefArg }),
  visibility: 'in_channel',
  working: ({ deployment: ref }) => `Looking up deployment ${ref} to roll it back…`,
  async run(ctx, { deployment: ref }) {
    const info = await findDeployment(ctx, ref);
    const shown = deploymentRef(info.service, info.id);
    const phase = phaseOf(viewOf(ctx.alias, info));
    if (isEnded(phase) || phase.kind === 'rollingBack') {
      await ctx.reply.send(alreadyMessage(ctx, info, shown, 'roll back'), { visibility: 'ephemeral' });
      return;
    }
    if ((ctx.config.approvals.verbs as readonly string[]).includes('deployment rollback')) {
      // A second person approves first (approvals.verbs); the approved run rolls back on the operate role.
      const live = await liveOf(ctx, info);
      await requestApproval(ctx, 'deployment rollback', ['deployment', 'rollback', shown, '-c', ctx.alias], {
        kind: 'deployment rollback',
        service: info.service,
        arn: info.arn,
        ref: shown,
        status: info.status,
        ...(live?.from && live.to ? { revisions: `${live.from} → ${live.to}` } : {}),
      });
      return;
    }
    // Paused at a hook: the hook's own ROLLBACK (ContinueServiceDeployment); else StopServiceDeployment.
    if (phase.kind === 'paused') await ctx.aws.serviceDeployments.resume(info.arn, phase.hookId, 'ROLLBACK');
    else await ctx.aws.serviceDeployments.rollback(info.arn);
    await ctx.reply.send(
      actionMessage(
        `:leftwards_arrow_with_hook: *${escapeText(info.service)}* in *${ctx.alias}*: rolling back deployment \`${escapeText(shown)}\``,
        `by <@${ctx.user.id}> · ECS returns the service to the revision this deployment replaced`,
      ),
    );
    await followAgain(ctx, info);
  },
});

export const deploymentContinue = defineVerb({
  verb: 'deployment continue',
  level: 'operate',
  summary: 'Let a deployment paused at a PAUSE lifecycle hook go on (ContinueServiceDeployment)',
  usage: 'deployment continue SVC/ID',
  examples: ['deployment continue web/3Hk9xQ2'],
  positionals: [{ name: 'deployment', label: 'SVC/ID' }],
  args: z.object({ deployment: DeploymentRefArg }),
  visibility: 'in_channel',
  working: ({ deployment: ref }) => `Looking up deployment ${ref} to continue it…`,
  mayRun(config, access, alias) {
    const rule = config.deployments.continue;
    const here = access.clusters[alias];
    if (!atLeast(here?.level, rule.level)) {
      return `Continuing a paused deployment on *${alias}* needs *${rule.level}* there (\`deployments.continue.level\`); you have ${here?.level ? `*${here.level}*` : 'no access'}. Nothing was changed.`;
    }
    if (rule.teams.length > 0 && !rule.teams.some((t) => access.teams.includes(t))) {
      const yours = access.teams.length > 0 ? `you are in ${access.teams.join(', ')}` : 'you are in no team';
      return `Only members of ${rule.teams.map((t) => `*${t}*`).join(' or ')} may continue a paused deployment (\`deployments.continue.teams\`); ${yours}. Nothing was changed.`;
    }
    return undefined;
  },
  async run(ctx, { deployment: ref }) {
    const info = await findDeployment(ctx, ref);
    const shown = deploymentRef(info.service, info.id);
    const phase = phaseOf(viewOf(ctx.alias, info));
    if (phase.kind !== 'paused') {
      await ctx.reply.send(alreadyMessage(ctx, info, shown, 'continue'), { visibility: 'ephemeral' });
      return;
    }
    const live = await liveOf(ctx, info);
    if (
      !ctx.config.deployments.continue.starter &&
      live?.startedBy.kind === 'user' &&
      live.startedBy.id === ctx.user.id
    ) {
      await ctx.reply.send(
        nothingToDoMessage(
          `You started this deployment, so someone else has to continue it (\`deployments.continue.starter\` is false). Nothing was changed.`,
        ),
        { visibility: 'ephemeral' },
      );
      return;
    }
    await ctx.aws.serviceDeployments.resume(info.arn, phase.hookId, 'CONTINUE');
    await ctx.reply.send(
      actionMessage(
        `:arrow_forward: *${escapeText(info.service)}* in *${ctx.alias}*: continuing deployment \`${escapeText(shown)}\` past ${escapeText(phase.stage ?? 'its hook')}`,
        `by <@${ctx.user.id}>`,
      ),
    );
    await followAgain(ctx, info);
  },
});

function actionMessage(text: string, by: string): SlackMessage {
  return { text: text.replace(/[*`]|:[a-z_]+: /g, ''), blocks: [section(text), context(by)] };
}

function alreadyMessage(ctx: CommandContext, info: ServiceDeploymentInfo, shown: string, what: string): SlackMessage {
  const view = viewOf(ctx.alias, info);
  return nothingToDoMessage(
    `Deployment \`${escapeText(shown)}\` of *${escapeText(info.service)}* is ${escapeText(phaseText(view, phaseOf(view), ctx.clock.now()))}: there is nothing to ${what}. Nothing was changed.`,
  );
}

function viewOf(alias: string, info: ServiceDeploymentInfo) {
  return {
    alias,
    service: info.service,
    ecsId: info.id,
    startedBy: { kind: 'outside' as const },
    startedAt: info.startedAt ?? info.createdAt ?? 0,
    snapshot: info,
  };
}

/** The live message of this service deployment, when the bot keeps one. */
async function liveOf(ctx: CommandContext, info: ServiceDeploymentInfo): Promise<LiveDeployment | undefined> {
  if (!ctx.state) return undefined;
  const items = await ctx.state.query<Record<string, unknown>>(`deploy#${ctx.alias}#${info.service}`, {
    skPrefix: 'ecs#',
  });
  for (const item of items) {
    const parsed = LiveDeploymentSchema.safeParse(item);
    if (parsed.success && parsed.data.arn === info.arn) return parsed.data;
  }
  return undefined;
}

function watchDeps(ctx: CommandContext): WatchDeps | undefined {
  if (!ctx.state || !ctx.slack) return undefined;
  return { state: ctx.state, slack: ctx.slack, clock: ctx.clock, logger: ctx.logger, aws: ctx.aws };
}

/** After a Roll back or Continue: the deployment's live message follows what it does now. */
async function followAgain(ctx: CommandContext, info: ServiceDeploymentInfo): Promise<void> {
  const deps = watchDeps(ctx);
  if (!deps) return;
  try {
    const live = await liveOf(ctx, info);
    if (!live) return;
    // What the click changed is worth a read at once.
    const fresh: LiveDeployment = { ...live, readAt: 0 };
    await deps.state.update({ pk: live.pk, sk: live.sk }, 'SET #readAt = :zero', { values: { ':zero': 0 } });
    await followLive(deps, fresh, {
      pollMs: ctx.timing.deploymentPollMs ?? live.updateIntervalMs,
      forMs: ctx.timing.deploymentWatchMs ?? watchFor(ctx.config.deployments),
      ...(ctx.remainingTimeMs ? { remainingTimeMs: ctx.remainingTimeMs } : {}),
    });
  } catch (err) {
    ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'deployment message not followed');
  }
}

/**
 * After `deploy`, `rollback`, `restart`, `scale` or `service create`: when the change started a
 * deployment, its live message is the command's follow-up (`live` of changeService). It is posted
 * in the service's channel (else where the command was typed) and followed until it ends, pauses
 * at a hook, or the follow-up has its answer (the deployment's events carry it on from there). The
 * command's channel gets the announcement with a pointer when the message is elsewhere, and
 * nothing more; the follow-up's finding and the stopped tasks it read go into the message.
 * Undefined — the command's own two replies, as before — when no deployment started, the message
 * could not be posted (the bot is not in the channel), or anything here failed: the change is
 * made either way and the command must say so.
 */
export function liveFollowUp(
  ctx: CommandContext,
  input: { service: string; before: ServiceDetail | undefined; verb: string },
): (
  after: ServiceDetail,
  announcement: SlackMessage,
) => Promise<LiveFollowUp<{ kind: string; stopped?: readonly TaskInfo[] }> | undefined> {
  return async (after, announcement) => {
    const deps = watchDeps(ctx);
    if (!deps) return undefined;
    let item: LiveDeployment | undefined;
    try {
      item = await openCommandDeployment(
        { ...deps, config: ctx.config },
        {
          alias: ctx.alias,
          service: input.service,
          before: input.before,
          after,
          startedBy: { kind: 'user', id: ctx.user.id, verb: input.verb },
          channelId: ctx.channelId,
          announcement: announcement.text,
        },
      );
    } catch (err) {
      ctx.logger.warn(
        { err: err instanceof Error ? err.message : String(err), service: input.service },
        'deployment message not kept',
      );
      return undefined;
    }
    if (!item?.ts) return undefined;
    const opened = item;
    const ref = { alias: opened.alias, service: opened.service, ecsId: opened.ecsId };
    let answered = false;
    let paused = false;
    const watching = followLive(deps, opened, {
      pollMs: ctx.timing.deploymentPollMs ?? opened.updateIntervalMs,
      forMs: ctx.timing.deploymentWatchMs ?? watchFor(ctx.config.deployments),
      ...(ctx.remainingTimeMs ? { remainingTimeMs: ctx.remainingTimeMs } : {}),
      enough: () => answered,
      readStopped: false,
    }).then(
      (last) => {
        paused = phaseOf(last).kind === 'paused';
      },
      (err: unknown) =>
        ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'deployment message not followed'),
    );
    return {
      ...(opened.channel === ctx.channelId ? {} : { pointer: withPointer(announcement, opened.channel) }),
      interrupted: () => paused,
      async conclude(outcome, report) {
        // A wait that ran out leaves the watcher to follow the deployment for `deployments.watch`;
        // otherwise it leaves after its next look, and the events carry the message on.
        answered = outcome.kind !== 'timeout';
        const warn = (what: string) => (err: unknown) =>
          ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, what);
        // Shown at once, with whatever the last look stored.
        await concludeCommandDeployment(deps, ref, verdictOf(outcome.kind, report), outcome.stopped ?? []).catch(
          warn('follow-up not shown'),
        );
        await watching;
        // The watcher's last edit may have been claimed from an older read than the one stored
        // since, or none of its reads may have succeeded: the message ends showing what is stored.
        await finishCommandWatch(deps, ref, ctx.timing.deploymentPollMs ?? opened.updateIntervalMs).catch(
          warn('deployment message not brought up to date'),
        );
      },
    };
  };
}

/** The announcement, saying where the deployment's live message follows it. */
function withPointer(announcement: SlackMessage, channel: string): SlackMessage {
  return {
    text: announcement.text,
    blocks: [
      // The fallback text is already escaped (our own view's, without its marks).
      ...(announcement.blocks ?? [section(announcement.text)]),
      context(`Followed live in <#${channel}>: one message there tells how it goes and how it ends.`),
    ],
  };
}
