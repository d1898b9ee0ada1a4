import { SLACK_LIMITS, type SlackMessage } from './message';

/**
 * Every way a message would break Slack's Block Kit limits, as sentences; empty when Slack would
 * accept it. Tests run every reply through this. The limits are Slack's reference pages: blocks
 * (https://docs.slack.dev/reference/block-kit/blocks), block elements (button, overflow, selects),
 * composition objects (text 1–3000, confirmation dialog title 100 / text 300 / buttons 30, option
 * text 75 / value 150 / description 75) and, for `modalProblems`, modal views.
 */
export function blockKitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text) problems.push('no fallback text');
  if (message.text.length > SLACK_LIMITS.messageText) problems.push(`text is ${message.text.length} characters`);
  if (!wellFormed(message.text)) problems.push('text holds half a surrogate pair');
  const blocks = (message.blocks ?? []) as unknown as Json[];
  if (blocks.length > SLACK_LIMITS.blocksPerMessage)
    problems.push(`${blocks.length} blocks (limit ${SLACK_LIMITS.blocksPerMessage})`);
  problems.push(...blocksProblems(blocks));
  return problems;
}

/** The same for a modal view (views.open / views.update): title, buttons, metadata, up to 100 blocks. */
export function modalProblems(view: unknown): string[] {
  const v = (view ?? {}) as Json;
  const problems: string[] = [];
  const p = (where: string, problem: string) => problems.push(`modal ${where}: ${problem}`);
  plainText(v.title, 'title', SLACK_LIMITS.modalTitle, p, true);
  plainText(v.submit, 'submit', SLACK_LIMITS.modalButton, p, false);
  plainText(v.close, 'close', SLACK_LIMITS.modalButton, p, false);
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > SLACK_LIMITS.privateMetadata)
    p('private_metadata', `over ${SLACK_LIMITS.privateMetadata} characters`);
  if (typeof v.callback_id === 'string' && v.callback_id.length > SLACK_LIMITS.callbackId)
    p('callback_id', `over ${SLACK_LIMITS.callbackId} characters`);
  const blocks = Array.isArray(v.blocks) ? (v.blocks as Json[]) : [];
  if (blocks.length > SLACK_LIMITS.blocksPerModal)
    problems.push(`modal: ${blocks.length} blocks (limit ${SLACK_LIMITS.blocksPerModal})`);
  problems.push(...blocksProblems(blocks));
  return problems;
}

type Json = Record<string, unknown>;
type Report = (where: string, problem: string) => void;

function blocksProblems(blocks: Json[]): string[] {
  const problems: string[] = [];
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `block ${i} (${String(block.type)})`;
    const p: Report = (what, problem) => problems.push(`${where}${what ? ` ${what}` : ''}: ${problem}`);
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length === 0 || id.length > SLACK_LIMITS.blockId)
        p('', `block_id of ${id.length} characters (1–${SLACK_LIMITS.blockId})`);
      if (blockIds.has(id)) p('', `duplicate block_id ${id}`);
      blockIds.add(id);
    }
    const actionIds = new Set<string>();
    const element = (e: Json, what: string) => elementProblems(e, what, p, actionIds);
    switch (block.type) {
      case 'header':
        plainText(block.text, 'text', SLACK_LIMITS.headerText, p, true);
        break;
      case 'section': {
        const fields = Array.isArray(block.fields) ? (block.fields as Json[]) : [];
        if (block.text === undefined && fields.length === 0) p('', 'neither text nor fields');
        if (block.text !== undefined) anyText(block.text, 'text', SLACK_LIMITS.sectionText, p);
        if (fields.length > SLACK_LIMITS.fieldsPerSection)
          p('', `${fields.length} fields (limit ${SLACK_LIMITS.fieldsPerSection})`);
        fields.forEach((f, n) => anyText(f, `field ${n}`, SLACK_LIMITS.fieldText, p));
        if (block.accessory !== undefined) element(block.accessory as Json, 'accessory');
        break;
      }
      case 'actions': {
        const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.actionElements)
          p('', `${elements.length} elements (1–${SLACK_LIMITS.actionElements})`);
        elements.forEach((e, n) => element(e, `element ${n}`));
        break;
      }
      case 'context': {
        const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.contextElements)
          p('', `${elements.length} elements (1–${SLACK_LIMITS.contextElements})`);
        elements.forEach((e, n) => {
          if (e.type === 'image') imageProblems(e, `element ${n}`, p);
          else anyText(e, `element ${n}`, SLACK_LIMITS.sectionText, p);
        });
        break;
      }
      case 'input':
        plainText(block.label, 'label', SLACK_LIMITS.inputLabel, p, true);
        if (block.hint !== undefined) plainText(block.hint, 'hint', SLACK_LIMITS.inputHint, p, false);
        if (block.element !== undefined) element(block.element as Json, 'element');
        break;
      case 'image':
        imageProblems(block, '', p);
        break;
      case 'divider':
      case 'rich_text':
        break;
      default:
        p('', 'unknown block type');
    }
  });
  return problems;
}

/** Buttons, overflow menus, selects and inputs: ids, texts, values, options and confirm dialogs. */
function elementProblems(e: Json, what: string, p: Report, actionIds: Set<string>): void {
  if (typeof e.action_id === 'string') {
    if (e.action_id.length === 0 || e.action_id.length > SLACK_LIMITS.actionId)
      p(what, `action_id of ${e.action_id.length} characters (1–${SLACK_LIMITS.actionId})`);
    if (actionIds.has(e.action_id)) p(what, `duplicate action_id ${e.action_id}`);
    actionIds.add(e.action_id);
  }
  if (e.confirm !== undefined) confirmProblems(e.confirm as Json, `${what} confirm`, p);
  if (e.placeholder !== undefined) plainText(e.placeholder, `${what} placeholder`, SLACK_LIMITS.placeholder, p, false);
  switch (e.type) {
    case 'button':
      plainText(e.text, `${what} text`, SLACK_LIMITS.buttonText, p, true);
      if (typeof e.value === 'string' && e.value.length > SLACK_LIMITS.buttonValue)
        p(what, `button value over ${SLACK_LIMITS.buttonValue} characters`);
      if (typeof e.url === 'string' && e.url.length > SLACK_LIMITS.buttonUrl)
        p(what, `url over ${SLACK_LIMITS.buttonUrl} characters`);
      break;
    case 'overflow': {
      const options = Array.isArray(e.options) ? (e.options as Json[]) : [];
      if (options.length < 1 || options.length > SLACK_LIMITS.overflowOptions)
        p(what, `${options.length} options (1–${SLACK_LIMITS.overflowOptions})`);
      options.forEach((o, n) => optionProblems(o, `${what} option ${n}`, p));
      break;
    }
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = Array.isArray(e.options) ? (e.options as Json[]) : [];
      if (options.length > SLACK_LIMITS.selectOptions)
        p(what, `${options.length} options (limit ${SLACK_LIMITS.selectOptions})`);
      options.forEach((o, n) => optionProblems(o, `${what} option ${n}`, p));
      if (e.initial_option !== undefined) optionProblems(e.initial_option as Json, `${what} initial option`, p);
      break;
    }
    default:
      break;
  }
}

function confirmProblems(c: Json, what: string, p: Report): void {
  plainText(c.title, `${what} title`, SLACK_LIMITS.confirmTitle, p, true);
  anyText(c.text, `${what} text`, SLACK_LIMITS.confirmText, p);
  plainText(c.confirm, `${what} confirm button`, SLACK_LIMITS.confirmButton, p, true);
  plainText(c.deny, `${what} deny button`, SLACK_LIMITS.confirmButton, p, true);
}

function optionProblems(o: Json, what: string, p: Report): void {
  anyText(o.text, `${what} text`, SLACK_LIMITS.optionText, p);
  if (typeof o.value === 'string' && o.value.length > SLACK_LIMITS.optionValue)
    p(what, `value over ${SLACK_LIMITS.optionValue} characters`);
  if (o.description !== undefined) anyText(o.description, `${what} description`, SLACK_LIMITS.optionDescription, p);
}

function imageProblems(image: Json, what: string, p: Report): void {
  if (
    typeof image.alt_text !== 'string' ||
    image.alt_text.length === 0 ||
    image.alt_text.length > SLACK_LIMITS.imageAltText
  )
    p(what, `alt_text must be 1–${SLACK_LIMITS.imageAltText} characters`);
  if (typeof image.image_url === 'string' && image.image_url.length > SLACK_LIMITS.imageUrl)
    p(what, `image_url over ${SLACK_LIMITS.imageUrl} characters`);
}

/** A text object (plain_text or mrkdwn) of 1 to `max` characters, well-formed Unicode. */
function anyText(value: unknown, what: string, max: number, p: Report): void {
  const t = value as { type?: unknown; text?: unknown } | undefined;
  if (!t || (t.type !== 'plain_text' && t.type !== 'mrkdwn') || typeof t.text !== 'string') {
    p(what, 'not a text object');
    return;
  }
  if (t.text.length === 0) p(what, 'empty text');
  if (t.text.length > max) p(what, `text over ${max} characters (${t.text.length})`);
  if (!wellFormed(t.text)) p(what, 'text holds half a surrogate pair');
}

/** A plain_text object (where Slack allows no mrkdwn); `required` when Slack needs one there. */
function plainText(value: unknown, what: string, max: number, p: Report, required: boolean): void {
  if (value === undefined) {
    if (required) p(what, 'missing');
    return;
  }
  if ((value as { type?: unknown }).type !== 'plain_text') p(what, 'must be plain_text');
  anyText(value, what, max, p);
}

/** False when a string holds a lone UTF-16 surrogate (a truncation that split an emoji). */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
