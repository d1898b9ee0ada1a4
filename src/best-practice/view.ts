import { type KnownBlock } from '@slack/types';
import { type EvidenceGap } from '../aws/best-practice-evidence';
import { context, escapeText, section, truncate, SLACK_LIMITS, type SlackMessage } from '../slack/message';
import { type AuditResult } from './audit';
import { SEVERITIES, type Finding, type Severity } from './finding';
import { count } from '../text/words';

/**
 * The audit as Slack messages: a summary (counts per severity and one line per finding) that goes
 * to the channel, and the details (what, why, fix for each finding) that go in its thread. Pure:
 * every value from AWS is escaped here.
 */

export interface ClusterAudit {
  alias: string;
  region: string;
  result?: AuditResult;
  gaps?: EvidenceGap[];
  /** Why the cluster could not be audited (a ChatopsError's message: mrkdwn, already escaped). */
  problem?: string;
}

const ICON: Record<Severity, string> = {
  high: ':red_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
};
/** Findings in one thread message: each is one section of up to ~1,500 characters. */
const FINDINGS_PER_MESSAGE = 10;
/** Thread messages per cluster at most (100 findings); more is noise, and the summary says so. */
const MESSAGES_PER_CLUSTER = 10;
/** Thread messages in all (`--all` over many clusters): Slack takes about one a second in a channel. */
const MESSAGES_IN_THREAD = 30;
/** Lines of the summary per cluster. */
const SUMMARY_LINES = 8;

export function auditSummaryMessage(audits: readonly ClusterAudit[], options: { threaded: boolean }): SlackMessage {
  const multi = audits.length > 1;
  const texts = audits.map(textLine);
  const text = escapeText(`${multi ? 'Audit: ' : 'Audit of '}${texts.join('; ')}`);
  if (!multi) return { text, blocks: clusterBlocks(audits[0]!, { multi, threaded: options.threaded }) };

  const total = audits.reduce((n, a) => n + (a.result?.findings.length ?? 0), 0);
  const blocks: KnownBlock[] = [section(`*Audit of ${count(audits.length, 'cluster')}* · ${count(total, 'finding')}`)];
  // One section per cluster (and its gaps): past Slack's 50 blocks, the rest are named in one line.
  const room = SLACK_LIMITS.blocksPerMessage - 3;
  let shown = 0;
  for (const a of audits) {
    const parts = clusterBlocks(a, { multi, threaded: options.threaded });
    if (blocks.length + parts.length > room) break;
    blocks.push(...parts);
    shown += 1;
  }
  if (shown < audits.length) blocks.push(context(escapeText(`Also: ${texts.slice(shown).join('; ')}`)));
  if (options.threaded && audits.some((a) => a.result?.findings.length))
    blocks.push(context('Why each finding matters and how to fix it: in the thread, cluster by cluster.'));
  return { text, blocks };
}

/** "shop: 3 high, 10 medium", "tidy: no findings", "lab: not audited" (plain). */
function textLine(a: ClusterAudit): string {
  if (!a.result) return `${a.alias}: not audited`;
  const { counts, findings } = a.result;
  if (findings.length === 0) return `${a.alias}: no findings`;
  return `${a.alias}: ${SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ')}`;
}

/** One cluster's part of the summary: its title and tally, its top findings, what was checked or not. */
function clusterBlocks(a: ClusterAudit, options: { multi: boolean; threaded: boolean }): KnownBlock[] {
  const title = options.multi
    ? `*${escapeText(a.alias)}* · ${escapeText(a.region)}`
    : `*Audit of ${escapeText(a.alias)}* · ${escapeText(a.region)}`;
  if (a.problem || !a.result)
    return [section(`${title}\n:warning: Not audited: ${a.problem ?? 'it could not be read.'}`)];
  const { findings, counts, checked } = a.result;
  const what = `${count(checked.rules, 'rule')} on ${count(checked.services, 'service')}, ${count(checked.taskDefinitions, 'task definition')}, ${count(checked.instances, 'instance')} and ${count(checked.securityGroups, 'security group')}`;
  const gaps = a.gaps?.length ? [context(gapText(a.gaps))] : [];
  if (findings.length === 0) return [section(`${title}\n:white_check_mark: No findings. Checked ${what}.`), ...gaps];
  const tally = SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${ICON[s]} ${counts[s]} ${s}`)
    .join(' · ');
  const max = options.multi ? 3 : SUMMARY_LINES;
  const lines = findings.slice(0, max).map((f) => `${ICON[f.severity]} ${escapeText(summaryLine(f))}`);
  if (findings.length > max) lines.push(`…and ${findings.length - max} more`);
  if (options.multi) return [section(`${title} · ${tally}\n${lines.join('\n')}`), ...gaps];
  return [
    section(`${title}\n${tally}`),
    section(lines.join('\n')),
    context(`Checked ${what}.${options.threaded ? ' Why each matters and how to fix it: in the thread.' : ''}`),
    ...gaps,
  ];
}

/** The thread: each cluster's findings, ten to a message, each with why it matters and the fix. */
export function auditDetailMessages(audits: readonly ClusterAudit[]): SlackMessage[] {
  const messages: SlackMessage[] = [];
  for (const a of audits) {
    const findings = a.result?.findings ?? [];
    const pages = Math.ceil(findings.length / FINDINGS_PER_MESSAGE);
    for (let page = 0; page < Math.min(pages, MESSAGES_PER_CLUSTER); page += 1) {
      const slice = findings.slice(page * FINDINGS_PER_MESSAGE, (page + 1) * FINDINGS_PER_MESSAGE);
      const first = page * FINDINGS_PER_MESSAGE + 1;
      const heading = `*${escapeText(a.alias)}* — findings ${first}–${first + slice.length - 1} of ${findings.length}`;
      const blocks: KnownBlock[] = [section(heading), ...slice.map(findingSection)];
      if (page === MESSAGES_PER_CLUSTER - 1 && pages > MESSAGES_PER_CLUSTER)
        blocks.push(
          context(`${findings.length - MESSAGES_PER_CLUSTER * FINDINGS_PER_MESSAGE} more not shown: fix these first.`),
        );
      messages.push({ text: escapeText(`${a.alias}: findings ${first}–${first + slice.length - 1}`), blocks });
    }
  }
  if (messages.length <= MESSAGES_IN_THREAD) return messages;
  const kept = messages.slice(0, MESSAGES_IN_THREAD - 1);
  const note = `${messages.length - kept.length} more messages of findings not posted: audit the remaining clusters one at a time (\`/ecs audit CLUSTER\`).`;
  return [...kept, { text: escapeText(note), blocks: [context(escapeText(note))] }];
}

/**
 * Summary and details in one message, for when there is no thread to post in (the bot is not in
 * the channel): as many findings as one message holds, and how to get the rest.
 */
export function auditSingleMessage(audits: readonly ClusterAudit[]): SlackMessage {
  const summary = auditSummaryMessage(audits, { threaded: false });
  const details = auditDetailMessages(audits).flatMap((m) => m.blocks ?? []);
  const room = SLACK_LIMITS.blocksPerMessage - (summary.blocks?.length ?? 0) - 1;
  const blocks = [...(summary.blocks ?? []), ...details.slice(0, room)];
  blocks.push(
    context(
      details.length > room
        ? `${details.length - room} more not shown. Invite the bot to this channel (\`/invite @ecs-chatops\`) to get every finding in a thread.`
        : 'Invite the bot to this channel (`/invite @ecs-chatops`) to get the audit as a channel message with the details in a thread.',
    ),
  );
  return { text: summary.text, blocks };
}

function summaryLine(f: Finding): string {
  return truncate(`${f.resource}: ${f.problem}`, 300);
}

function findingSection(f: Finding): KnownBlock {
  const text = [
    `${ICON[f.severity]} *${f.severity}* · ${escapeText(truncate(f.resource, 300))}`,
    escapeText(truncate(f.problem, 700)),
    `*Why it matters:* ${escapeText(truncate(f.why, 600))}`,
    `*Fix:* ${escapeText(truncate(f.fix, 800))}`,
  ].join('\n');
  return section(text);
}

function gapText(gaps: readonly EvidenceGap[]): string {
  const parts = gaps.map((g) => `${escapeText(g.what)} (\`${escapeText(g.action)}\`: ${escapeText(g.reason)})`);
  return `:warning: Not checked: ${parts.join('; ')}. Add the permission to the cluster's read role (the roles template in deploy/) to include them.`;
}
