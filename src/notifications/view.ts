import { type Button, type KnownBlock } from '@slack/types';
import { type NotificationKind } from '../config/schema';
import {
  actions,
  button,
  commandButton,
  confirmDialog,
  context,
  escapeText as esc,
  fieldsSection,
  header,
  section,
  type SlackMessage,
  truncate,
} from '../slack/message';
import { ACTION_IDS, MUTE_BUTTON_MINUTES } from './constants';
import { threadDetailsOf } from './settings';
import { type ClusterRef, type Fact } from './types';
import { exitFromAgentStop } from '../text/exit-codes';
import { explainPlacement, stopCodeText } from '../text/stop-causes';
import { clockTime, formatDuration } from '../text/times';
import { thousands } from '../text/words';
import { containerLine, stopCauseBlocks } from '../slack/views/task-parts';

/** What the views need of a notification window (a subset of the stored item). */
export interface WindowView {
  alias: string;
  service?: string;
  kind: NotificationKind;
  cluster: ClusterRef;
  count: number;
  firstAt: number;
  lastAt: number;
  latest: Fact;
  /** The route's `threadDetails` (default THREAD_DETAIL_LIMIT; 0: no thread). */
  threadDetails?: number;
}

/** The channel message of a window: the headline with the running count, and the latest occurrence in full. */
export function windowMessage(w: WindowView): SlackMessage {
  const headline = windowHeadline(w);
  return {
    text: esc(headline),
    blocks: [
      header(headline),
      ...factBlocks(w, w.latest, w.count > 1 ? 'Latest' : undefined),
      context(windowContext(w)),
      actions('notification_actions', actionButtons(w, w.latest)),
    ],
  };
}

/** A reply in the window's thread with the detail of occurrence number `n`. */
export function threadDetailMessage(w: WindowView, fact: Fact, n: number): SlackMessage {
  const text = esc(`#${n}: ${factSummary(fact)}`);
  return { text, blocks: [section(`*#${n}* ${factDetailLine(w, fact)}`)] };
}

/** The reply that closes the detail replies: later occurrences are only counted in the message. */
export function overflowNote(w: WindowView): SlackMessage {
  const more = w.kind === 'unexpectedStop' || w.kind === 'scaleIn' || w.kind === 'userStop' ? 'stops' : 'occurrences';
  const command =
    w.service && more === 'stops'
      ? ` \`/ecs tasks --service ${esc(w.service)} --stopped -c ${esc(w.alias)}\` lists them.`
      : '';
  const text = `Further ${more} are only counted in the message above, which always shows the latest reason; the first ${threadDetailsOf(w) + 1} are detailed here.${command}`;
  return { text, blocks: [context(text)] };
}

/** What a mute covers, said once: "prod/web" or "prod". */
function muteTarget(input: { alias: string; service?: string }): string {
  return input.service ? `${input.alias}/${input.service}` : input.alias;
}

/** The Unmute button for a mute of this cluster or service (parsed back by actions.ts). */
export function unmuteButton(input: { alias: string; service?: string }): Button {
  const value: UnmuteValue = { cluster: input.alias, ...(input.service ? { service: input.service } : {}) };
  return button('Unmute', ACTION_IDS.unmute, JSON.stringify(value));
}

/** The thread reply after the Mute button, with an Unmute button. */
export function mutedMessage(input: { userId: string; until: number; alias: string; service?: string }): SlackMessage {
  const text = muteNotice(input);
  return { text, blocks: [section(text), actions('mute_actions', [unmuteButton(input)])] };
}

/** Mute pressed while a mute is in force: who muted it until when, nothing changed, and Unmute. */
export function alreadyMutedMessage(mute: {
  by: string;
  until: number;
  alias: string;
  service?: string;
}): SlackMessage {
  const text = `:mute: ${esc(muteTarget(mute))} notifications are already muted by <@${mute.by}> until ${clockTime(mute.until)} UTC. Nothing was changed; Unmute turns them back on.`;
  return { text, blocks: [section(text), actions('mute_actions', [unmuteButton(mute)])] };
}

/** The thread reply after Unmute. */
export function unmutedNotice(input: { userId: string; alias: string; service?: string; mutedBy: string }): string {
  return `:bell: ${esc(muteTarget(input))} notifications unmuted by <@${input.userId}> (muted by <@${input.mutedBy}>)`;
}

/** The thread reply after the Mute button: "muted by <@U…> until 14:05 UTC". */
export function muteNotice(input: { userId: string; until: number; alias: string; service?: string }): string {
  return `:mute: ${esc(muteTarget(input))} notifications muted by <@${input.userId}> until ${clockTime(input.until)} UTC`;
}

/** `https://REGION.console.aws.amazon.com/ecs/v2/clusters/CLUSTER/tasks/TASKID` */
export function taskConsoleUrl(cluster: ClusterRef, taskId: string): string {
  return `https://${cluster.region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster.name)}/tasks/${encodeURIComponent(taskId)}`;
}

export function serviceConsoleUrl(cluster: ClusterRef, service: string): string {
  return `https://${cluster.region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster.name)}/services/${encodeURIComponent(service)}`;
}

/** "web: 37 tasks stopped in 6 min — essential container exited, exit 137" */
export function windowHeadline(w: WindowView): string {
  const subject = w.service ?? w.alias;
  const n = w.count;
  const span = n > 1 ? ` in ${spanText(w.lastAt - w.firstAt)}` : '';
  const reason = shortReason(w.latest);
  const tail = reason ? ` — ${reason}` : '';
  switch (w.kind) {
    case 'unexpectedStop':
    case 'scaleIn':
    case 'userStop': {
      const what = n === 1 ? 'task stopped' : `${thousands(n)} tasks stopped`;
      const verb = w.kind === 'scaleIn' ? ' (scale-in)' : w.kind === 'userStop' ? ' (by a user)' : '';
      return `${subject}: ${what}${verb}${span}${tail}`;
    }
    case 'placementFailure': {
      const name = w.latest.type === 'serviceAction' ? w.latest.eventName : '';
      const one =
        name === 'SERVICE_TASK_START_IMPAIRED'
          ? 'tasks keep failing to start'
          : name === 'SERVICE_TASK_CONFIGURATION_FAILURE'
            ? 'task configuration failure'
            : 'tasks cannot be placed';
      return `${subject}: ${n === 1 ? one : `${thousands(n)} placement failures`}${span}${tail}`;
    }
    case 'deploymentFailure': {
      // One circuit-breaker failure sends two events (FAILED, then IN_PROGRESS rolling back), so
      // a count of events is not a count of deployments.
      const what = w.latest.type === 'deployment' && w.latest.rollback ? 'deployment rolled back' : 'deployment failed';
      return `${subject}: ${what}${n > 1 ? ` (${n} events${span})` : ''}${tail}`;
    }
    case 'deploymentComplete':
      return `${subject}: ${n === 1 ? 'deployment completed' : `${n} deployments completed${span}`}`;
    case 'instanceDisconnected':
      return `${w.alias}: ${n === 1 ? 'a container instance agent is disconnected' : `${n} container instance agents disconnected${span}`}${tail}`;
  }
}

function windowContext(w: WindowView): string {
  const parts = [`cluster *${esc(w.alias)}*`];
  if (w.count > 1) {
    parts.push(
      `${thousands(w.count)} since ${clockTime(w.firstAt, true)} UTC, latest ${clockTime(w.lastAt, true)} UTC`,
    );
    if (threadDetailsOf(w) > 0)
      parts.push(`details of the first ${Math.min(w.count, threadDetailsOf(w) + 1)} in the thread`);
  } else {
    parts.push(`at ${clockTime(w.lastAt, true)} UTC`);
  }
  return parts.join(' · ');
}

function factBlocks(w: WindowView, fact: Fact, label: string | undefined): KnownBlock[] {
  const prefix = label ? `*${label}:* ` : '';
  switch (fact.type) {
    case 'taskStopped': {
      const blocks: KnownBlock[] = [
        section(`${prefix}*Stopped reason:* ${esc(fact.stoppedReason ?? 'not given')}`),
        fieldsSection([
          field('Cluster', w.cluster.name === w.alias ? w.alias : `${w.alias} (${w.cluster.name})`),
          field('Service', w.service ?? 'none (standalone task)'),
          field('Task definition', fact.taskDefinition ?? 'unknown'),
          field('Stop code', fact.stopCode ?? 'none'),
          field('Ran for', runTime(fact)),
          `*Task*\n<${taskConsoleUrl(w.cluster, fact.taskId)}|${esc(fact.taskId)}>`,
        ]),
      ];
      if (fact.containers.length)
        blocks.push(
          section(`*Containers*\n${fact.containers.map((c) => `• ${containerLine(c, 'event')}`).join('\n')}`),
        );
      blocks.push(...stopCauseBlocks(fact, w.service !== undefined));
      blocks.push(context(consoleLinks(w, fact.taskId)));
      return blocks;
    }
    case 'serviceAction': {
      const why = fact.reason ? explainPlacement(fact.reason) : undefined;
      return [
        section(`${prefix}*${esc(humanEventName(fact.eventName))}*${fact.reason ? `: ${esc(fact.reason)}` : ''}`),
        ...(why ? [section(`:bulb: ${esc(why)}`)] : []),
        context(consoleLinks(w)),
      ];
    }
    case 'deployment': {
      const what = fact.rollback ? 'Circuit breaker rollback' : esc(humanEventName(fact.eventName));
      return [
        section(
          `${prefix}*${what}*${fact.deploymentId ? ` (${esc(fact.deploymentId)})` : ''}${fact.reason ? `: ${esc(fact.reason)}` : ''}`,
        ),
        context(consoleLinks(w)),
      ];
    }
    case 'instanceDisconnected':
      return [
        section(
          `${prefix}The ECS agent on container instance \`${esc(fact.containerInstanceId)}\`${fact.ec2InstanceId ? ` (EC2 ${esc(fact.ec2InstanceId)})` : ''} has been disconnected since ${clockTime(fact.since, true)} UTC; no new tasks are placed there.`,
        ),
      ];
  }
}

function actionButtons(w: WindowView, fact: Fact): Button[] {
  const buttons: Button[] = [];
  // Why? runs `/ecs why` on the task (or the service) as a job: the same diagnosis as typed.
  if (fact.type === 'taskStopped') buttons.push(commandButton('Why?', w.alias, 'why', [fact.taskId]));
  else if (w.service && (w.kind === 'placementFailure' || w.kind === 'deploymentFailure'))
    buttons.push(commandButton('Why?', w.alias, 'why', [w.service]));
  if (fact.type === 'taskStopped') {
    buttons.push(commandButton('Logs', w.alias, 'logs', [fact.taskId]));
    buttons.push(commandButton('Task details', w.alias, 'task', [fact.taskId]));
  } else if (w.service) {
    buttons.push(commandButton('Service', w.alias, 'service', [w.service]));
    buttons.push(commandButton('Logs', w.alias, 'logs', [w.service]));
  }
  if (fact.type === 'instanceDisconnected')
    buttons.push(commandButton('Instance', w.alias, 'instance', [fact.containerInstanceId]));
  if (w.service && (fact.type === 'taskStopped' || w.kind === 'placementFailure')) {
    const confirm = confirmDialog(
      'Restart service?',
      `Start a new deployment of *${esc(w.service)}* in *${esc(w.alias)}*: ECS replaces its tasks with new ones.`,
      'Restart',
    );
    buttons.push(commandButton('Restart service', w.alias, 'restart', [w.service], { confirm }));
  }
  const muteValue: MuteValue = {
    cluster: w.alias,
    ...(w.service ? { service: w.service } : {}),
    minutes: MUTE_BUTTON_MINUTES,
  };
  buttons.push(button('Mute 1 h', ACTION_IDS.mute, JSON.stringify(muteValue)));
  return buttons;
}

/** The Mute button's value (parsed back by actions.ts). */
export interface MuteValue {
  cluster: string;
  service?: string;
  minutes: number;
}

/** The Unmute button's value (parsed back by actions.ts). */
export interface UnmuteValue {
  cluster: string;
  service?: string;
}

function consoleLinks(w: WindowView, taskId?: string): string {
  const links: string[] = [];
  if (taskId) links.push(`<${taskConsoleUrl(w.cluster, taskId)}|task in the AWS console>`);
  if (w.service) links.push(`<${serviceConsoleUrl(w.cluster, w.service)}|service ${esc(w.service)}>`);
  links.push(
    `<https://${w.cluster.region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(w.cluster.name)}|cluster ${esc(w.cluster.name)}>`,
  );
  return links.join(' · ');
}

function factSummary(fact: Fact): string {
  switch (fact.type) {
    case 'taskStopped':
      return `task ${fact.taskId} stopped — ${shortReason(fact) ?? 'no reason given'}`;
    case 'serviceAction':
      return `${humanEventName(fact.eventName)}${fact.reason ? ` — ${fact.reason}` : ''}`;
    case 'deployment':
      return `${fact.rollback ? 'rollback' : humanEventName(fact.eventName)}${fact.reason ? ` — ${fact.reason}` : ''}`;
    case 'instanceDisconnected':
      return `agent of ${fact.containerInstanceId} disconnected`;
  }
}

function factDetailLine(w: WindowView, fact: Fact): string {
  switch (fact.type) {
    case 'taskStopped': {
      const parts = [
        `task <${taskConsoleUrl(w.cluster, fact.taskId)}|${esc(fact.taskId)}>`,
        fact.taskDefinition ? esc(fact.taskDefinition) : undefined,
        fact.stoppedAt ? `stopped ${clockTime(fact.stoppedAt, true)} UTC` : undefined,
        `ran ${runTime(fact)}`,
        `${esc(fact.stopCode ?? 'no stop code')}: ${esc(fact.stoppedReason ?? 'no reason given')}`,
      ].filter(Boolean);
      const containers = fact.containers.map((c) => `• ${containerLine(c, 'event')}`);
      return [parts.join(' · '), ...containers].join('\n');
    }
    default:
      return esc(factSummary(fact));
  }
}

function shortReason(fact: Fact): string | undefined {
  switch (fact.type) {
    case 'taskStopped': {
      const code = fact.stopCode ? stopCodeText(fact.stopCode, 'label') : undefined;
      // The container that stopped the task, not one the agent then stopped with SIGTERM (exit 143).
      const exit =
        fact.containers.find(
          (c) => c.exitCode !== undefined && c.exitCode !== 0 && !exitFromAgentStop(fact.stopCode, c),
        ) ??
        fact.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
        fact.containers.find((c) => c.exitCode !== undefined);
      const exitText = exit?.exitCode !== undefined ? `exit ${exit.exitCode}` : undefined;
      const failedToStart =
        fact.stopCode === 'TaskFailedToStart' && fact.stoppedReason ? truncate(fact.stoppedReason, 80) : undefined;
      return [code, failedToStart, exitText].filter(Boolean).join(', ') || undefined;
    }
    case 'serviceAction':
    case 'deployment':
      return fact.reason ? truncate(fact.reason, 100) : undefined;
    case 'instanceDisconnected':
      return fact.ec2InstanceId ?? fact.containerInstanceId;
  }
}

// A Map, not an object literal: an event name from ECS is data, and "constructor" must stay a string.
const EVENT_NAME_WORDS = new Map([
  ['SERVICE_TASK_PLACEMENT_FAILURE', 'Task placement failure'],
  ['SERVICE_TASK_START_IMPAIRED', 'Tasks are failing to start'],
  ['SERVICE_TASK_CONFIGURATION_FAILURE', 'Task configuration failure'],
  ['SERVICE_DEPLOYMENT_FAILED', 'Deployment failed'],
  ['SERVICE_DEPLOYMENT_COMPLETED', 'Deployment completed'],
  ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'Deployment in progress'],
]);

function humanEventName(name: string): string {
  return EVENT_NAME_WORDS.get(name) ?? name;
}

function runTime(fact: Extract<Fact, { type: 'taskStopped' }>): string {
  if (fact.startedAt === undefined) return 'never started';
  if (fact.stoppedAt === undefined) return 'unknown';
  return formatDuration(Math.max(0, fact.stoppedAt - fact.startedAt), 'spoken');
}

/** How long a window has lasted, to the minute: "5 s", "6 min" (never "0 s"). */
function spanText(ms: number): string {
  return formatDuration(Math.max(1000, ms), 'rounded');
}

function field(label: string, value: string): string {
  return `*${label}*\n${esc(value)}`;
}
