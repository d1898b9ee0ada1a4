import { type Button, type KnownBlock } from '@slack/types';
import { explainPlacement, portsInUse } from '../../text/stop-causes';
import {
  actions,
  commandButton,
  confirmDialog,
  context,
  escapeText,
  fieldsSection,
  header,
  section,
  type SlackMessage,
} from '../message';
import { pageOf } from '../paging';
import { formatDuration } from '../../text/times';
import { type ContainerInstanceInfo } from '../../aws/instances';
import { type TaskFilter, type TaskInfo, type TaskLaunch } from '../../aws/tasks';
import { exitCodeMeaning, exitFromAgentStop } from '../../text/exit-codes';
import { shortId } from '../../commands/ecs-ids';
import { stopCodeText } from '../../text/stop-causes';
import { count, listSome, tally } from '../../text/words';
import { slackDate } from '../../text/times';
import { stripMarkup } from '../../text/markup';
import { containerLine, stopCauseBlocks } from './task-parts';

/** Two blocks a row (the task, its buttons): 20 rows stay well inside Slack's 50 blocks. */
export const TASKS_PER_PAGE = 20;

export interface TaskListInput {
  alias: string;
  tasks: TaskInfo[];
  filter: TaskFilter;
  page: number;
  now: number;
}

export function taskListMessage({ alias, tasks, filter, page, now }: TaskListInput): SlackMessage {
  const what = `${filter.stopped ? 'Stopped tasks' : 'Tasks'}${filter.service ? ` of ${filter.service}` : ''} in ${alias}`;
  if (tasks.length === 0) {
    const text = filter.stopped
      ? `No stopped tasks${filter.service ? ` of ${filter.service}` : ''} in ${alias} (ECS keeps them about an hour).`
      : `No running tasks${filter.service ? ` of ${filter.service}` : ''} in ${alias}.`;
    return {
      text: escapeText(text),
      blocks: [
        section(escapeText(text)),
        context(
          filter.stopped
            ? 'Without `--stopped` the list shows running and pending tasks.'
            : 'Add `--stopped` to see the ones that stopped in the last hour.',
        ),
      ],
    };
  }
  const sorted = filter.stopped
    ? [...tasks].sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0) || a.id.localeCompare(b.id))
    : [...tasks].sort(
        (a, b) =>
          (a.group ?? '').localeCompare(b.group ?? '') ||
          (a.createdAt ?? 0) - (b.createdAt ?? 0) ||
          a.id.localeCompare(b.id),
      );
  const args = [...(filter.service ? ['--service', filter.service] : []), ...(filter.stopped ? ['--stopped'] : [])];
  const shown = pageOf(sorted, page, TASKS_PER_PAGE, { cluster: alias, verb: 'tasks', args });
  const blocks: KnownBlock[] = [header(what), section(taskSummary(tasks, filter))];
  shown.items.forEach((task, i) => {
    blocks.push(section(taskRow(task, now)));
    blocks.push(actions(`task-${shown.page}-${i}`, taskButtons(alias, task, String(i))));
  });
  blocks.push(context(`${shown.summary} · \`/ecs task ID\` for one task's containers and exit codes`));
  if (shown.next) blocks.push(actions('tasks-next', [shown.next]));
  return { text: escapeText(`${what}: ${tasks.length} (${shown.summary})`), blocks };
}

/** "12 tasks: 10 running, 2 pending · by service: web 3, api 9". */
export function taskSummary(tasks: TaskInfo[], filter: TaskFilter): string {
  const n = tasks.length;
  if (filter.stopped) {
    const byCode = tally(tasks.map((t) => stopCodeText(t.stopCode)));
    return `*${count(n, 'stopped task')}* (ECS keeps them about an hour): ${byCode.map(([k, v]) => `${v} × ${escapeText(k)}`).join(', ')}`;
  }
  const byStatus = tally(tasks.map((t) => (t.desiredStatus === 'STOPPED' ? 'stopping' : t.lastStatus.toLowerCase())));
  const parts = [`*${count(n, 'task')}*: ${byStatus.map(([k, v]) => `${v} ${escapeText(k)}`).join(', ')}`];
  if (!filter.service) {
    const byService = tally(tasks.map((t) => t.service ?? 'standalone'));
    parts.push(
      `by service: ${listSome(
        byService.map(([k, v]) => `${escapeText(k)} ${v}`),
        12,
      )}`,
    );
  }
  return parts.join(' · ');
}

function taskRow(task: TaskInfo, now: number): string {
  const head = `\`${escapeText(shortId(task.id))}\` *${escapeText(task.taskDefinition)}*`;
  const owner = task.service
    ? `service ${escapeText(task.service)}`
    : task.startedBy
      ? `started by ${escapeText(task.startedBy)}`
      : 'standalone';
  if (task.lastStatus === 'STOPPED') {
    const ago = task.stoppedAt ? ` ${formatDuration(Math.max(0, now - task.stoppedAt))} ago` : '';
    const exits = task.containers
      .filter((c) => c.exitCode !== undefined && c.exitCode !== 0 && !exitFromAgentStop(task.stopCode, c))
      .map(
        (c) =>
          `${escapeText(c.name)} exit ${c.exitCode}${exitCodeMeaning(c.exitCode!) ? ` (${exitCodeMeaning(c.exitCode!)})` : ''}`,
      );
    return `${head} · STOPPED${ago} · ${escapeText(stopCodeText(task.stopCode))}${exits.length > 0 ? ` — ${exits.join(', ')}` : ''} · ${owner}`;
  }
  const status = escapeText(task.desiredStatus === 'STOPPED' ? `${task.lastStatus} → stopping` : task.lastStatus);
  const age = task.startedAt ? ` for ${formatDuration(Math.max(0, now - task.startedAt))}` : '';
  const where = task.containerInstanceId
    ? ` · instance \`${escapeText(shortId(task.containerInstanceId))}\``
    : task.launchType === 'FARGATE'
      ? ` · ${escapeText(task.capacityProvider ?? 'FARGATE')}`
      : '';
  const ip = task.privateIp ? ` · ${escapeText(task.privateIp)}` : '';
  return `${head} · ${status}${age} · ${owner}${where}${ip}`;
}

/** Details, and Stop (Slack's confirm dialog first) while the task is still meant to run. */
export function taskButtons(alias: string, task: TaskInfo, suffix: string): Button[] {
  const buttons = [commandButton('Details', alias, 'task', [task.id], { uniqueSuffix: `d${suffix}` })];
  if (task.desiredStatus !== 'STOPPED') buttons.push(stopButton(alias, task, `s${suffix}`));
  return buttons;
}

export function stopButton(alias: string, task: TaskInfo, suffix?: string): Button {
  const replaced = task.service
    ? ` Service *${escapeText(task.service)}* will start a replacement to keep its count.`
    : '';
  return commandButton('Stop', alias, 'stop', [task.id], {
    style: 'danger',
    confirm: confirmDialog(
      'Stop this task?',
      `Stop task \`${escapeText(shortId(task.id))}\` (${escapeText(task.taskDefinition)}) in *${alias}*?${replaced}`,
      'Stop task',
    ),
    ...(suffix ? { uniqueSuffix: suffix } : {}),
  });
}

export function taskDetailMessage(
  alias: string,
  task: TaskInfo,
  instance: ContainerInstanceInfo | undefined,
  now: number,
): SlackMessage {
  const stopped = task.lastStatus === 'STOPPED';
  const revision = task.taskDefinition.split(':')[1];
  const ran = task.startedAt ? formatDuration(Math.max(0, (task.stoppedAt ?? now) - task.startedAt)) : undefined;
  const fields = [
    `*Status*\n${escapeText(task.lastStatus)}${task.desiredStatus !== task.lastStatus ? ` (desired ${escapeText(task.desiredStatus)})` : ''}`,
    `*Task definition*\n\`${escapeText(task.taskDefinition)}\`${revision ? ` (revision ${escapeText(revision)})` : ''}`,
    task.service
      ? `*Service*\n${escapeText(task.service)}`
      : `*Started by*\n${escapeText(task.startedBy ?? task.group ?? 'unknown')}`,
    `*Instance*\n${instanceText(task, instance)}`,
    `*Started*\n${task.startedAt ? slackDate(task.startedAt) : 'not yet'}`,
    `*${stopped ? 'Ran for' : 'Running for'}*\n${ran ?? '—'}`,
    ...launchFields(task),
  ];
  const blocks: KnownBlock[] = [
    header(`Task ${shortId(task.id)} · ${task.taskDefinition} · ${alias}`),
    fieldsSection(fields),
  ];
  if (stopped || task.desiredStatus === 'STOPPED') {
    const reason = task.stoppedReason ? `\n> ${escapeText(task.stoppedReason)}` : '';
    blocks.push(
      section(
        `*${stopped ? 'Stopped' : 'Stopping'}*: ${escapeText(stopCodeText(task.stopCode))}${task.stopCode ? ` (\`${escapeText(task.stopCode)}\`)` : ''}${task.stoppedAt ? `, ${slackDate(task.stoppedAt)}` : ''}${reason}`,
      ),
    );
    blocks.push(...stopCauseBlocks(task, task.service !== undefined));
  }
  blocks.push(
    section(
      `*Containers*\n${task.containers.map((c) => `• ${containerLine(c, 'detail')}`).join('\n') || 'none reported'}`,
    ),
  );
  blocks.push(context(`task id \`${escapeText(task.id)}\``));
  const buttons = [commandButton('Logs', alias, 'logs', [task.id])];
  if (task.desiredStatus !== 'STOPPED') buttons.push(stopButton(alias, task));
  if (task.containerInstanceId) buttons.push(commandButton('Instance', alias, 'instance', [task.containerInstanceId]));
  blocks.push(actions('task', buttons));
  const exits = task.containers.filter((c) => c.exitCode !== undefined).map((c) => `${c.name} exit ${c.exitCode}`);
  return {
    text: escapeText(
      `Task ${shortId(task.id)} (${task.taskDefinition}) in ${alias}: ${task.lastStatus}${exits.length > 0 ? `, ${exits.join(', ')}` : ''}`,
    ),
    blocks,
  };
}

/** Fargate and awsvpc tasks: how they launched, their network interface, their size. */
function launchFields(task: TaskInfo): string[] {
  const out: string[] = [];
  if (task.launchType === 'FARGATE' || task.capacityProvider) {
    const how = task.capacityProvider
      ? `${task.capacityProvider} capacity provider`
      : `${task.launchType ?? 'EC2'} launch type`;
    out.push(
      `*Launch*\n${escapeText(how)}${task.platformVersion ? `, platform ${escapeText(task.platformVersion)}` : ''}`,
    );
  }
  if (task.privateIp || task.eniId) {
    out.push(
      `*Network*\n${escapeText(task.privateIp ?? 'no IP yet')}${task.eniId ? ` on \`${escapeText(task.eniId)}\`` : ''}${task.subnetId ? `\n${escapeText(task.subnetId)}` : ''}`,
    );
  }
  if (task.launchType === 'FARGATE' && (task.cpu || task.memory)) {
    const vcpu = task.cpu ? `${Number(task.cpu) / 1024} vCPU` : '? vCPU';
    const memory = task.memory
      ? `${Number(task.memory) >= 1024 ? `${Number(task.memory) / 1024} GB` : `${task.memory} MiB`}`
      : '? memory';
    out.push(
      `*Size*\n${escapeText(`${vcpu}, ${memory}`)}${task.ephemeralStorageGiB !== undefined ? `, ${task.ephemeralStorageGiB} GiB ephemeral storage` : ''}`,
    );
  }
  return out;
}

function instanceText(task: TaskInfo, instance: ContainerInstanceInfo | undefined): string {
  if (!task.containerInstanceId && task.launchType === 'FARGATE') return 'none (Fargate)';
  if (!task.containerInstanceId) return '—';
  if (!instance?.ec2InstanceId) return `\`${escapeText(shortId(task.containerInstanceId))}\``;
  return `\`${escapeText(instance.ec2InstanceId)}\`${instance.instanceType ? ` (${escapeText(instance.instanceType)})` : ''}`;
}

// ---- run, start, stop --------------------------------------------------------------------------

export interface LaunchInput {
  alias: string;
  verb: 'run' | 'start';
  taskDefinition: string;
  requested: number;
  launch: TaskLaunch;
  userId: string;
  /** Fixed host ports of the task definition, to name the port of a RESOURCE:PORTS failure. */
  fixedHostPorts: number[];
  /** For `start`: the instance it was asked to start on. */
  instance?: ContainerInstanceInfo;
  /** How it launched when not plainly EC2: "on FARGATE_SPOT", "by capacity provider strategy …". */
  launchDescription?: string;
}

export function launchMessage(input: LaunchInput): SlackMessage {
  const { alias, launch } = input;
  const started = launch.tasks.length;
  const where = input.instance ? ` on ${input.instance.ec2InstanceId ?? shortId(input.instance.id)}` : '';
  const headline = `Started ${started} of ${count(input.requested, 'task')} of ${input.taskDefinition} in ${alias}${where}`;
  const blocks: KnownBlock[] = [
    section(
      `${started === 0 ? ':x:' : launch.failures.length > 0 ? ':warning:' : ':rocket:'} *${escapeText(headline)}*`,
    ),
  ];
  const failures = failureLines(input);
  if (failures.length > 0) blocks.push(section(`*Not started*\n${failures.join('\n')}`));
  const why = [...new Set(launch.failures.map((f) => explainPlacement(f.reason)))].filter(
    (w): w is string => w !== undefined,
  );
  if (why.length > 0) blocks.push(section(why.map((w) => `:bulb: ${escapeText(w)}`).join('\n')));
  launch.tasks.slice(0, 10).forEach((task, i) => {
    const at = task.containerInstanceId
      ? ` on instance \`${escapeText(shortId(task.containerInstanceId))}\``
      : task.capacityProvider || task.launchType === 'FARGATE'
        ? ` on ${escapeText(task.capacityProvider ?? 'FARGATE')}`
        : '';
    const ip = task.privateIp ? ` · ${escapeText(task.privateIp)}` : '';
    blocks.push(
      section(
        `\`${escapeText(shortId(task.id))}\` ${escapeText(task.taskDefinition)} · ${escapeText(task.lastStatus)}${at}${ip}`,
      ),
    );
    blocks.push(actions(`launched-${i}`, taskButtons(alias, task, String(i))));
  });
  blocks.push(
    context(
      `by <@${input.userId}> · ${input.verb === 'run' ? 'RunTask' : 'StartTask'}, ${input.launchDescription ? escapeText(input.launchDescription) : 'EC2 launch type'} · \`/ecs tasks -c ${alias}\` lists them`,
    ),
  );
  const failed = input.requested - started;
  return {
    text: `${escapeText(headline)}${failed > 0 ? `; ${failed} could not be placed: ${failures.map((f) => stripMarkup(f)).join('; ')}` : ''}`,
    blocks,
  };
}

function failureLines(input: LaunchInput): string[] {
  const groups = new Map<string, number>();
  for (const f of input.launch.failures) groups.set(f.reason, (groups.get(f.reason) ?? 0) + 1);
  return [...groups].map(([reason, n]) => {
    const detail = input.launch.failures.find((f) => f.reason === reason)?.detail;
    return `${n} × ${launchFailureText(reason, input.fixedHostPorts, input.instance ? 'instance' : 'cluster', detail)} (\`${escapeText(reason)}\`)`;
  });
}

/** RunTask/StartTask `failures[].reason` in words (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/api_failures_messages.html). */
export function launchFailureText(
  reason: string,
  fixedHostPorts: number[],
  scope: 'cluster' | 'instance',
  detail?: string,
): string {
  const where = scope === 'instance' ? 'on that instance' : 'on every instance with room for it';
  switch (reason) {
    case 'RESOURCE:PORTS': {
      return `a port conflict: ${portsInUse(fixedHostPorts)} already used ${where}. Use a dynamic host port (hostPort 0) or ${scope === 'instance' ? 'another instance' : 'add instances'}`;
    }
    case 'RESOURCE:CPU':
      return `not enough free CPU ${scope === 'instance' ? 'on that instance' : 'on any instance'}`;
    case 'RESOURCE:MEMORY':
      return `not enough free memory ${scope === 'instance' ? 'on that instance' : 'on any instance'}`;
    case 'RESOURCE:ENI':
      return `no free network interface (ENI) for another awsvpc task ${scope === 'instance' ? 'on that instance' : 'on any instance'}`;
    case 'AGENT':
      return 'the ECS agent is disconnected (or the instance is not running)';
    case 'MISSING':
      return 'that container instance is not registered in the cluster';
    case 'ATTRIBUTE':
      return `no instance has an attribute the task definition requires${detail ? ` (${escapeText(detail)})` : ''}`;
    case 'INACTIVE':
      return 'the container instance is INACTIVE (deregistered)';
    case 'DRAINING':
      return 'the container instance is DRAINING and takes no new tasks';
    default:
      return `ECS said ${escapeText(reason)}${detail ? `: ${escapeText(detail)}` : ''}`;
  }
}

export function stoppingMessage(alias: string, task: TaskInfo, userId: string, reason: string): SlackMessage {
  const text = `Stopping task ${shortId(task.id)} (${task.taskDefinition}) in ${alias}`;
  const replaced = task.service
    ? `Service *${escapeText(task.service)}* will start a replacement to keep its desired count; to run fewer, \`/ecs scale ${escapeText(task.service)} N -c ${alias}\`.`
    : 'It belongs to no service, so nothing replaces it.';
  return {
    text: escapeText(text),
    blocks: [
      section(`:octagonal_sign: *${escapeText(text)}*\n> ${escapeText(reason)}`),
      context(`by <@${userId}> · ${replaced}`),
    ],
  };
}

export function alreadyStoppedMessage(alias: string, task: TaskInfo): SlackMessage {
  const text = `Task ${shortId(task.id)} (${task.taskDefinition}) in ${alias} is already ${task.lastStatus === 'STOPPED' ? 'stopped' : 'stopping'}: ${stopCodeText(task.stopCode)}. Nothing was changed.`;
  return {
    text: escapeText(text),
    blocks: [section(escapeText(text)), actions('task', [commandButton('Details', alias, 'task', [task.id])])],
  };
}

export function stopSettledMessage(alias: string, task: TaskInfo, now: number, waitedMs: number): SlackMessage {
  if (task.lastStatus !== 'STOPPED') {
    const text = `Task ${escapeText(shortId(task.id))} in ${alias} is still ${escapeText(task.lastStatus)} after ${formatDuration(waitedMs)} (desired ${escapeText(task.desiredStatus)}). ECS stops it once its containers exit; \`/ecs task ${escapeText(task.id)} -c ${alias}\` shows where it is.`;
    return { text: stripMarkup(text), blocks: [section(`:hourglass: ${text}`)] };
  }
  const ran = task.startedAt
    ? ` after running ${formatDuration(Math.max(0, (task.stoppedAt ?? now) - task.startedAt))}`
    : '';
  const exits = task.containers
    .filter((c) => c.exitCode !== undefined)
    .map((c) => `${c.name} exit ${c.exitCode}${stopExitNote(task, c)}`);
  const text = `Task ${shortId(task.id)} (${task.taskDefinition}) in ${alias} is STOPPED${ran}${exits.length > 0 ? ` (${exits.join(', ')})` : ''}.`;
  return { text: escapeText(text), blocks: [section(`:white_check_mark: ${escapeText(text)}`)] };
}

/** After a stop someone asked for: 143 is the SIGTERM doing its job; 137 means the container outlived its stopTimeout. */
function stopExitNote(task: TaskInfo, c: TaskInfo['containers'][number]): string {
  if (!exitFromAgentStop(task.stopCode, c)) return '';
  return c.exitCode === 143 ? ': ended by SIGTERM' : ': killed after its stopTimeout, it did not exit on SIGTERM';
}
