import { type KnownBlock } from '@slack/types';
import {
  actions,
  commandButton,
  context,
  escapeText,
  header,
  section,
  SLACK_LIMITS,
  truncate,
  type SlackMessage,
} from '../slack/message';
import { type Diagnosis, type Evidence } from './evidence';

/** Each quoted fact and log line is cut to this many characters; at most this many are quoted. */
const QUOTE_MAX = 400;
const QUOTES_SHOWN = 15;
const LOG_LINE_MAX = 300;

/**
 * The reply of `why` (and of the Why? button): the cause and the fix in a sentence each, the
 * evidence quoted from AWS, the last log lines where a crash has them, what was checked, and
 * buttons to go further. Everything from AWS is escaped and bounded.
 */
export function diagnosisMessage(alias: string, evidence: Evidence, d: Diagnosis): SlackMessage {
  const subject = evidence.task
    ? `task ${evidence.task.id.slice(0, 8)}${evidence.task.service ? ` (${evidence.task.service})` : ''}`
    : evidence.subject.name;
  const title = `Why: ${subject} in ${alias}`;
  const quotes = d.quotes.slice(0, QUOTES_SHOWN).map((q) => `> ${escapeText(truncate(oneLine(q), QUOTE_MAX))}`);
  if (d.quotes.length > QUOTES_SHOWN) quotes.push(`> … and ${d.quotes.length - QUOTES_SHOWN} more`);
  const blocks: KnownBlock[] = [
    header(title),
    section(`*Cause:* ${escapeText(d.cause)}`),
    section(`*Fix:* ${escapeText(d.fix)}`),
  ];
  if (quotes.length > 0) blocks.push(section(truncate(`*Evidence*\n${quotes.join('\n')}`, SLACK_LIMITS.sectionText)));
  if (d.logLines && d.logLines.lines.length > 0) {
    const body = d.logLines.lines
      .map((l) => escapeText(truncate(oneLine(l), LOG_LINE_MAX)).replace(/```/g, "'''"))
      .join('\n');
    blocks.push(
      section(
        truncate(
          `*Last log lines of ${escapeText(d.logLines.container)}*\n\`\`\`${body}\`\`\``,
          SLACK_LIMITS.sectionText,
        ),
      ),
    );
  }
  const checked = `Checked: ${evidence.checked.join('; ')}.`;
  const unread = evidence.unread.length > 0 ? ` Could not read: ${evidence.unread.join('; ')}.` : '';
  blocks.push(context(truncate(escapeText(checked + unread), SLACK_LIMITS.sectionText)));
  const buttons = [];
  const service = evidence.task?.service ?? evidence.service?.name;
  if (evidence.task) buttons.push(commandButton('Task details', alias, 'task', [evidence.task.id]));
  if (evidence.task || service) buttons.push(commandButton('Logs', alias, 'logs', [evidence.task?.id ?? service!]));
  if (service) buttons.push(commandButton('Service', alias, 'service', [service]));
  if (buttons.length > 0) blocks.push(actions('why_actions', buttons));
  return { text: truncate(escapeText(`${title}: ${d.cause} Fix: ${d.fix}`), SLACK_LIMITS.messageText), blocks };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
