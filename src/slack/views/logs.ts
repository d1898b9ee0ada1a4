import { sliceWhole } from '../../unicode';
import { type Button, type KnownBlock } from '@slack/types';
import { actions, commandButton, context, escapeText, header, section, type SlackMessage } from '../message';
import { formatDuration } from '../../text/times';
import { shortId } from '../../commands/ecs-ids';
import { exitCodeMeaning } from '../../text/exit-codes';
import { stopCodeText } from '../../text/stop-causes';
import { slackDate } from '../../text/times';
import { count } from '../../text/words';
import { type ContainerLogs, type LogEvent } from '../../aws/logs';
import { type TaskDefinitionDetail } from '../../aws/task-definitions';
import { type TaskInfo } from '../../aws/tasks';

export const DEFAULT_LINES = 20;
export const MAX_LINES = 200;

/**
 * Code is shown in sections of at most 3000 characters (Slack's limit, fences included), and at
 * most this much in one reply: long replies are hard to scan and Slack refuses very large ones.
 */
const SECTION_CHARS = 2_990;
const TOTAL_CODE_CHARS = 12_000;
const MAX_CODE_SECTIONS = 36;
const MAX_LINE_CHARS = 500;

export interface LogsInput {
  alias: string;
  /** What the user typed, to run again for more lines: a service name or a task id. */
  target: string;
  task: TaskInfo;
  /** Why this task: it was named, or it is the service's newest running one, or (none running) its last stopped one. */
  choice: 'task' | 'running' | 'stopped' | 'pending' | 'crashed';
  /** With `crashed`: the service's newest task, which started less than a minute ago. */
  newer?: TaskInfo;
  taskDefinition: TaskDefinitionDetail;
  containers: ContainerLogs[];
  lines: number;
  now: number;
}

export function logsMessage(input: LogsInput): SlackMessage {
  const { alias, task, containers } = input;
  const subject = task.service ?? `task ${shortId(task.id)}`;
  const blocks: KnownBlock[] = [header(`Logs · ${subject} · ${alias}`), context(...taskContext(input))];
  const readable = containers.filter((c) => c.kind === 'events').length;
  const perContainer = Math.max(
    1,
    Math.floor(Math.min(MAX_CODE_SECTIONS, 50 - 4 - 2 * containers.length) / Math.max(1, readable)),
  );
  const charsPerContainer = Math.floor(TOTAL_CODE_CHARS / Math.max(1, readable));
  let moreAvailable = false;
  for (const logs of containers) {
    const state = task.containers.find((c) => c.name === logs.container);
    const exit = containerExit(state);
    if (logs.kind === 'events') {
      blocks.push(
        section(
          `*${escapeText(logs.container)}*${exit} · \`${escapeText(logs.group)}\` › \`${escapeText(logs.stream)}\``,
        ),
      );
      if (logs.events.length === 0) {
        blocks.push(context('The stream has no lines yet.'));
        continue;
      }
      if (logs.events.length >= input.lines) moreAvailable = true;
      const code = codeSections(
        logs.events,
        Math.min(perContainer, Math.max(1, Math.floor(charsPerContainer / SECTION_CHARS))),
      );
      blocks.push(...code.blocks);
      if (code.leftOut > 0) {
        blocks.push(
          context(
            `${count(code.leftOut, 'older line')} left out to fit Slack's message limits (showing the newest ${logs.events.length - code.leftOut}); CloudWatch has them all.`,
          ),
        );
      }
    } else {
      blocks.push(section(`*${escapeText(logs.container)}*${exit}: ${whyNoLines(logs, task.id)}`));
    }
  }
  const buttons = nextSteps(input, moreAvailable);
  if (buttons.length > 0) blocks.push(actions('logs', buttons));
  const total = containers.reduce((n, c) => n + (c.kind === 'events' ? c.events.length : 0), 0);
  return {
    text: `Logs of ${escapeText(subject)} in ${alias}: task ${escapeText(shortId(task.id))} (${escapeText(task.taskDefinition)}), ${count(total, 'line')} from ${readable} of ${count(containers.length, 'container')}`,
    blocks,
  };
}

function taskContext(input: LogsInput): string[] {
  const { task, now } = input;
  const id = `\`${escapeText(shortId(task.id))}\` (\`${escapeText(task.taskDefinition)}\`)`;
  const service = task.service ? `*${escapeText(task.service)}*` : '';
  let which: string;
  switch (input.choice) {
    case 'running':
      which = `newest running task of ${service}: ${id}${task.startedAt ? `, up for ${formatDuration(Math.max(0, now - task.startedAt))}` : ''}`;
      break;
    case 'stopped':
      which = `:warning: ${service} has no running task; this is its most recently stopped one, ${id}, stopped${task.stoppedAt ? ` ${slackDate(task.stoppedAt)}` : ''}: ${escapeText(stopCodeText(task.stopCode))}${task.stoppedReason ? ` — ${escapeText(task.stoppedReason)}` : ''}`;
      break;
    case 'crashed': {
      const newer = input.newer;
      const young = newer
        ? `its newest task, \`${escapeText(shortId(newer.id))}\`, started ${newer.startedAt ? `only ${formatDuration(Math.max(0, now - newer.startedAt))} ago` : 'just now'}`
        : 'its newest task has only just started';
      which = `:warning: ${service}: ${young}, so these are the last lines of the task that stopped before it, ${id}, which stopped${task.stoppedAt ? ` ${slackDate(task.stoppedAt)}` : ''}: ${escapeText(stopCodeText(task.stopCode))}${task.stoppedReason ? ` — ${escapeText(task.stoppedReason)}` : ''}`;
      break;
    }
    case 'pending':
      which = `${service} has no running or recently stopped task; this one, ${id}, is still ${escapeText(task.lastStatus)}`;
      break;
    case 'task':
      which = `task ${id}${task.service ? ` of service ${service}` : ''} · ${escapeText(task.lastStatus)}${task.lastStatus === 'STOPPED' && task.stoppedAt ? ` ${slackDate(task.stoppedAt)}: ${escapeText(stopCodeText(task.stopCode))}` : ''}`;
      break;
  }
  return [which, `the last ${count(input.lines, 'line')} of each container, times in UTC`];
}

function containerExit(state: TaskInfo['containers'][number] | undefined): string {
  if (state?.exitCode === undefined) return '';
  const meaning = exitCodeMeaning(state.exitCode);
  return ` (exit code ${state.exitCode}${meaning ? `: ${meaning}` : ''}${state.reason ? ` — ${escapeText(state.reason)}` : ''})`;
}

/** What to configure, or why a stream is missing, in a sentence. */
function whyNoLines(logs: Exclude<ContainerLogs, { kind: 'events' }>, taskId: string): string {
  switch (logs.kind) {
    case 'not-awslogs':
      return `${logs.driver ? `logs with the \`${escapeText(logs.driver)}\` driver` : 'has no log configuration (Docker’s default json-file)'}, so its output stays on the instance where CloudWatch cannot show it. To read it here, give the container a \`logConfiguration\` with \`logDriver: awslogs\` and the options \`awslogs-group\`, \`awslogs-region\` and \`awslogs-stream-prefix\`, and let the task execution role call logs:CreateLogStream and logs:PutLogEvents.`;
    case 'no-prefix':
      return `logs to \`${escapeText(logs.group)}\` without \`awslogs-stream-prefix\`, so its stream is named by the Docker container id, which ECS does not report. Add \`awslogs-stream-prefix\` (e.g. \`ecs\`) to its log options; new tasks then log to \`PREFIX/CONTAINER/TASK_ID\`.`;
    case 'no-stream':
      return logs.missing === 'group'
        ? `its log group \`${escapeText(logs.group)}\` does not exist in ${escapeText(logs.region)}, so the awslogs driver cannot write (the task usually fails to start). Create the group, or set \`awslogs-create-group\` to \`true\`.`
        : `no stream \`${escapeText(logs.stream)}\` in \`${escapeText(logs.group)}\` (${escapeText(logs.region)}) yet: the container has not written anything, or never started (task \`${escapeText(shortId(taskId))}\`).`;
  }
}

/** Newest lines first into sections, until the sections run out; the older rest is counted. */
function codeSections(events: LogEvent[], maxSections: number): { blocks: KnownBlock[]; leftOut: number } {
  const withDate =
    new Date(events[0]!.timestamp).toISOString().slice(0, 10) !==
    new Date(events.at(-1)!.timestamp).toISOString().slice(0, 10);
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  let shown = 0;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const line = formatLine(events[i]!, withDate);
    // Eight characters go to the fences.
    if (current.length > 0 && size + line.length + 1 > SECTION_CHARS - 8) {
      chunks.push(current);
      current = [];
      size = 0;
      if (chunks.length >= maxSections) break;
    }
    current.push(line);
    size += line.length + 1;
    shown += 1;
  }
  if (current.length > 0) chunks.push(current);
  const blocks = chunks.reverse().map((chunk) => section(`\`\`\`\n${chunk.reverse().join('\n')}\n\`\`\``));
  return { blocks, leftOut: events.length - shown };
}

function formatLine(event: LogEvent, withDate: boolean): string {
  const iso = new Date(event.timestamp).toISOString();
  const time = withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
  let message = event.message.replace(/\r/g, '').replace(/\n+$/, '');
  if (message.length > MAX_LINE_CHARS) message = `${sliceWhole(message, MAX_LINE_CHARS - 1)}…`;
  // Three backticks in a line would end Slack's code block early.
  return `${time} ${escapeText(message).replace(/```/g, '`\u200b`\u200b`')}`;
}

function nextSteps(input: LogsInput, moreAvailable: boolean): Button[] {
  const { alias, task, lines } = input;
  const buttons: Button[] = [];
  if (moreAvailable && lines < MAX_LINES) {
    const more = Math.min(MAX_LINES, Math.max(100, lines * 2));
    buttons.push(
      commandButton(`${more} lines`, alias, 'logs', [input.target, '--lines', String(more)], { uniqueSuffix: 'more' }),
    );
  }
  buttons.push(commandButton('Task details', alias, 'task', [task.id]));
  if (task.service) buttons.push(commandButton(`Service ${task.service}`, alias, 'service', [task.service]));
  return buttons;
}
