import { type KnownBlock, type Button, type PlainTextElement, type MrkdwnElement, type ConfirmationDialog } from '@slack/types';

/** A message the bot sends: fallback text (notifications, screen readers) and Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** Slack's limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionElements: 25,
  contextElements: 10,
  messageText: 40000,
} as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: plain(truncate(text, SLACK_LIMITS.headerText)) };
}

export function section(text: string, fields?: string[]): KnownBlock {
  const block: KnownBlock = { type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) };
  if (fields && fields.length > 0) block.fields = fields.slice(0, SLACK_LIMITS.fieldsPerSection).map((f) => mrkdwn(truncate(f, SLACK_LIMITS.fieldText)));
  return block;
}

export function fieldsSection(fields: string[]): KnownBlock {
  return { type: 'section', fields: fields.slice(0, SLACK_LIMITS.fieldsPerSection).map((f) => mrkdwn(truncate(f, SLACK_LIMITS.fieldText))) };
}

export function context(...texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(truncate(t, SLACK_LIMITS.sectionText))) };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export function actions(blockId: string, buttons: Button[]): KnownBlock {
  return { type: 'actions', block_id: blockId, elements: buttons.slice(0, SLACK_LIMITS.actionElements) };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  options: { style?: 'primary' | 'danger'; confirm?: ConfirmationDialog } = {},
): Button {
  const b: Button = { type: 'button', text: plain(truncate(text, SLACK_LIMITS.buttonText)), action_id: actionId, value };
  if (options.style) b.style = options.style;
  if (options.confirm) b.confirm = options.confirm;
  return b;
}

/**
 * A button that runs a command, through the same parse/authorize path as typed text.
 * `action_id` is `cmd:<verb>` (with `#<n>` appended when one block holds several buttons of the
 * same verb); the value carries the cluster alias and the words after the verb.
 */
export function commandButton(
  text: string,
  cluster: string,
  verb: string,
  args: string[],
  options: { style?: 'primary' | 'danger'; confirm?: ConfirmationDialog; uniqueSuffix?: string } = {},
): Button {
  const value = JSON.stringify({ cluster, args } satisfies CommandButtonValue);
  const actionId = `cmd:${verb}${options.uniqueSuffix ? `#${options.uniqueSuffix}` : ''}`;
  return button(text, actionId, value, options);
}

export interface CommandButtonValue {
  cluster: string;
  args: string[];
}

export function confirmDialog(title: string, text: string, confirm: string): ConfirmationDialog {
  return { title: plain(title), text: mrkdwn(text), confirm: plain(confirm), deny: plain('Cancel'), style: 'danger' };
}

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** Escapes text from AWS (service names, reasons) so Slack shows it as written. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text from AWS (an error message) for mrkdwn: escaped, with every ARN in a code span, so Slack
 * neither turns `:aws:` in `arn:aws:iam::…` into an emoji (a workspace may well have one by that
 * name) nor breaks the ARN at its colons.
 */
export function awsText(text: string): string {
  return escapeText(text).replace(/`?(arn:aws[a-z-]*:[^\s`'",;()]*[^\s`'",;().])`?/g, (_, arn: string) => `\`${arn}\``);
}

export function textMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/**
 * A list of lines as few sections as Slack's 3000 characters a section allow, never splitting a
 * line (one longer than a section is truncated).
 */
export function lineSections(lines: readonly string[], maxChars: number = SLACK_LIMITS.sectionText): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, maxChars);
    if (current !== '' && current.length + 1 + line.length > maxChars) {
      blocks.push(section(current));
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}
