import { type Button, type KnownBlock } from '@slack/types';
import { type ServiceDeploymentBriefInfo, type ServiceDeploymentInfo } from '../../aws/service-deployments';
import {
  actions,
  commandButton,
  confirmDialog,
  context,
  escapeText,
  fieldsSection,
  lineSections,
  section,
  type SlackMessage,
} from '../message';
import { slackDate } from '../../text/times';
import { stoppedTaskButtons } from './stopped-tasks';

/** What the live message of one service deployment shows (data only; src/notifications/deployments keeps it). */
export interface DeploymentView {
  alias: string;
  service: string;
  /** The `ecs-svc/…` deployment id. */
  ecsId: string;
  startedBy: { kind: 'user'; id: string; verb: string } | { kind: 'outside' };
  from?: string;
  to?: string;
  startedAt: number;
  /** The service deployment's ARN, once known (UpdateService answers it; a read finds it). */
  arn?: string;
  /** The service deployment as last read (DescribeServiceDeployments), when it was. */
  snapshot?: unknown;
  /** The last Deployment State Change event. */
  event?: { name: string; reason?: string; at: number };
  /** The last Hook State Change event (a lifecycle hook waiting, or how it ended). */
  hook?: { name: string; at: number; hookId?: string; type?: string; stage?: string; expiresAt?: number };
  stopped?: { summary: string; reasons: string[]; details: string[]; newestTask?: string };
  /**
   * What the follow-up of the command that started it found, as the reply it would have sent
   * (already escaped): shown while the deployment runs.
   */
  verdict?: { kind: string; text: string; blocks: unknown[] };
  /**
   * What the command that started it announced (its fallback text, already escaped: the image
   * change, the desired count and launch), kept when the live message is the command's only
   * answer in its channel.
   */
  said?: string;
}

export type Phase =
  | { kind: 'starting' }
  | { kind: 'inProgress'; stage?: string }
  | { kind: 'paused'; stage?: string; hookId: string; expiresAt?: number; timeoutAction?: string }
  | { kind: 'rollingBack'; reason?: string }
  | { kind: 'completed'; at: number }
  | { kind: 'rolledBack'; at: number; reason?: string }
  | { kind: 'failed'; at: number; reason?: string }
  | { kind: 'stopped'; at: number; reason?: string };

const ENDED = new Set<Phase['kind']>(['completed', 'rolledBack', 'failed', 'stopped']);

export function isEnded(phase: Phase): boolean {
  return ENDED.has(phase.kind);
}

/**
 * Where a deployment stands, from the last read of it and the last event: the read when it is as
 * new as the event, else the event (an event arrives without a read, and says less).
 */
export function phaseOf(view: DeploymentView): Phase {
  const info = view.snapshot as ServiceDeploymentInfo | undefined;
  const base = stateChangePhase(view, info);
  // A hook's event, newer than the read and the last state change, says more unless it has ended.
  const hook = view.hook;
  if (!hook || isEnded(base)) return base;
  const newer = hook.at > (info?.updatedAt ?? Number.NEGATIVE_INFINITY) && hook.at >= (view.event?.at ?? 0);
  return newer ? (hookPhase(hook, info) ?? base) : base;
}

/** From the last read and the last Deployment State Change event. */
function stateChangePhase(view: DeploymentView, info: ServiceDeploymentInfo | undefined): Phase {
  const event = view.event;
  const fromEvent = event ? eventPhase(event) : undefined;
  if (!info) return fromEvent ?? { kind: 'starting' };
  const fromRead = readPhase(info);
  if (fromEvent && !isEnded(fromRead) && event && event.at > (info.updatedAt ?? 0) && fromEvent.kind !== 'inProgress')
    return fromEvent;
  return fromRead;
}

/**
 * What a Hook State Change event says (Developer Guide, ecs_hook_state_change_events.html): a
 * PAUSE hook waiting for ContinueServiceDeployment; for a pause hook, SUCCEEDED is a Continue and
 * FAILED a Roll back; a hook that timed out takes its time-out action, known from a read of it.
 */
function hookPhase(
  hook: NonNullable<DeploymentView['hook']>,
  info: ServiceDeploymentInfo | undefined,
): Phase | undefined {
  const stage = hook.stage ? { stage: hook.stage } : {};
  const timeoutAction = info?.hooks.find((h) => h.id === hook.hookId)?.timeoutAction;
  switch (hook.name) {
    case 'HOOK_AWAITING_ACTION':
      return {
        kind: 'paused',
        ...stage,
        hookId: hook.hookId ?? '',
        ...(hook.expiresAt !== undefined ? { expiresAt: hook.expiresAt } : {}),
        ...(timeoutAction ? { timeoutAction } : {}),
      };
    case 'HOOK_IN_PROGRESS':
    case 'HOOK_SUCCEEDED':
      return { kind: 'inProgress', ...stage };
    case 'HOOK_FAILED':
      return {
        kind: 'rollingBack',
        reason: `the ${hook.type === 'PAUSE' ? 'PAUSE hook' : 'lifecycle hook'}${hook.stage ? ` of ${hook.stage}` : ''} said roll back`,
      };
    case 'HOOK_TIMED_OUT':
      return timeoutAction === 'CONTINUE'
        ? { kind: 'inProgress', ...stage }
        : {
            kind: 'rollingBack',
            reason: `nobody acted at the ${hook.type === 'PAUSE' ? 'PAUSE hook' : 'lifecycle hook'}${hook.stage ? ` of ${hook.stage}` : ''} in time`,
          };
    default:
      return undefined;
  }
}

function readPhase(info: ServiceDeploymentInfo): Phase {
  const end = info.finishedAt ?? info.stoppedAt ?? info.updatedAt ?? 0;
  switch (info.status) {
    case 'SUCCESSFUL':
      return { kind: 'completed', at: end };
    case 'ROLLBACK_SUCCESSFUL':
      return { kind: 'rolledBack', at: end, ...reasonOf(info.rollback?.reason ?? info.statusReason) };
    case 'ROLLBACK_FAILED':
      return { kind: 'failed', at: end, ...reasonOf(info.statusReason) };
    case 'STOPPED':
      return { kind: 'stopped', at: end, ...reasonOf(info.statusReason) };
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
    case 'STOP_REQUESTED':
      return { kind: 'rollingBack', ...reasonOf(info.rollback?.reason ?? info.statusReason) };
    default: {
      const hook = info.hooks.find((h) => h.status === 'AWAITING_ACTION');
      if (hook) {
        return {
          kind: 'paused',
          ...(info.lifecycleStage ? { stage: info.lifecycleStage } : {}),
          hookId: hook.id,
          ...(hook.expiresAt !== undefined ? { expiresAt: hook.expiresAt } : {}),
          ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
        };
      }
      return { kind: 'inProgress', ...(info.lifecycleStage ? { stage: info.lifecycleStage } : {}) };
    }
  }
}

function eventPhase(event: { name: string; reason?: string; at: number }): Phase {
  if (event.name === 'SERVICE_DEPLOYMENT_COMPLETED') return { kind: 'completed', at: event.at };
  if (event.name === 'SERVICE_DEPLOYMENT_FAILED') return { kind: 'failed', at: event.at, ...reasonOf(event.reason) };
  if (event.name === 'ROLLBACK_COMPLETED') return { kind: 'rolledBack', at: event.at, ...reasonOf(event.reason) };
  if (/rolling back/i.test(event.reason ?? '')) return { kind: 'rollingBack', ...reasonOf(event.reason) };
  return { kind: 'inProgress' };
}

function reasonOf(reason: string | undefined): { reason?: string } {
  // ECS ends its reasons with a period; the line goes on after it.
  const trimmed = reason?.trim().replace(/\.$/, '');
  return trimmed ? { reason: trimmed } : {};
}

/** "under a minute", "1 min", "12 min", "1 h 5 min". */
export function minutes(ms: number): string {
  const m = Math.round(Math.max(0, ms) / 60_000);
  if (m < 1) return 'under a minute';
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 > 0 ? ` ${m % 60} min` : ''}`;
}

/** `web/3Hk…`: what `deployment` takes, from the service deployment ARN's last part. */
export function deploymentRef(service: string, id: string): string {
  return `${service}/${id}`;
}

/** The phase in one line, plain words (escaped by the caller). */
export function phaseText(view: DeploymentView, phase: Phase, now: number): string {
  const took = (at: number) => minutes(at - view.startedAt);
  const stopped = view.stopped ? `; ${view.stopped.summary}: ${view.stopped.reasons.join('; ')}` : '';
  switch (phase.kind) {
    case 'starting':
      return 'starting';
    case 'inProgress':
      return `in progress${phase.stage ? ` (${phase.stage})` : ''}, ${minutes(now - view.startedAt)} so far`;
    case 'paused':
      return `paused at ${phase.stage ?? 'a lifecycle hook'}, waiting for Continue`;
    case 'rollingBack':
      return `rolling back${phase.reason ? `: ${phase.reason}` : ''}${stopped}`;
    case 'completed':
      return `completed in ${took(phase.at)}`;
    case 'rolledBack':
      return `rolled back after ${took(phase.at)}${phase.reason ? `: ${phase.reason}` : ''}${stopped}`;
    case 'failed':
      return `failed after ${took(phase.at)}${phase.reason ? `: ${phase.reason}` : ''}${stopped}`;
    case 'stopped':
      return `stopped after ${took(phase.at)}${phase.reason ? `: ${phase.reason}` : ''}${stopped}`;
  }
}

const EMOJI: Record<Phase['kind'], string> = {
  starting: ':hourglass_flowing_sand:',
  inProgress: ':hourglass_flowing_sand:',
  paused: ':double_vertical_bar:',
  rollingBack: ':leftwards_arrow_with_hook:',
  completed: ':white_check_mark:',
  rolledBack: ':leftwards_arrow_with_hook:',
  failed: ':x:',
  stopped: ':black_square_for_stop:',
};

/**
 * The live message of one service deployment: what it deploys, who or what started it, where it
 * stands, its tasks against the circuit breaker's threshold, the alarms it watches, its lifecycle
 * stage and how long it has taken; Roll back while it runs, Continue and Roll back while it waits
 * at a PAUSE hook. Once it has ended, one line says how.
 */
export function liveDeploymentMessage(
  view: DeploymentView,
  now: number,
): SlackMessage & { blocks: KnownBlock[]; ended: boolean; phase: string } {
  const phase = phaseOf(view);
  const info = view.snapshot as ServiceDeploymentInfo | undefined;
  const ended = isEnded(phase);
  const what = changeWords(view);
  const title = `*${escapeText(view.service)}* in *${escapeText(view.alias)}*: ${what}`;
  const line = escapeText(phaseText(view, phase, now));
  const verdict = shownVerdict(view, phase);
  const text = `${title} — ${line}${verdict ? ` · ${verdict.text}` : ''}`.replace(/[*`]/g, '');
  const by =
    view.startedBy.kind === 'user'
      ? `started by <@${view.startedBy.id}> with \`${escapeText(view.startedBy.verb)}\``
      : 'started outside Slack (seen in its ECS events)';
  const said = view.said ? ` · ${view.said}` : '';
  const icon = phase.kind === 'completed' && verdict ? ':warning:' : EMOJI[phase.kind];
  const blocks: KnownBlock[] = [section(`${icon} ${title}`), context(`${by}${said}`)];
  blocks.push(section(`*${capitalised(line)}*`));
  if (!ended && info) blocks.push(fieldsSection(factFields(info, now, view.startedAt)));
  if (phase.kind === 'paused') blocks.push(section(pausedText(phase)));
  if (verdict) blocks.push(...(verdict.blocks.length > 0 ? (verdict.blocks as KnownBlock[]) : [section(verdict.text)]));
  // Before any read, the ARN UpdateService answered names it (its last part is the id).
  const id = info?.id ?? view.arn?.split('/').pop();
  const ref = id ? deploymentRef(view.service, id) : undefined;
  // A service's first deployment (`service create`) has no earlier revision to roll back to. (An
  // empty sourceServiceRevisions does not tell: ECS keeps service revisions only since 25 Oct 2024.)
  const first = view.startedBy.kind === 'user' && view.startedBy.verb === 'service create';
  const buttons =
    !ended && ref
      ? deploymentButtons(view.alias, view.service, ref, { paused: phase.kind === 'paused', rollBack: !first })
      : [];
  if (ref && buttons.length > 0) blocks.push(actions(`deployment:${ref}`, buttons));
  // Ended because tasks stopped (rolled back, failed): what to look at next.
  if (ended && phase.kind !== 'completed' && view.stopped && view.stopped.reasons.length > 0)
    blocks.push(
      actions(
        `deployment-end:${ref ?? view.ecsId}`,
        stoppedTaskButtons(view.alias, view.service, view.stopped.newestTask),
      ),
    );
  if (ref)
    blocks.push(context(`deployment \`${escapeText(ref)}\` · \`/ecs deployment ${escapeText(ref)}\` for the detail`));
  return { text, blocks, ended, phase: phase.kind };
}

/**
 * The follow-up's finding, while it adds to what the message shows: not once the deployment has
 * ended (one line says how), and not a wait that ran out while the deployment is paused at a hook
 * (the message says what it waits for). One exception: a deployment ECS calls completed whose
 * tasks the follow-up then saw crash-looping, failing or unplaced. ECS completes a rolling
 * deployment as soon as the service reaches a steady state (the `rolloutState` of DescribeServices'
 * Deployment), which tasks that crash seconds after they start reach for a moment; "completed"
 * alone would hide that they keep stopping.
 */
const STILL_WRONG = new Set(['crashLooping', 'failingToStart', 'unplaceable', 'failed']);

function shownVerdict(view: DeploymentView, phase: Phase): DeploymentView['verdict'] {
  const verdict = view.verdict;
  if (!verdict) return undefined;
  // A follow-up that found the deployment paused says so, with Continue and Roll back, only while
  // no read of the message's own has (it then shows the pause itself, or what came after it).
  if (verdict.kind === 'paused') return phase.kind === 'starting' ? verdict : undefined;
  if (phase.kind === 'completed') return STILL_WRONG.has(verdict.kind) ? verdict : undefined;
  if (isEnded(phase)) return undefined;
  if (phase.kind === 'paused' && verdict.kind === 'timeout') return undefined;
  return verdict;
}

/**
 * Continue (when it waits at a hook) and Roll back (unless there is nothing to go back to), for
 * deployment `ref` (`SVC/ID`).
 */
export function deploymentButtons(
  alias: string,
  service: string,
  ref: string,
  show: { paused: boolean; rollBack?: boolean },
): Button[] {
  const buttons: Button[] = [];
  if (show.paused) buttons.push(commandButton('Continue', alias, 'deployment continue', [ref], { style: 'primary' }));
  if (show.rollBack === false) return buttons;
  buttons.push(
    commandButton('Roll back', alias, 'deployment rollback', [ref], {
      style: 'danger',
      confirm: confirmDialog(
        'Roll back?',
        `ECS stops this deployment of ${escapeText(service)} and goes back to the revision it replaced.`,
        'Roll back',
      ),
    }),
  );
  return buttons;
}

function changeWords(view: DeploymentView): string {
  const verb = view.startedBy.kind === 'user' ? view.startedBy.verb : 'deployment';
  if (view.from && view.to && view.from !== view.to)
    return `${escapeText(verb)} \`${escapeText(view.from)}\` → \`${escapeText(view.to)}\``;
  if (view.to) return `${escapeText(verb)} of \`${escapeText(view.to)}\``;
  return `${escapeText(verb)} \`${escapeText(view.ecsId)}\``;
}

function factFields(info: ServiceDeploymentInfo, now: number, startedAt: number): string[] {
  const t = info.target;
  const fields = [
    `*Tasks*\n${t ? `${t.running} running · ${t.pending} pending of ${t.requested}` : 'not known yet'}`,
    `*Circuit breaker*\n${
      info.circuitBreaker
        ? `${info.circuitBreaker.failures} failed of ${info.circuitBreaker.threshold} allowed`
        : 'not turned on'
    }`,
    `*Alarms*\n${
      info.alarms && info.alarms.names.length > 0
        ? info.alarms.names
            .map((n) => `\`${escapeText(n)}\`${info.alarms!.triggered.includes(n) ? ' :rotating_light:' : ''}`)
            .join(', ')
        : 'none watched'
    }`,
    `*Stage*\n${escapeText(info.lifecycleStage ?? 'not reported')}`,
    `*Elapsed*\n${minutes(now - startedAt)}`,
  ];
  return fields;
}

function pausedText(phase: Extract<Phase, { kind: 'paused' }>): string {
  const until = phase.expiresAt !== undefined ? `until ${slackDate(phase.expiresAt)}` : 'with no time limit';
  const onTimeout =
    phase.timeoutAction === 'CONTINUE' ? 'ECS continues the deployment by itself' : 'ECS rolls the deployment back';
  return `:double_vertical_bar: Waiting at the PAUSE lifecycle hook of *${escapeText(phase.stage ?? 'this stage')}* (blue/green: the new tasks have the test traffic) for someone to *Continue* or *Roll back*, ${until}. If nobody does, ${onTimeout}.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The thread reply under a deployment that ended with stopped tasks: one line per task. */
export function stoppedTasksThread(stopped: { summary: string; reasons: string[]; details: string[] }): SlackMessage {
  const text = `${stopped.summary} during the deployment`;
  return {
    text: escapeText(text),
    blocks: [section(`*${escapeText(text)}*`), ...lineSections(stopped.details.map((d) => `• ${escapeText(d)}`))],
  };
}

/** `deployments SVC`: the recent service deployments, each with its outcome and duration. */
export function deploymentsListMessage(
  alias: string,
  service: string,
  list: readonly ServiceDeploymentBriefInfo[],
  now: number,
): SlackMessage {
  if (list.length === 0) {
    return {
      text: escapeText(`${service} in ${alias} has no service deployments ECS remembers.`),
      blocks: [section(`*${escapeText(service)}* in *${escapeText(alias)}* has no service deployments ECS remembers.`)],
    };
  }
  const lines = list.map((d) => {
    const started = d.startedAt ?? d.createdAt;
    const took =
      started === undefined
        ? ''
        : d.finishedAt !== undefined
          ? ` in ${minutes(d.finishedAt - started)}`
          : ` for ${minutes(now - started)} so far`;
    const when = started !== undefined ? `${slackDate(started)} · ` : '';
    const why = d.statusReason ? ` — ${escapeText(d.statusReason)}` : '';
    return `• \`${escapeText(deploymentRef(service, d.id))}\` ${when}*${escapeText(outcomeWord(d.status))}*${took}${why}`;
  });
  return {
    text: escapeText(`${service} in ${alias}: ${list.length} recent deployment${list.length === 1 ? '' : 's'}`),
    blocks: [
      section(`*${escapeText(service)}* in *${escapeText(alias)}*: recent deployments, newest first`),
      ...lineSections(lines),
      context('`/ecs deployment SVC/ID` shows one in detail'),
    ],
  };
}

function outcomeWord(status: string): string {
  const words: Record<string, string> = {
    SUCCESSFUL: 'completed',
    ROLLBACK_SUCCESSFUL: 'rolled back',
    ROLLBACK_FAILED: 'rollback failed',
    STOPPED: 'stopped',
    IN_PROGRESS: 'in progress',
    PENDING: 'pending',
    ROLLBACK_REQUESTED: 'rolling back',
    ROLLBACK_IN_PROGRESS: 'rolling back',
    STOP_REQUESTED: 'stopping',
  };
  return words[status] ?? status.toLowerCase();
}

/** `deployment SVC/ID`: one service deployment in detail. */
export function deploymentDetailMessage(alias: string, info: ServiceDeploymentInfo, now: number): SlackMessage {
  const view: DeploymentView = {
    alias,
    service: info.service,
    ecsId: info.id,
    startedBy: { kind: 'outside' },
    startedAt: info.startedAt ?? info.createdAt ?? now,
    snapshot: info,
  };
  const phase = phaseOf(view);
  const line = escapeText(phaseText(view, phase, now));
  const ref = deploymentRef(info.service, info.id);
  const revisions = [
    `*Target revision*\n${info.target ? revisionText(info.target) : 'not reported'}`,
    `*Source revisions*\n${info.sources.length > 0 ? info.sources.map(revisionText).join('\n') : 'none (a new service)'}`,
  ];
  const hooks = info.hooks.map(
    (h) =>
      `• hook \`${escapeText(h.id.slice(0, 24))}\` ${escapeText(h.type)} ${escapeText(h.status)}${h.expiresAt !== undefined ? ` until ${slackDate(h.expiresAt)}` : ''}${h.timeoutAction ? `, on time-out ${escapeText(h.timeoutAction)}` : ''}`,
  );
  const blocks: KnownBlock[] = [
    section(`*${escapeText(info.service)}* in *${escapeText(alias)}*: deployment \`${escapeText(ref)}\``),
    section(`${EMOJI[phase.kind]} *${capitalised(line)}*${info.strategy ? ` · ${escapeText(info.strategy)}` : ''}`),
    fieldsSection([...factFields(info, info.finishedAt ?? now, view.startedAt), ...revisions]),
  ];
  if (info.rollback?.reason) blocks.push(section(`*Rollback*: ${escapeText(info.rollback.reason)}`));
  if (hooks.length > 0) blocks.push(...lineSections(hooks));
  return {
    text: escapeText(`${info.service} in ${alias}: deployment ${ref} — ${phaseText(view, phase, now)}`),
    blocks,
  };
}

function revisionText(r: { arn: string; requested: number; running: number; pending: number }): string {
  return `\`${escapeText(r.arn.split('/').pop() ?? r.arn)}\` ${r.running} running · ${r.pending} pending of ${r.requested}`;
}
