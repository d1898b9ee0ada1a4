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
import { type Page } from '../paging';
import { type ClusterSummary } from '../../aws/clusters';
import { type ContainerInstanceInfo } from '../../aws/instances';
import { capacityOf, cpuText, memoryText } from './instances';
import { strategyText } from './services';
import { count } from '../../text/words';

/** One section a cluster (Details as its accessory). */
export const CLUSTERS_PER_PAGE = 20;

export interface ClusterRow {
  alias: string;
  name: string;
  region: string;
  summary?: ClusterSummary;
  /** Why this cluster could not be read (its error, phrased), when it could not. */
  problem?: string;
}

export function clusterListMessage(rows: Page<ClusterRow>): SlackMessage {
  const blocks: KnownBlock[] = [header('Your clusters')];
  rows.items.forEach((row, n) => {
    const block = section(clusterRow(row)) as SectionBlock;
    if (!row.problem) block.accessory = commandButton('Details', row.alias, 'cluster', [], { uniqueSuffix: String(n) });
    blocks.push(block);
  });
  blocks.push(
    context(
      `${rows.summary} · the clusters you can read in this channel, each read with its own read role · \`/ecs cluster NAME\` shows one, with the CPU and memory left on its instances`,
    ),
  );
  if (rows.next) blocks.push(actions('clusters-next', [rows.next]));
  const lines = rows.items.map(
    (r) => `${r.alias}: ${r.summary ? `${r.summary.status}, ${r.summary.runningTasks} running` : 'unreadable'}`,
  );
  return { text: escapeText(`Your clusters: ${lines.join('; ')}`), blocks };
}

function clusterRow(row: ClusterRow): string {
  const title = `*${row.alias}*${row.name !== row.alias ? ` (\`${escapeText(row.name)}\`)` : ''} · ${row.region}`;
  if (row.problem) return `${title}\n:warning: ${row.problem}`;
  const s = row.summary!;
  const status = s.status === 'ACTIVE' ? 'ACTIVE' : `:warning: ${escapeText(s.status)}`;
  return `${title} · ${status}\n${count(s.activeServices, 'service')} · ${s.runningTasks} running, ${count(s.pendingTasks, 'pending task')} · ${count(s.registeredInstances, 'instance')}`;
}

export interface ClusterDetailInput {
  alias: string;
  region: string;
  summary: ClusterSummary;
  instances: ContainerInstanceInfo[];
}

export function clusterDetailMessage({ alias, region, summary: s, instances }: ClusterDetailInput): SlackMessage {
  const providers = s.capacityProviders ?? [];
  const strategy = s.defaultStrategy ?? [];
  const cap = capacityOf(instances);
  const disconnected = instances.filter((i) => !i.agentConnected).length;
  const draining = instances.filter((i) => i.status === 'DRAINING').length;
  const instanceNotes = [
    draining > 0 ? `${draining} draining` : '',
    disconnected > 0 ? `:warning: ${count(disconnected, 'agent')} disconnected` : '',
  ].filter(Boolean);
  const fields = [
    `*Status*\n${escapeText(s.status)}`,
    `*Region*\n${region}`,
    `*Services*\n${s.activeServices} active`,
    `*Tasks*\n${s.runningTasks} running, ${s.pendingTasks} pending`,
    `*Instances*\n${s.registeredInstances} registered${instanceNotes.length > 0 ? ` (${instanceNotes.join(', ')})` : ''}`,
    `*Capacity*\nacross ${count(cap.instances, 'active instance')}`,
    `*CPU*\n${cpuText(cap.remainingCpu, cap.registeredCpu)}`,
    `*Memory*\n${memoryText(cap.remainingMemory, cap.registeredMemory)}`,
    ...(providers.length > 0 ? [`*Capacity providers*\n${providers.map((p) => escapeText(p)).join(', ')}`] : []),
    ...(providers.length > 0
      ? [
          `*Default strategy*\n${strategy.length > 0 ? escapeText(strategyText(strategy)) : 'none (RunTask without a launch type uses EC2)'}`,
        ]
      : []),
  ];
  const blocks: KnownBlock[] = [header(`Cluster ${alias}`), fieldsSection(fields)];
  if (cap.instances === 0 && providers.some((p) => p.startsWith('FARGATE'))) {
    blocks.push(section(':information_source: No container instances: this cluster runs its tasks on AWS Fargate.'));
  } else if (cap.instances === 0)
    blocks.push(section(':warning: No active container instances: tasks on the EC2 launch type have nowhere to run.'));
  blocks.push(context(`\`${escapeText(s.arn)}\``));
  blocks.push(
    actions('cluster', [
      commandButton('Services', alias, 'services', []),
      commandButton('Tasks', alias, 'tasks', []),
      commandButton('Instances', alias, 'instances', []),
    ]),
  );
  return {
    text: `Cluster ${alias}: ${escapeText(s.status)}, ${count(s.activeServices, 'service')}, ${count(s.runningTasks, 'running task')}, ${count(s.registeredInstances, 'instance')}, CPU ${cpuText(cap.remainingCpu, cap.registeredCpu)}, memory ${memoryText(cap.remainingMemory, cap.registeredMemory)}`,
    blocks,
  };
}

export interface ClusterCreatedInput {
  name: string;
  region: string;
  summary: ClusterSummary;
  /** ECS already had an ACTIVE cluster of that name: nothing was created. */
  existed: boolean;
  /** The config alias that already points at it, if any. */
  configuredAs?: string;
  /** For the role ARNs of the config entry to add. */
  accountId: string;
  rolePrefix: string;
  /** The team of the admin who created it, for the example grant. */
  team?: string;
  userId: string;
}

export function clusterCreatedMessage(input: ClusterCreatedInput): SlackMessage {
  const { name, region } = input;
  const head = input.existed
    ? `ECS already has an ACTIVE cluster \`${name}\` in ${region}; nothing was created.`
    : `Created ECS cluster \`${name}\` in ${region}.`;
  const blocks: KnownBlock[] = [
    section(`${input.existed ? ':information_source:' : ':white_check_mark:'} *${escapeText(head)}*`),
  ];
  if (input.configuredAs) {
    blocks.push(
      section(`It is in the config as *${input.configuredAs}*: \`/ecs cluster ${input.configuredAs}\` shows it.`),
    );
  } else {
    blocks.push(
      section(
        `It still needs a config entry with roles before anyone can use it from Slack. Deploy \`deploy/cluster-roles.yaml\` for it (\`ClusterName=${escapeText(name)}\`) in account ${escapeText(input.accountId)}, ${region}, then add this to the config and redeploy the bot:`,
      ),
    );
    blocks.push(section(`\`\`\`${escapeText(configEntry(input))}\`\`\``));
  }
  blocks.push(context(`by <@${input.userId}> · \`${escapeText(input.summary.arn)}\``));
  return {
    text: `${escapeText(head.replace(/`/g, ''))}${input.configuredAs ? '' : ' It still needs a config entry with roles before anyone can use it.'}`,
    blocks,
  };
}

/** The YAML a platform admin adds to the config for a new cluster (src/config/schema.ts). */
export function configEntry(
  input: Pick<ClusterCreatedInput, 'name' | 'region' | 'accountId' | 'rolePrefix' | 'team'>,
): string {
  // ECS cluster names (letters, digits, - and _) are valid config aliases as they are.
  const alias = input.name;
  const role = (level: string) => `arn:aws:iam::${input.accountId}:role/${input.rolePrefix}-${input.name}-${level}`;
  return [
    'clusters:',
    `  ${alias}:`,
    `    name: ${input.name}`,
    `    region: ${input.region}`,
    '    roles:',
    `      read:    ${role('read')}`,
    `      operate: ${role('operate')}`,
    `      admin:   ${role('admin')}`,
    'teams:',
    `  ${input.team ?? 'your-team'}:        # and any other team that should use it`,
    `    access: { ${alias}: operate }`,
  ].join('\n');
}
