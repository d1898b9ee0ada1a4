import {
  type KnownBlock,
  type Button,
  type PlainTextElement,
  type MrkdwnElement,
  type ConfirmationDialog,
} from '@slack/types';
import { sliceWhole } from '../unicode';
import { awsText, escapeText } from '../text/escape';

/** The escaping functions live with the words (src/text/escape.ts): src/aws phrases errors with them too. */
export { awsText, escapeText };

/** A message the bot sends: fallback text (notifications, screen readers) and Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/**
 * Slack's limits, in UTF-16 code units as Slack counts them: blocks
 * (https://docs.slack.dev/reference/block-kit/blocks), block elements, composition objects (text,
 * confirmation dialog, option) and modal views (https://docs.slack.dev/reference/views/modal-views).
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  blockId: 255,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  actionElements: 25,
  contextElements: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  imageAltText: 2000,
  imageUrl: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  messageText: 40000,
} as const;

/**
 * `text` cut to at most `max` UTF-16 code units, ending in "…" when cut. The cut never splits a
 * surrogate pair (half an emoji is not valid Unicode, and Slack refuses it), an entity our escaping
 * made (`&lt;` would show as `&l…`), or one of our own `<…>` links or mentions (an unclosed `<`
 * shows the raw markup). Escaped text holds no `<` but ours, so backing up to one is safe.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let head = sliceWhole(text, max - 1);
  const amp = head.lastIndexOf('&');
  if (
    amp >= 0 &&
    amp > head.length - 5 &&
    !head.slice(amp).includes(';') &&
    /^&(amp|lt|gt);/.test(text.slice(amp, amp + 5))
  )
    head = head.slice(0, amp);
  const open = head.lastIndexOf('<');
  if (open >= 0 && open > head.lastIndexOf('>')) head = head.slice(0, open);
  return `${head}…`;
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: plain(truncate(text, SLACK_LIMITS.headerText)) };
}

export function section(text: string, fields?: string[]): KnownBlock {
  const block: KnownBlock = { type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) };
  if (fields && fields.length > 0)
    block.fields = fields
      .slice(0, SLACK_LIMITS.fieldsPerSection)
      .map((f) => mrkdwn(truncate(f, SLACK_LIMITS.fieldText)));
  return block;
}

export function fieldsSection(fields: string[]): KnownBlock {
  return {
    type: 'section',
    fields: fields.slice(0, SLACK_LIMITS.fieldsPerSection).map((f) => mrkdwn(truncate(f, SLACK_LIMITS.fieldText))),
  };
}

export function context(...texts: string[]): KnownBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(truncate(t, SLACK_LIMITS.sectionText))),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export function actions(blockId: string, buttons: Button[]): KnownBlock {
  return { type: 'actions', block_id: blockIdOf(blockId), elements: buttons.slice(0, SLACK_LIMITS.actionElements) };
}

/** A block_id or action_id within Slack's 255 characters, never ending in half a surrogate pair. */
export function blockIdOf(id: string): string {
  return sliceWhole(id, SLACK_LIMITS.blockId);
}

export function button(
  text: string,
  actionId: string,
  value: string,
  options: { style?: 'primary' | 'danger'; confirm?: ConfirmationDialog } = {},
): Button {
  const b: Button = {
    type: 'button',
    text: plain(truncate(text, SLACK_LIMITS.buttonText)),
    action_id: actionId,
    value,
  };
  if (options.style) b.style = options.style;
  if (options.confirm) b.confirm = options.confirm;
  return b;
}

/**
 * A button that runs a command, through the same parse/authorize path as typed text.
 * `action_id` is `cmd:<verb>` (with `#<n>` appended when one block holds several buttons of the
 * same verb); the value carries the cluster alias and the words after the verb.
 * `replaceOriginal`: the command's first reply to the channel replaces the message holding the
 * button (its buttons go away); a refusal or an error, said only to the clicker, leaves it.
 */
export function commandButton(
  text: string,
  cluster: string,
  verb: string,
  args: string[],
  options: {
    style?: 'primary' | 'danger';
    confirm?: ConfirmationDialog;
    uniqueSuffix?: string;
    replaceOriginal?: boolean;
  } = {},
): Button {
  const value = JSON.stringify({
    cluster,
    args,
    ...(options.replaceOriginal ? { replaceOriginal: true as const } : {}),
  } satisfies CommandButtonValue);
  const actionId = `cmd:${verb}${options.uniqueSuffix ? `#${options.uniqueSuffix}` : ''}`;
  return button(text, actionId, value, options);
}

export interface CommandButtonValue {
  cluster: string;
  args: string[];
  /** The command's first in-channel reply replaces the message the button is on. */
  replaceOriginal?: true;
}

/** Slack's confirmation dialog, each part cut to its limit (title 100, text 300, buttons 30). */
export function confirmDialog(title: string, text: string, confirm: string): ConfirmationDialog {
  return {
    title: plain(truncate(title, SLACK_LIMITS.confirmTitle)),
    text: mrkdwn(truncate(text, SLACK_LIMITS.confirmText)),
    confirm: plain(truncate(confirm, SLACK_LIMITS.confirmButton)),
    deny: plain('Cancel'),
    style: 'danger',
  };
}

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

/**
 * A mrkdwn text object. `verbatim: true` turns off Slack's automatic parsing of the plain text in
 * it (bare `@channel`, `#channel` names, URLs); our own `<@U…>`, `<!date^…>` and `<url|label>`
 * still work (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A message of one section; `text` is mrkdwn, so whatever came from AWS or a user in it is already escaped. */
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
