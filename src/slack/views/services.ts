import { type KnownBlock } from '@slack/types';
import { stopCauseBlocks } from './task-parts';
import {
  actions,
  commandButton,
  confirmDialog,
  context,
  escapeText,
  fieldsSection,
  header,
  lineSections,
  section,
  SLACK_LIMITS,
  truncate,
  type SlackMessage,
} from '../message';
import { pageOf } from '../paging';
import { scaleButton } from './scale-modal';
import { formatDuration, slackDate } from '../../text/times';
import { count } from '../../text/words';
import { stripMarkup } from '../../text/markup';
import { type Deployment } from '../../aws/deployments';
import { type ServiceDetail, type ServiceSummary } from '../../aws/services';
import { type ImageRevision } from '../../aws/task-definitions';
import { type TaskInfo } from '../../aws/tasks';
import { stoppedTaskButtons, stoppedTasksLine } from './stopped-tasks';
import { deploymentButtons } from './deployments';
import { scalingLine, utilizationBlock } from './autoscaling';
import { type ScalableRange } from '../../aws/autoscaling';
import { type ServiceUtilization } from '../../aws/metrics';

/** Services on one page of `services`: each is one line, so 50 lines stay within a few sections. */
export const SERVICES_PER_PAGE = 50;
/** Service events shown by `service SVC` (ECS keeps 100; the newest few say what is going on). */
export const SERVICE_EVENTS_SHOWN = 5;
/** Names listed in a summary line before "and N more". */
const SUMMARY_NAMES = 10;
/** One line of a list is never longer than this, whatever ECS returns. */
const LINE_MAX = 300;

/**
 * `services`: a header, the summary first ("12 services, 2 not steady: api, worker"), then one
 * line per service, those not steady first, then by name; paged with a Next button (`--page`).
 */
export function servicesListMessage(alias: string, services: readonly ServiceSummary[], page: number): SlackMessage {
  if (services.length === 0) {
    const text = `*${alias}* has no services yet. An admin can create one: \`/ecs service create SVC FAMILY[:REV] -c ${alias}\`.`;
    return { text: `${alias} has no services yet.`, blocks: [header(`Services in ${alias}`), section(text)] };
  }
  const unsteady = services.filter((s) => !s.steady);
  const ordered = [...unsteady, ...services.filter((s) => s.steady)];
  const summary = `${count(services.length, 'service')}, ${unsteady.length === 0 ? 'all steady' : `${unsteady.length} not steady`}`;
  const names =
    unsteady.length === 0
      ? ''
      : `: ${unsteady
          .slice(0, SUMMARY_NAMES)
          .map((s) => `*${escapeText(s.name)}*`)
          .join(', ')}${unsteady.length > SUMMARY_NAMES ? ` and ${unsteady.length - SUMMARY_NAMES} more` : ''}`;
  const shown = pageOf(ordered, page, SERVICES_PER_PAGE, { cluster: alias, verb: 'services', args: [] });
  const blocks: KnownBlock[] = [
    header(`Services in ${alias}`),
    section(`${unsteady.length > 0 ? ':warning: ' : ''}*${summary}*${names}`),
  ];
  blocks.push(...lineSections(shown.items.map(serviceLine)));
  blocks.push(
    context(
      `${shown.pastEnd ? `${shown.summary[0]!.toUpperCase()}${shown.summary.slice(1)}. ` : shown.pages > 1 ? `Page ${shown.page} of ${shown.pages}, ${shown.summary}. ` : ''}\`/ecs service SVC\` shows one in detail.`,
    ),
  );
  if (shown.next) blocks.push(actions('services:paging', [shown.next]));
  return { text: `${alias}: ${summary}`, blocks };
}

function serviceLine(s: ServiceSummary): string {
  const mark = s.steady ? ':white_check_mark:' : ':warning:';
  const counts = `${s.running}/${s.desired} running${s.pending > 0 ? `, ${s.pending} pending` : ''}`;
  const rollout = s.rolloutState && s.rolloutState !== 'COMPLETED' ? ` · ${rolloutWords(s.rolloutState)}` : '';
  const deployments = s.deployments > 1 ? ` (${s.deployments} deployments)` : '';
  const status = s.status !== 'ACTIVE' ? ` · ${escapeText(s.status)}` : '';
  return truncate(
    `${mark} *${escapeText(s.name)}* — ${counts} · \`${escapeText(s.taskDefinition)}\`${rollout}${deployments}${status}`,
    LINE_MAX,
  );
}

/**
 * `service SVC`: the counts, each deployment's rollout and revision, the last few events, the
 * launch type, and buttons for the next step (Scale opens a modal; the others run commands).
 */
export function serviceDetailMessage(
  alias: string,
  s: ServiceDetail,
  health: {
    crashed?: { tasks: readonly TaskInfo[]; windowMs: number };
    /** The Application Auto Scaling target, when one manages the service. */
    autoscaling?: ScalableRange;
    /** CPU and memory over the last `windowMs`. */
    utilization?: { data: ServiceUtilization; windowMs: number };
    /** Why a part could not be read (plain text, escaped here). */
    unavailable?: string[];
  } = {},
): SlackMessage {
  const crashed = health.crashed && health.crashed.tasks.length > 0 ? health.crashed : undefined;
  const steady =
    !crashed &&
    s.status === 'ACTIVE' &&
    s.running === s.desired &&
    s.pending === 0 &&
    s.deployments.length <= 1 &&
    s.deployments[0]?.rolloutState !== 'FAILED';
  const blocks: KnownBlock[] = [header(`${s.name} · ${alias}`)];
  const state = crashed
    ? crashLoopLine(s, crashed.tasks, crashed.windowMs)
    : steady
      ? `:white_check_mark: Steady: *${s.running}/${s.desired}* running.`
      : `:warning: Not steady: *${s.running}/${s.desired}* running${s.pending > 0 ? `, ${s.pending} pending` : ''}${s.deployments.length > 1 ? `, ${s.deployments.length} deployments` : ''}${s.status !== 'ACTIVE' ? `, ${escapeText(s.status)}` : ''}.`;
  blocks.push(section(state));
  blocks.push(
    fieldsSection([
      `*Running*\n${s.running}`,
      `*Desired*\n${s.desired}`,
      `*Pending*\n${s.pending}`,
      `*Task definition*\n\`${escapeText(s.taskDefinition)}\``,
      s.capacityProviderStrategy
        ? `*Capacity providers*\n${escapeText(strategyText(s.capacityProviderStrategy))}`
        : `*Launch type*\n${escapeText(s.launchType ?? 'EC2')}`,
      `*Status*\n${escapeText(s.status)}`,
      ...(s.platformVersion ? [`*Platform version*\n${escapeText(s.platformVersion)}`] : []),
      ...(s.network ? [`*Network*\n${escapeText(networkText(s.network))}`] : []),
    ]),
  );
  if (health.autoscaling) blocks.push(section(scalingLine(health.autoscaling)));
  if (health.utilization) blocks.push(utilizationBlock(health.utilization.data, health.utilization.windowMs));
  if (health.unavailable && health.unavailable.length > 0)
    blocks.push(context(health.unavailable.map((u) => escapeText(u)).join(' · ')));
  if (s.deployments.length > 0) {
    blocks.push(section(`*Deployments*\n${s.deployments.slice(0, 5).map(deploymentLine).join('\n')}`));
  }
  const events = [...s.events].sort((a, b) => b.createdAt - a.createdAt).slice(0, SERVICE_EVENTS_SHOWN);
  if (events.length > 0) {
    blocks.push(
      section(
        `*Last events*\n${events.map((e) => truncate(`${slackDate(e.createdAt, 'ago')} ${escapeText(e.message)}`, LINE_MAX)).join('\n')}`,
      ),
    );
  }
  blocks.push(
    actions(`service:${s.name}`, [
      scaleButton(alias, s.name, s.desired),
      commandButton('Restart', alias, 'restart', [s.name], {
        confirm: confirmDialog(
          'Restart?',
          truncate(
            `This replaces every task of *${escapeText(s.name)}* in *${alias}* with a fresh one of \`${escapeText(s.taskDefinition)}\`.`,
            300,
          ),
          'Restart',
        ),
      }),
      commandButton('Tasks', alias, 'tasks', ['--service', s.name]),
      ...(crashed
        ? [
            commandButton('Stopped tasks', alias, 'tasks', ['--service', s.name, '--stopped'], {
              uniqueSuffix: 'stopped',
            }),
          ]
        : []),
      commandButton('Logs', alias, 'logs', [s.name]),
    ]),
  );
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  return {
    text: escapeText(
      `${s.name} in ${alias}: ${crashed ? 'crash-looping, ' : ''}${s.running}/${s.desired} running${s.pending > 0 ? `, ${s.pending} pending` : ''}, ${s.taskDefinition}${primary?.rolloutState ? ` (${primary.rolloutState})` : ''}`,
    ),
    blocks,
  };
}

/** "Crash-looping: 7 tasks stopped soon after starting in the last 15 min: REASON" — never "Steady". */
function crashLoopLine(s: ServiceDetail, tasks: readonly TaskInfo[], windowMs: number): string {
  const line = stoppedTasksLine(tasks, escapeText);
  const reasons = line.reasons.length === 1 ? line.reasons[0]! : line.reasons.join('; ');
  return truncate(
    `:x: Crash-looping: *${s.running}/${s.desired}* running, but ${line.summary} soon after starting in the last ${formatDuration(windowMs)}: ${reasons}`,
    SLACK_LIMITS.sectionText,
  );
}

function deploymentLine(d: Deployment): string {
  const counts = `${d.running}/${d.desired} running${d.pending > 0 ? `, ${d.pending} pending` : ''}${d.failed > 0 ? `, ${d.failed} failed` : ''}`;
  // An older deployment still says COMPLETED (its own rollout did finish); what matters is that it is on its way out.
  const rollout =
    d.status !== 'PRIMARY' ? ' · being replaced' : d.rolloutState ? ` · ${rolloutWords(d.rolloutState)}` : '';
  const reason = d.rolloutState === 'FAILED' && d.rolloutStateReason ? ` — ${escapeText(d.rolloutStateReason)}` : '';
  const since = d.createdAt ? ` · started ${slackDate(d.createdAt, 'ago')}` : '';
  return truncate(
    `• ${escapeText(d.status)} \`${escapeText(d.taskDefinition)}\` — ${counts}${rollout}${reason}${since}`,
    LINE_MAX,
  );
}

function rolloutWords(state: string): string {
  switch (state) {
    case 'IN_PROGRESS':
      return 'rolling out';
    case 'COMPLETED':
      return 'rolled out';
    case 'FAILED':
      return ':x: rollout failed';
    default:
      return escapeText(state);
  }
}

/** `restart SVC` was accepted: a new deployment replaces the tasks. */
export function restartedMessage(alias: string, after: ServiceDetail, userId: string): SlackMessage {
  const revision = `\`${escapeText(after.taskDefinition)}\``;
  const tasks =
    after.desired === 0
      ? 'it runs no tasks, so there is nothing to replace'
      : after.desired === 1
        ? `a fresh task of ${revision} replaces the running one`
        : `${after.desired} fresh tasks of ${revision} replace the running ones`;
  return {
    text: `${escapeText(after.name)} in ${alias}: restarting — ${tasks.replace(/`/g, '')}`,
    blocks: [
      section(`:arrows_counterclockwise: *${escapeText(after.name)}* in *${alias}*: restarting — ${tasks}.`),
      context(`by <@${userId}> · a new deployment (forceNewDeployment)`),
    ],
  };
}

/** `deploy` / `rollback` was accepted: from which revision to which (and which image, when one changed). */
export function deployedMessage(
  alias: string,
  service: string,
  change: { from: string; to: string; kind: 'deploy' | 'rollback'; image?: ImageRevision },
  userId: string,
): SlackMessage {
  const verb = change.kind === 'rollback' ? 'rolling back' : 'deploying';
  const image = change.image
    ? ` (container \`${escapeText(change.image.container)}\`: \`${escapeText(change.image.previousImage)}\` → \`${escapeText(change.image.image)}\`)`
    : '';
  const text = `*${escapeText(service)}* in *${alias}*: ${verb} \`${escapeText(change.from)}\` → \`${escapeText(change.to)}\`${image}`;
  const why =
    change.kind === 'rollback'
      ? ` · \`${escapeText(change.to)}\` is the newest ACTIVE revision before \`${escapeText(change.from)}\``
      : change.image
        ? ` · registered \`${escapeText(change.to)}\` for the new image`
        : '';
  return {
    text: stripMarkup(text),
    blocks: [section(`:rocket: ${text}`), context(`by <@${userId}>${why}`)],
  };
}

/** "FARGATE 1 (base 1) / FARGATE_SPOT 3" */
export function strategyText(strategy: { capacityProvider: string; weight: number; base: number }[]): string {
  return strategy.map((i) => `${i.capacityProvider} ${i.weight}${i.base > 0 ? ` (base ${i.base})` : ''}`).join(' / ');
}

/** "subnet-0a…, subnet-0b… · sg-0d… · no public IP" */
export function networkText(n: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean }): string {
  return `${n.subnets.join(', ')} · ${n.securityGroups.length > 0 ? n.securityGroups.join(', ') : 'default security group'} · ${n.assignPublicIp ? 'public IP' : 'no public IP'}`;
}

/** `service create` was accepted. */
export function createdMessage(alias: string, created: ServiceDetail, userId: string): SlackMessage {
  const text = `*${escapeText(created.name)}* created in *${alias}*: \`${escapeText(created.taskDefinition)}\`, desired ${created.desired} (${escapeText(created.capacityProviderStrategy ? strategyText(created.capacityProviderStrategy) : (created.launchType ?? 'EC2'))})`;
  return { text: stripMarkup(text), blocks: [section(`:sparkles: ${text}`), context(`by <@${userId}>`)] };
}

/** A command that had nothing to do says so, and what would. */
export function nothingToDoMessage(text: string): SlackMessage {
  return iconLine(':information_source:', text, false);
}

export function scaledMessage(
  alias: string,
  before: ServiceDetail,
  after: ServiceDetail,
  userId: string,
  /** A further context line (e.g. that autoscaling may change the count again); mrkdwn, escaped. */
  note?: string,
): SlackMessage {
  const text = `*${escapeText(after.name)}* in *${alias}*: desired ${before.desired} → ${after.desired}`;
  return {
    text: `${escapeText(after.name)} in ${alias}: desired ${before.desired} → ${after.desired}`,
    blocks: [
      section(text),
      context(
        `by <@${userId}> · ${after.running} running now · task definition \`${escapeText(after.taskDefinition)}\``,
      ),
      ...(note ? [context(note)] : []),
    ],
  };
}

/** How a follow-up after a change ended (src/verbs/follow-up.ts watches the service). */
export type Settlement =
  | { kind: 'settled'; service: ServiceDetail }
  /** `missing` of `of` tasks of the newest deployment could not be placed (never 0). */
  | { kind: 'unplaceable'; service: ServiceDetail; reason: string; eventMessage: string; missing: number; of: number }
  /** `stopped`: the service's tasks that started after the change and have stopped, newest first. */
  | { kind: 'failed'; service: ServiceDetail; reason: string; stopped: TaskInfo[] }
  /** Tasks the change started keep stopping soon after they start; `stopped` as for `failed`. */
  | { kind: 'crashLooping'; service: ServiceDetail; stopped: TaskInfo[] }
  /** Tasks the change started keep stopping before they run (e.g. CannotPullContainerError); `stopped` as for `failed`. */
  | { kind: 'failingToStart'; service: ServiceDetail; stopped: TaskInfo[] }
  | { kind: 'timeout'; service: ServiceDetail; stopped: TaskInfo[] }
  /**
   * The deployment waits at a PAUSE lifecycle hook (blue/green test traffic, for example): nothing
   * more comes of waiting until someone continues or rolls it back. `at`: what the hook waits for.
   */
  | { kind: 'paused'; service: ServiceDetail; at?: PausedAt };

/** Where a paused deployment waits, as DescribeServiceDeployments tells it. */
export interface PausedAt {
  /** `SVC/ID`, what `deployment continue` takes. */
  ref: string;
  /** False for a service's first deployment: no earlier revision to roll back to. */
  rollBack: boolean;
  stage?: string;
  expiresAt?: number;
  timeoutAction?: string;
}

/** The follow-up: settled, could not place, failed, or still going. `showRevision` names the revision (deploys). */
export function settlementMessage(
  alias: string,
  outcome: Settlement,
  timeoutMs: number,
  options: { showRevision?: boolean } = {},
): SlackMessage {
  const s = outcome.service;
  const name = `*${escapeText(s.name)}* in *${alias}*`;
  const on = options.showRevision ? ` \`${escapeText(s.taskDefinition)}\`` : '';
  switch (outcome.kind) {
    case 'settled': {
      const text =
        s.desired === 0 ? `${name}: 0/0 running — stopped` : `${name}: ${s.running}/${s.desired} running${on}`;
      return iconLine(':white_check_mark:', text, false);
    }
    case 'unplaceable': {
      // During a deployment the count is the new deployment's, and the old tasks still run.
      const primary = s.deployments.find((d) => d.status === 'PRIMARY');
      const rolling = s.deployments.length > 1 && primary !== undefined;
      const what = rolling ? ` new tasks of \`${escapeText(primary.taskDefinition)}\`` : '';
      const old = rolling ? ` ${count(s.running - primary.running, 'old task')} still running.` : '';
      const text = `${name}: ${outcome.missing} of ${outcome.of}${what} could not be placed: ${escapeText(outcome.reason)}${old}`;
      return {
        text: stripMarkup(text, { keepCode: true }),
        blocks: [
          section(`:warning: ${text}`),
          context(`ECS: ${escapeText(outcome.eventMessage)}`),
          actions(`follow-up:${s.name}`, [commandButton('Why?', alias, 'why', [s.name])]),
        ],
      };
    }
    case 'failed': {
      const text = `${name}: the deployment failed — ${escapeText(outcome.reason)} (${s.running}/${s.desired} running)`;
      return withStoppedTasks(alias, s.name, iconLine(':x:', text, true), outcome.stopped);
    }
    case 'crashLooping': {
      const crashes = outcome.stopped.filter((t) => t.startedAt !== undefined).length;
      const text = `${name} is crash-looping: its tasks stop soon after they start (${crashes} since the change; ${s.running}/${s.desired} running now)${on ? ` on${on}` : ''}.`;
      return withStoppedTasks(alias, s.name, iconLine(':x:', text, false), outcome.stopped);
    }
    case 'failingToStart': {
      const failed = outcome.stopped.filter((t) => t.startedAt === undefined).length;
      const text = `${name}: its new tasks${on ? ` of${on}` : ''} fail to start (${failed} so far; ${s.running}/${s.desired} running now).`;
      return withStoppedTasks(alias, s.name, iconLine(':x:', text, false), outcome.stopped);
    }
    case 'paused':
      return pausedMessage(alias, s.name, name, outcome.at);
    case 'timeout': {
      const text = `${name}: still ${s.running}/${s.desired} running (${s.pending} pending) after ${formatDuration(timeoutMs)}. Check \`/ecs service ${escapeText(s.name)} -c ${alias}\`.`;
      return withStoppedTasks(alias, s.name, iconLine(':hourglass:', text, true), outcome.stopped);
    }
  }
}

/** A deployment waiting at a PAUSE hook: what it waits for, until when, and the two ways on. */
function pausedMessage(alias: string, service: string, name: string, at: PausedAt | undefined): SlackMessage {
  const stage = at?.stage ? ` of *${escapeText(at.stage)}*` : '';
  const until = at?.expiresAt !== undefined ? ` until ${slackDate(at.expiresAt)}` : '';
  const onTimeout = at
    ? at.timeoutAction === 'CONTINUE'
      ? ' If nobody acts, ECS continues it by itself.'
      : ' If nobody acts, ECS rolls it back.'
    : '';
  const how = at
    ? ` \`/ecs deployment continue ${escapeText(at.ref)} -c ${alias}\` goes on; \`/ecs deployment rollback ${escapeText(at.ref)} -c ${alias}\` goes back.`
    : ` \`/ecs deployments ${escapeText(service)} -c ${alias}\` names it.`;
  const text = `${name}: the deployment is paused at the PAUSE lifecycle hook${stage}, waiting for someone to continue or roll it back${until}.${onTimeout}${how}`;
  const blocks: KnownBlock[] = [section(`:double_vertical_bar: ${text}`)];
  if (at) {
    blocks.push(
      actions(
        `follow-up:${service}`,
        deploymentButtons(alias, service, at.ref, { paused: true, rollBack: at.rollBack }),
      ),
    );
  }
  return { text: stripMarkup(text, { keepCode: true }), blocks };
}

/** A one-line message: the line after an icon, and without its marks as the fallback text. */
function iconLine(icon: string, text: string, keepCode: boolean): SlackMessage {
  return { text: stripMarkup(text, { keepCode }), blocks: [section(`${icon} ${text}`)] };
}

/** The first Fargate or awsvpc cause among the stopped tasks, explained. */
function causeOf(stopped: readonly TaskInfo[]): KnownBlock[] {
  for (const t of stopped) {
    const blocks = stopCauseBlocks(t, true);
    if (blocks.length > 0) return blocks;
  }
  return [];
}

/**
 * A follow-up that ended badly says why the change's tasks stopped ("3 tasks stopped:
 * CannotPullContainerError: …"), with buttons to the stopped tasks and the logs; unchanged when
 * none stopped.
 */
function withStoppedTasks(
  alias: string,
  service: string,
  message: SlackMessage,
  stopped: readonly TaskInfo[],
): SlackMessage {
  if (stopped.length === 0) return message;
  const shown = stoppedTasksLine(stopped, escapeText);
  const body =
    shown.reasons.length === 1
      ? `*${shown.summary}:* ${shown.reasons[0]}`
      : `*${shown.summary}:*\n${shown.reasons.map((r) => `• ${r}`).join('\n')}`;
  return {
    text: truncate(
      `${message.text}${message.text.endsWith('.') ? '' : '.'} ${shown.summary}: ${shown.reasons.join('; ')}`,
      SLACK_LIMITS.messageText,
    ),
    blocks: [
      ...(message.blocks ?? []),
      section(body),
      ...causeOf(stopped),
      // Why? diagnoses the newest task that stopped (`/ecs why TASK`), as a job of its own.
      actions(`follow-up:${service}`, stoppedTaskButtons(alias, service, stopped[0]!.id)),
    ],
  };
}
