import { type KnownBlock, type SectionBlock } from '@slack/types';
import {
  actions,
  commandButton,
  context,
  escapeText,
  fieldsSection,
  header,
  section,
  type SlackMessage,
} from '../message';
import { pageOf } from '../paging';
import { formatDuration } from '../../text/times';
import { type ContainerInstanceInfo, type Ec2InstanceDetail } from '../../aws/instances';
import { type TaskInfo } from '../../aws/tasks';
import { shortId } from '../../commands/ecs-ids';
import { slackDate } from '../../text/times';
import { count, tally, thousands } from '../../text/words';

/** One section a row (Details as its accessory). */
export const INSTANCES_PER_PAGE = 20;
const TASKS_SHOWN = 15;

export interface Capacity {
  instances: number;
  registeredCpu: number;
  remainingCpu: number;
  registeredMemory: number;
  remainingMemory: number;
}

/** What the ACTIVE instances offer and have left: what placement works with. */
export function capacityOf(instances: ContainerInstanceInfo[]): Capacity {
  const active = instances.filter((i) => i.status === 'ACTIVE');
  const sum = (f: (i: ContainerInstanceInfo) => number) => active.reduce((n, i) => n + f(i), 0);
  return {
    instances: active.length,
    registeredCpu: sum((i) => i.registeredCpu),
    remainingCpu: sum((i) => i.remainingCpu),
    registeredMemory: sum((i) => i.registeredMemory),
    remainingMemory: sum((i) => i.remainingMemory),
  };
}

export function cpuText(remaining: number, registered: number): string {
  return `${thousands(remaining)} of ${thousands(registered)} units free${registered > 0 ? ` (${Math.round((100 * remaining) / registered)} %)` : ''}`;
}

export function memoryText(remainingMiB: number, registeredMiB: number): string {
  return `${mib(remainingMiB)} of ${mib(registeredMiB)} free${registeredMiB > 0 ? ` (${Math.round((100 * remainingMiB) / registeredMiB)} %)` : ''}`;
}

export function instanceListMessage(
  alias: string,
  instances: ContainerInstanceInfo[],
  page: number,
  capacityProviders: string[] = [],
): SlackMessage {
  if (instances.length === 0 && capacityProviders.some((p) => p.startsWith('FARGATE'))) {
    const names = capacityProviders.map((p) => `\`${escapeText(p)}\``).join(', ');
    const text = `${alias} has no container instances: it runs its tasks on AWS Fargate (capacity providers ${capacityProviders.join(', ')}).`;
    return {
      text,
      blocks: [
        section(
          `*${alias}* has no container instances: it runs its tasks on AWS Fargate (capacity providers ${names}).`,
        ),
        context(
          `Fargate tasks have no instance to look at: \`/ecs tasks -c ${alias}\` and \`/ecs task ID\` show where each runs (its private IP and network interface).`,
        ),
      ],
    };
  }
  if (instances.length === 0) {
    const text = `${alias} has no container instances, so it cannot run tasks on the EC2 launch type.`;
    return {
      text,
      blocks: [
        section(text),
        context(
          'Launch EC2 instances with the ECS-optimised AMI and ECS_CLUSTER set to this cluster; they register themselves.',
        ),
      ],
    };
  }
  const cap = capacityOf(instances);
  const disconnected = instances.filter((i) => !i.agentConnected).length;
  const byStatus = escapeText(
    tally(instances.map((i) => i.status))
      .map(([status, n]) => `${n} ${status}`)
      .join(', '),
  );
  const summary = [
    `*${count(instances.length, 'instance')}* (${byStatus})`,
    disconnected === 0 ? 'every agent connected' : `:warning: ${count(disconnected, 'agent')} disconnected`,
    `CPU ${cpuText(cap.remainingCpu, cap.registeredCpu)}`,
    `memory ${memoryText(cap.remainingMemory, cap.registeredMemory)}`,
  ].join(' · ');
  const shown = pageOf(instances, page, INSTANCES_PER_PAGE, { cluster: alias, verb: 'instances', args: [] });
  const blocks: KnownBlock[] = [header(`Container instances in ${alias}`), section(summary)];
  shown.items.forEach((i, n) => {
    const row = section(instanceRow(i)) as SectionBlock;
    row.accessory = commandButton('Details', alias, 'instance', [i.id], { uniqueSuffix: String(n) });
    blocks.push(row);
  });
  blocks.push(context(`${shown.summary} · \`/ecs instance ID\` takes the EC2 id or the container instance id`));
  if (shown.next) blocks.push(actions('instances-next', [shown.next]));
  return { text: `Container instances in ${alias}: ${instances.length}, ${disconnected} disconnected`, blocks };
}

function instanceRow(i: ContainerInstanceInfo): string {
  const agent = i.agentConnected ? 'agent connected' : ':warning: agent *disconnected*';
  return [
    `*\`${escapeText(i.ec2InstanceId ?? '?')}\`*${i.instanceType ? ` ${escapeText(i.instanceType)}` : ''} · ${escapeText(i.status)} · ${agent} · ${i.runningTasks} running${i.pendingTasks > 0 ? `, ${i.pendingTasks} pending` : ''}`,
    `CPU ${thousands(i.remainingCpu)}/${thousands(i.registeredCpu)} free · memory ${thousands(i.remainingMemory)}/${thousands(i.registeredMemory)} MiB free · container instance \`${escapeText(shortId(i.id))}\``,
  ].join('\n');
}

export interface InstanceDetailInput {
  alias: string;
  instance: ContainerInstanceInfo;
  ec2?: Ec2InstanceDetail;
  /** Why EC2 facts are missing (AccessDenied, …), when they are. */
  ec2Problem?: string;
  tasks: TaskInfo[];
  now: number;
}

export function instanceDetailMessage({
  alias,
  instance: i,
  ec2,
  ec2Problem,
  tasks,
  now,
}: InstanceDetailInput): SlackMessage {
  const name = i.ec2InstanceId ?? shortId(i.id);
  const fields = [
    `*EC2 state*\n${escapeText(ec2 ? ec2.state : 'unknown')}`,
    `*Type*\n${escapeText(ec2?.type ?? i.instanceType ?? 'unknown')}`,
    `*Public DNS*\n${ec2?.publicDnsName ? `\`${escapeText(ec2.publicDnsName)}\`` : 'none'}`,
    `*Private IP*\n${escapeText(ec2?.privateIp ?? 'unknown')}`,
    `*Launched*\n${ec2?.launchTime ? `${slackDate(ec2.launchTime)} (${formatDuration(Math.max(0, now - ec2.launchTime))} ago)` : 'unknown'}`,
    `*Container instance*\n${escapeText(i.status)} · ${i.agentConnected ? 'agent connected' : ':warning: agent disconnected'}`,
    `*Tasks*\n${i.runningTasks} running, ${i.pendingTasks} pending`,
    `*CPU*\n${cpuText(i.remainingCpu, i.registeredCpu)}`,
    `*Memory*\n${memoryText(i.remainingMemory, i.registeredMemory)}`,
  ];
  const blocks: KnownBlock[] = [header(`Instance ${name} · ${alias}`), fieldsSection(fields)];
  if (ec2Problem) blocks.push(context(`:warning: EC2 details unavailable: ${ec2Problem}`));
  const live = [...tasks].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
  if (live.length > 0) {
    const lines = live.slice(0, TASKS_SHOWN).map((t) => {
      const age = t.startedAt ? ` for ${formatDuration(Math.max(0, now - t.startedAt))}` : '';
      return `• \`${escapeText(shortId(t.id))}\` ${escapeText(t.taskDefinition)} · ${escapeText(t.lastStatus)}${age}${t.service ? ` · service ${escapeText(t.service)}` : ''}`;
    });
    const more = live.length > TASKS_SHOWN ? `\n…and ${live.length - TASKS_SHOWN} more` : '';
    blocks.push(section(`*Its tasks*\n${lines.join('\n')}${more}`));
  } else {
    blocks.push(section('*Its tasks*\nnone running here'));
  }
  const where = escapeText(
    [
      i.availabilityZone ?? ec2?.availabilityZone,
      i.agentVersion ? `agent ${i.agentVersion}` : undefined,
      ec2?.privateDnsName,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  blocks.push(context(`container instance \`${escapeText(i.id)}\`${where ? ` · ${where}` : ''}`));
  blocks.push(
    actions('instance', [
      commandButton('All instances', alias, 'instances', []),
      commandButton('Tasks', alias, 'tasks', []),
    ]),
  );
  return {
    text: escapeText(`Instance ${name} in ${alias}: ${ec2?.state ?? i.status}, ${i.runningTasks} running tasks`),
    blocks,
  };
}

function mib(n: number): string {
  return n >= 10_240 ? `${(n / 1024).toFixed(1)} GiB` : `${thousands(n)} MiB`;
}
