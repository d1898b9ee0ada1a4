import { type KnownBlock } from '@slack/types';
import { type EvidenceGap } from '../aws/best-practice-evidence';
import { context, escapeText, section, truncate, SLACK_LIMITS, type SlackMessage } from '../slack/message';
import { type AuditResult } from './audit';
import { SEVERITIES, type Finding, type Severity } from './finding';
import { plural } from './subjects';

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
/** Lines of the summary per cluster. */
const SUMMARY_LINES = 8;

export function auditSummaryMessage(audits: readonly ClusterAudit[], options: { threaded: boolean }): SlackMessage {
  const blocks: KnownBlock[] = [];
  const texts: string[] = [];
  const multi = audits.length > 1;
  if (multi) {
    const total = audits.reduce((n, a) => n + (a.result?.findings.length ?? 0), 0);
    blocks.push(section(`*Audit of ${plural(audits.length, 'cluster')}* · ${plural(total, 'finding')}`));
  }
  for (const a of audits) {
    const title = `*${escapeText(a.alias)}* · ${escapeText(a.region)}`;
    if (a.problem || !a.result) {
      blocks.push(section(`${title}\n:warning: Not audited: ${a.problem ?? 'it could not be read.'}`));
      texts.push(`${a.alias}: not audited`);
      continue;
    }
    const { findings, counts, checked } = a.result;
    const what = `${plural(checked.rules, 'rule')} on ${plural(checked.services, 'service')}, ${plural(checked.taskDefinitions, 'task definition')}, ${plural(checked.instances, 'instance')} and ${plural(checked.securityGroups, 'security group')}`;
    if (findings.length === 0) {
      blocks.push(
        section(
          `${multi ? title : `*Audit of ${escapeText(a.alias)}* · ${escapeText(a.region)}`}\n:white_check_mark: No findings. Checked ${what}.`,
        ),
      );
      texts.push(`${a.alias}: no findings`);
    } else {
      const tally = SEVERITIES.filter((s) => counts[s] > 0)
        .map((s) => `${ICON[s]} ${counts[s]} ${s}`)
        .join(' · ');
      const lines = findings.slice(0, SUMMARY_LINES).map((f) => `${ICON[f.severity]} ${escapeText(summaryLine(f))}`);
      if (findings.length > SUMMARY_LINES) lines.push(`…and ${findings.length - SUMMARY_LINES} more`);
      blocks.push(
        section(`${multi ? title : `*Audit of ${escapeText(a.alias)}* · ${escapeText(a.region)}`}\n${tally}`),
        section(lines.join('\n')),
      );
      texts.push(
        `${a.alias}: ${SEVERITIES.filter((s) => counts[s] > 0)
          .map((s) => `${counts[s]} ${s}`)
          .join(', ')}`,
      );
      if (!multi)
        blocks.push(
          context(`Checked ${what}.${options.threaded ? ' Why each matters and how to fix it: in the thread.' : ''}`),
        );
    }
    if (a.gaps?.length) blocks.push(context(gapText(a.gaps)));
  }
  if (multi && options.threaded && audits.some((a) => a.result?.findings.length))
    blocks.push(context('Why each finding matters and how to fix it: in the thread, cluster by cluster.'));
  const prefix = multi ? 'Audit: ' : 'Audit of ';
  return { text: escapeText(`${prefix}${texts.join('; ')}`), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
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
  return messages;
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
