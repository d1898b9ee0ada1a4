import { type KnownBlock } from '@slack/types';
import {
  actions,
  commandButton,
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
import { slackDate } from '../../text/times';
import { count, listSome } from '../../text/words';
import { stripMarkup } from '../../text/markup';
import {
  type ContainerDefinitionInfo,
  type PortMappingInfo,
  type TaskDefinitionDetail,
  type TaskDefinitionRevision,
} from '../../aws/task-definitions';

export const FAMILIES_PER_PAGE = 60;
export const REVISIONS_PER_PAGE = 40;
/** Buttons under a list: the first few entries of the page, one click to the next step. */
const QUICK_BUTTONS = 5;

export function familiesMessage(input: {
  alias: string;
  region: string;
  families: string[];
  page: number;
}): SlackMessage {
  const { alias, region, families } = input;
  const where = `in ${region} (the account of *${alias}*)`;
  if (families.length === 0) {
    const text = `No task definition has an ACTIVE revision ${where}.`;
    return {
      text: stripMarkup(text),
      blocks: [
        section(text),
        context('Register one with `aws ecs register-task-definition`, or from your deploy pipeline.'),
      ],
    };
  }
  const shown = pageOf(families, input.page, FAMILIES_PER_PAGE, { cluster: alias, verb: 'taskdefs', args: [] });
  const blocks: KnownBlock[] = [
    header(`Task definitions · ${alias}`),
    section(`*${count(families.length, 'family', 'families')}* with an ACTIVE revision ${where}`),
    ...lineSections(shown.items.map((f) => `• \`${escapeText(f)}\``)),
    actions(
      'taskdefs',
      shown.items
        .slice(0, QUICK_BUTTONS)
        .map((f, i) => commandButton(`${f} revisions`, alias, 'taskdefs', [f], { uniqueSuffix: String(i) })),
    ),
    context(
      `${shown.summary} · \`/ecs taskdefs FAMILY\` lists its revisions · \`/ecs taskdef FAMILY[:REV]\` shows one`,
    ),
  ];
  if (shown.next) blocks.push(actions('taskdefs-next', [shown.next]));
  return { text: `Task definition families in ${region} (${alias}): ${families.length} (${shown.summary})`, blocks };
}

export function revisionsMessage(input: {
  alias: string;
  family: string;
  revisions: TaskDefinitionRevision[];
  page: number;
}): SlackMessage {
  const { alias, family, revisions } = input;
  const active = revisions.filter((r) => r.status === 'ACTIVE');
  const latest = active[0];
  const shown = pageOf(revisions, input.page, REVISIONS_PER_PAGE, { cluster: alias, verb: 'taskdefs', args: [family] });
  const summary = `*${count(revisions.length, 'revision')}* of \`${escapeText(family)}\`: ${active.length} ACTIVE, ${revisions.length - active.length} INACTIVE (deregistered)${latest ? ` · latest ACTIVE: \`${escapeText(latest.taskDefinition)}\`` : ' · none is ACTIVE, so nothing new can run from it'}`;
  const blocks: KnownBlock[] = [
    header(`Task definition ${family} · ${alias}`),
    section(summary),
    ...lineSections(shown.items.map((r) => revisionLine(r, latest))),
  ];
  const buttons = shown.items
    .filter((r) => r.status === 'ACTIVE')
    .slice(0, QUICK_BUTTONS)
    .map((r, i) =>
      commandButton(`Show ${r.taskDefinition}`, alias, 'taskdef', [r.taskDefinition], { uniqueSuffix: String(i) }),
    );
  if (buttons.length > 0) blocks.push(actions('revisions', buttons));
  blocks.push(
    context(`${shown.summary}, newest first · \`/ecs taskdef ${escapeText(family)}:REV\` shows one revision`),
  );
  if (shown.next) blocks.push(actions('revisions-next', [shown.next]));
  return {
    text: escapeText(
      `${family} in ${alias}: ${revisions.length} revisions, ${active.length} active${latest ? `, latest ${latest.taskDefinition}` : ''}`,
    ),
    blocks,
  };
}

function revisionLine(r: TaskDefinitionRevision, latest: TaskDefinitionRevision | undefined): string {
  if (r.status === 'ACTIVE') return `• \`${escapeText(r.taskDefinition)}\` ACTIVE${r === latest ? ' · *latest*' : ''}`;
  return `• \`${escapeText(r.taskDefinition)}\` _${r.status === 'INACTIVE' ? 'INACTIVE (deregistered)' : escapeText(r.status)}_`;
}

export function taskDefinitionMessage(alias: string, td: TaskDefinitionDetail): SlackMessage {
  const fixed = td.containers.flatMap((c) =>
    c.ports.filter((p) => p.fixedOnHost).map((p) => ({ container: c.name, port: p.hostPort ?? p.containerPort ?? 0 })),
  );
  const blocks: KnownBlock[] = [
    header(`${td.taskDefinition} · ${alias}`),
    fieldsSection([
      `*Status*\n${td.status === 'ACTIVE' ? 'ACTIVE' : `${escapeText(td.status)} (deregistered${td.deregisteredAt ? ` ${slackDate(td.deregisteredAt)}` : ''}): ECS starts no new tasks from it`}`,
      `*Registered*\n${td.registeredAt ? slackDate(td.registeredAt) : '—'}`,
      `*Task size*\n${taskSize(td)}`,
      `*Network mode*\n${escapeText(td.networkMode)}${td.requiresCompatibilities.length > 0 ? ` · ${escapeText(td.requiresCompatibilities.join(', '))}` : ''}`,
      `*Task role*\n${td.taskRoleArn ? roleName(td.taskRoleArn) : 'none: the containers get no AWS permissions of their own'}`,
      `*Execution role*\n${td.executionRoleArn ? roleName(td.executionRoleArn) : 'none'}`,
    ]),
  ];
  if (fixed.length > 0) {
    const ports = [...new Set(fixed.map((f) => `${f.port} (${escapeText(f.container)})`))].join(', ');
    blocks.push(
      section(
        `:warning: *Fixed host port${fixed.length > 1 ? 's' : ''} ${ports}*: two tasks of this definition cannot run on the same instance, so a service with more tasks than instances leaves some unplaced. Use hostPort 0 (a dynamic port) behind a load balancer, or awsvpc networking.`,
      ),
    );
  }
  for (const c of td.containers.slice(0, 10)) blocks.push(containerBlock(c));
  if (td.containers.length > 10) blocks.push(context(`and ${td.containers.length - 10} more containers`));
  blocks.push(context(`\`${escapeText(td.arn)}\` · environment variables by name only: their values may be secrets`));
  blocks.push(actions('taskdef', [commandButton(`All revisions of ${td.family}`, alias, 'taskdefs', [td.family])]));
  const names = td.containers.map((c) => `${c.name} ${c.image}`).join(', ');
  return {
    text: truncate(
      escapeText(
        `${td.taskDefinition} (${td.status}) in ${alias}: ${count(td.containers.length, 'container')} — ${names}`,
      ),
      SLACK_LIMITS.messageText,
    ),
    blocks,
  };
}

function containerBlock(c: ContainerDefinitionInfo): KnownBlock {
  const title = `*${escapeText(c.name)}* \`${escapeText(c.image)}\`${c.essential ? ' · essential' : ' · not essential (the task keeps running if it exits)'}`;
  const fields = [
    `*CPU*\n${c.cpu ? `${c.cpu} units` : 'no reservation'}`,
    `*Memory*\n${memory(c)}`,
    `*Ports*\n${ports(c.ports)}`,
    `*Logs*\n${logText(c)}`,
  ];
  fields.push(`*Environment*\n${names(c.environmentNames, 'variable')}`);
  if (c.secretNames.length > 0) fields.push(`*Secrets*\n${names(c.secretNames, 'secret')}`);
  return section(title, fields);
}

function memory(c: ContainerDefinitionInfo): string {
  const parts: string[] = [];
  if (c.memory !== undefined) parts.push(`${c.memory} MiB hard limit`);
  if (c.memoryReservation !== undefined) parts.push(`${c.memoryReservation} MiB reserved`);
  return parts.length > 0 ? parts.join(', ') : 'task-level only';
}

function ports(list: PortMappingInfo[]): string {
  if (list.length === 0) return 'none';
  return list
    .map((p) => {
      const proto = p.protocol && p.protocol !== 'tcp' ? `/${escapeText(p.protocol)}` : '';
      if (p.fixedOnHost)
        return `${p.containerPort ?? '?'}${proto} → host ${p.hostPort ?? p.containerPort} :warning: fixed`;
      return `${p.containerPort ?? '?'}${proto} → ${p.hostPort ? `${p.hostPort} (own network interface)` : 'dynamic host port'}`;
    })
    .join('\n');
}

function logText(c: ContainerDefinitionInfo): string {
  const log = c.log;
  if (!log) return 'no log configuration (Docker’s default, not in CloudWatch)';
  if (log.driver !== 'awslogs') return `\`${escapeText(log.driver)}\` driver (not readable with \`/ecs logs\`)`;
  const where = [
    log.streamPrefix ? `prefix \`${escapeText(log.streamPrefix)}\`` : 'no stream prefix',
    log.region ? escapeText(log.region) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `awslogs → \`${escapeText(log.group ?? '?')}\` (${where})`;
}

function names(list: string[], noun: string): string {
  if (list.length === 0) return 'none';
  return `${count(list.length, noun)}: ${listSome(
    list.map((n) => `\`${escapeText(n)}\``),
    25,
  )}`;
}

function taskSize(td: TaskDefinitionDetail): string {
  if (!td.cpu && !td.memory) return 'set per container';
  return escapeText(
    [td.cpu ? `${td.cpu} CPU units` : undefined, td.memory ? `${td.memory} MiB` : undefined].filter(Boolean).join(', '),
  );
}

function roleName(arn: string): string {
  return `\`${escapeText(arn.split('/').pop() ?? arn)}\``;
}
