import { type Config } from '../config/schema';
import { type Sandbox } from '../sandbox';
import { type Channel, type Directory, type Person } from './people';
import { type Scenario } from './scenario';
import { type Screen } from './screen';
import { count } from '../text/words';

export interface BannerInput {
  config: Config;
  sandbox: Sandbox;
  directory: Directory;
  scenario: Scenario;
  speed: number;
  user: Person;
  channel: Channel;
  /** Problems with a config of the user's own (clusters or roles the account does not have). */
  warnings: string[];
}

/**
 * Where you are, who you are, and what to type first: the simulated account and its clusters,
 * your teams and access, the channel and its default cluster, three commands to try.
 */
export function printBanner(screen: Screen, input: BannerInput): void {
  const { config, sandbox, directory, scenario, speed, user, channel } = input;
  const b = (t: string) => screen.paint(t, ['bold']);
  const d = (t: string) => screen.paint(t, ['dim']);
  const c = (t: string) => screen.paint(t, ['code']);
  const lines: string[] = [];
  lines.push(
    `${screen.paint('ecs-chatops playground', ['bold', 'accent'])}  ${d('the real bot, a pretend Slack and a simulated AWS account, all on this machine')}`,
  );
  lines.push('');
  const pace = speed === 1 ? 'in real time' : `time runs ${formatSpeed(speed)}× faster`;
  lines.push(`${b('AWS account')} ${sandbox.accountId} ${d(`(${sandbox.region}, simulated; ${pace})`)}`);
  const aliases = Object.keys(config.clusters);
  const width = Math.max(...aliases.map((a) => a.length)) + 2;
  for (const [alias, cluster] of Object.entries(config.clusters)) {
    lines.push(`  ${b(alias.padEnd(width))}${clusterLine(sandbox, cluster.name)}`);
  }
  lines.push(`  ${d(`scenario ${scenario.name}: ${scenario.description}`)}`);
  for (const warning of input.warnings) lines.push(`  ${screen.paint(`⚠ ${warning}`, ['notice'])}`);
  lines.push('');
  lines.push(
    `${b('You are')} ${screen.paint(`@${user.name}`, ['mention'])} ${d(`(${describePerson(config, user, directory)})`)}`,
  );
  lines.push(
    `  in ${screen.paint(`#${channel.name}`, ['mention'])}${channel.defaultCluster ? `, where commands use ${b(channel.defaultCluster)} unless you add ${c('-c CLUSTER')}` : ''}`,
  );
  const others = directory.people.filter((p) => p.id !== user.id);
  others.forEach((p, i) =>
    lines.push(
      `  ${i === 0 ? 'also here:' : '          '} ${screen.paint(`@${p.name}`, ['mention'])} ${d(`(${describePerson(config, p, directory)})`)}`,
    ),
  );
  lines.push(
    `  channels: ${directory.channels.map((ch) => `${screen.paint(`#${ch.name}`, ['mention'])}${ch.notificationsOf.length > 0 ? d(` (notifications of ${ch.notificationsOf.join(', ')})`) : ''}`).join(', ')}`,
  );
  if (directory.usergroups.length > 0) {
    lines.push(
      `  ${screen.paint(`⚠ user groups (${directory.usergroups.join(', ')}) have no members here; list people under users: in the config`, ['notice'])}`,
    );
  }
  lines.push('');
  lines.push(b('Try'));
  const tries = suggestions(input);
  const column = Math.max(...tries.map(([cmd]) => cmd.length)) + 3;
  for (const [cmd, why] of tries) lines.push(`  ${c(cmd.padEnd(column))}${d(why)}`);
  lines.push('');
  lines.push(d(`/help lists the rest: /click N, /as NAME, /channel NAME, /wait TIME, /quit. Tab completes.`));
  screen.print(lines.join('\n'));
}

/** "team web: operate on demo-prod, admin on demo-staging" */
export function describePerson(config: Config, person: Person, directory: Pick<Directory, 'channelName'>): string {
  if (person.teams.length === 0) return 'in no team';
  return person.teams
    .map((team) => {
      const t = config.teams[team]!;
      const grants = Object.entries(t.access).map(([alias, level]) =>
        alias === '*' ? `${level} on every cluster` : `${level} on ${alias}`,
      );
      const approves = config.approvals.approvers.includes(team) ? ', approves' : '';
      const where = t.channels ? ` in ${t.channels.map((ch) => `#${directory.channelName(ch) ?? ch}`).join(', ')}` : '';
      return `team ${team}: ${grants.join(', ')}${where}${approves}`;
    })
    .join('; ');
}

function clusterLine(sandbox: Sandbox, name: string): string {
  const cluster = sandbox.world.findCluster(name);
  if (!cluster || cluster.status !== 'ACTIVE') return '(not in the simulated account)';
  const services = [...cluster.services.values()].filter((s) => s.status === 'ACTIVE');
  const parts = services.map(
    (s) => `${s.name} ${[...s.tasks].filter((t) => t.lastStatus === 'RUNNING').length}/${s.desiredCount}`,
  );
  const instances = [...cluster.instances.values()].filter((i) => i.status === 'ACTIVE').length;
  parts.push(count(instances, 'EC2 instance'));
  for (const s of services) {
    const ports = s.taskDefinition.needs.hostPorts;
    if (ports.length > 0) parts.push(`${s.name} takes host port ${ports.join(', ')}`);
  }
  return parts.join(' · ');
}

/** A few commands that show what the bot does, for this person in this channel. */
function suggestions(input: BannerInput): [string, string][] {
  const { config, sandbox, channel, directory, user } = input;
  const aliases = Object.keys(config.clusters);
  const home = channel.defaultCluster ?? aliases[0]!;
  const homeName = config.clusters[home]?.name ?? home;
  const services = [...(sandbox.world.findCluster(homeName)?.services.values() ?? [])].filter(
    (s) => s.status === 'ACTIVE',
  );
  const fixedPort = services.find((s) => s.taskDefinition.needs.hostPorts.length > 0);
  const service = fixedPort ?? services[0];
  const onHome = channel.defaultCluster ? '' : ` -c ${home}`;
  const tries: [string, string][] = [[`/ecs services${onHome}`, `what runs in ${home}`]];
  if (service) {
    const instances = sandbox.world.findCluster(homeName)?.instances.size ?? 0;
    const target = fixedPort ? instances + 1 : service.desiredCount + 1;
    const why = fixedPort
      ? `and watch the follow-up: port ${fixedPort.taskDefinition.needs.hostPorts[0]} fits once per instance`
      : 'and watch the follow-up';
    tries.push([`/ecs scale ${service.name} ${target}${onHome}`, why]);
  }
  // A service whose task crashed on its own (the demo's OOM-killed worker): `why` explains it.
  const crashed = [...(sandbox.world.findCluster(homeName)?.tasks.values() ?? [])].find(
    (t) => t.service && t.lastStatus === 'STOPPED' && t.stopCode === 'EssentialContainerExited',
  )?.service;
  if (crashed) tries.push([`/ecs why ${crashed.name}${onHome}`, 'why its task stopped, and the fix']);
  tries.push([`/ecs audit${onHome}`, `${home} against ECS best practice: details in a thread`]);
  const other = aliases.find((a) => a !== home) ?? home;
  const approver = directory.people.find(
    (p) => p.id !== user.id && p.teams.some((t) => config.approvals.approvers.includes(t)),
  );
  tries.push([
    `/ecs teardown ${other}`,
    approver ? `then /as ${approver.name} and /click its Approve button` : 'a plan, for someone else to approve',
  ]);
  return tries;
}

function formatSpeed(speed: number): string {
  return Number.isInteger(speed) ? String(speed) : speed.toFixed(1);
}
