import { mrkdwn, plainText, type MrkdwnContext } from './mrkdwn';
import { type Style } from './palette';
import { displayWidth, lineWidth, padLine, splitLines, withStyles, wrapLines, type Line, type Segment } from './text';

/** A button as the bot sends it (the parts the playground reads). */
export interface ButtonElement {
  type: 'button';
  text: { type: string; text: string };
  action_id?: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export interface ConfirmDialog {
  title?: { text: string };
  text?: { type?: string; text: string };
  confirm?: { text: string };
  deny?: { text: string };
  style?: 'primary' | 'danger';
}

export interface BlockRenderContext extends MrkdwnContext {
  /** Columns available for the message body. */
  width: number;
  /** Colour on: headers are bold; off: headers are underlined with a rule so they still stand out. */
  colour: boolean;
  /** Gives a button shown in this block its number for `/click N`. */
  numberButton(button: ButtonElement, blockId: string): number;
}

type Block = Record<string, unknown> & { type?: string; block_id?: string };
type TextObject = { type?: string; text?: string };

/** Below this many columns two fields side by side would be too narrow to read. */
const TWO_COLUMN_MIN_WIDTH = 50;
const COLUMN_GAP = 3;

/**
 * A message's Block Kit as terminal lines: header (bold), section text and fields (two columns
 * when they fit), context (dim), dividers, images (their alt text), rich text, and buttons as
 * numbered choices `[1] Scale  [2] Restart` — danger ones marked ⚠, ones that ask first with …
 * Without blocks, the message's text. Lines are wrapped to `ctx.width`; painting is the caller's.
 */
export function renderMessage(message: { text?: string; blocks?: unknown[] }, ctx: BlockRenderContext): Line[] {
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Block[]) : [];
  if (blocks.length === 0) return text(message.text ?? '', ctx);
  return blocks.flatMap((block, i) => renderBlock(block, ctx, i));
}

/**
 * The id a block's buttons are clicked with: its `block_id`, or — when the app sent none, and
 * Slack would have made one up — one derived from its position. The renderer that numbers a
 * button and the lookup that finds it again must agree, so both use this.
 */
export function blockIdOf(block: { block_id?: unknown }, index: number): string {
  return typeof block.block_id === 'string' && block.block_id !== '' ? block.block_id : `block-${index}`;
}

export function renderBlock(block: Block, ctx: BlockRenderContext, index = 0): Line[] {
  switch (block.type) {
    case 'header':
      return header(String((block.text as TextObject | undefined)?.text ?? ''), ctx);
    case 'section':
      return section(block, ctx, blockIdOf(block, index));
    case 'context':
      return withStyles(
        wrapLines(splitLines(joinElements((block.elements as Block[] | undefined) ?? [], ctx)), ctx.width),
        'dim',
      );
    case 'divider':
      return [[{ text: '─'.repeat(ctx.width), styles: ['dim'] }]];
    case 'actions':
      return elementsLine((block.elements as Block[] | undefined) ?? [], blockIdOf(block, index), ctx);
    case 'image':
      return [
        [
          {
            text: `[image: ${String(block.alt_text ?? (block.title as TextObject | undefined)?.text ?? 'no description')}]`,
            styles: ['dim'],
          },
        ],
      ];
    case 'rich_text':
      return wrapLines(splitLines(richText((block.elements as Block[] | undefined) ?? [], ctx)), ctx.width);
    case 'input':
      return wrapLines(
        splitLines(plainText(String((block.label as TextObject | undefined)?.text ?? ''), ['bold'])),
        ctx.width,
      );
    default:
      return [[{ text: `[a ${String(block.type)} block, which the playground cannot show]`, styles: ['dim'] }]];
  }
}

/** A text object (mrkdwn or plain_text) as wrapped lines. */
export function textObject(
  object: TextObject | undefined,
  ctx: BlockRenderContext,
  styles: readonly Style[] = [],
): Line[] {
  if (!object?.text) return [];
  const segments = object.type === 'plain_text' ? plainText(object.text, styles) : mrkdwn(object.text, ctx, styles);
  return wrapLines(splitLines(segments), ctx.width);
}

function text(value: string, ctx: BlockRenderContext): Line[] {
  return wrapLines(splitLines(mrkdwn(value, ctx)), ctx.width);
}

function header(value: string, ctx: BlockRenderContext): Line[] {
  const lines = wrapLines(splitLines(plainText(value, ['bold'])), ctx.width);
  if (ctx.colour) return lines;
  const rule = Math.min(ctx.width, Math.max(...lines.map(lineWidth)));
  return [...lines, [{ text: '═'.repeat(rule), styles: [] }]];
}

function section(block: Block, ctx: BlockRenderContext, blockId: string): Line[] {
  const out: Line[] = [];
  out.push(...textObject(block.text as TextObject | undefined, ctx));
  const fields = (block.fields as TextObject[] | undefined) ?? [];
  if (fields.length > 0) out.push(...fieldColumns(fields, ctx));
  const accessory = block.accessory as Block | undefined;
  if (accessory) out.push(...elementsLine([accessory], blockId, ctx));
  return out;
}

/** Fields two by two, as Slack lays them out, when the terminal is wide enough; else one under another. */
function fieldColumns(fields: TextObject[], ctx: BlockRenderContext): Line[] {
  if (ctx.width < TWO_COLUMN_MIN_WIDTH || fields.length === 1) return fields.flatMap((f) => textObject(f, ctx));
  const column = Math.floor((ctx.width - COLUMN_GAP) / 2);
  const narrow = { ...ctx, width: column };
  const out: Line[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const left = textObject(fields[i], narrow);
    const right = i + 1 < fields.length ? textObject(fields[i + 1], narrow) : [];
    const rows = Math.max(left.length, right.length);
    for (let r = 0; r < rows; r += 1) {
      const l = left[r] ?? [];
      const rest = right[r];
      out.push(rest && rest.length > 0 ? [...padLine(l, column + COLUMN_GAP), ...rest] : l);
    }
  }
  return out;
}

function joinElements(elements: Block[], ctx: BlockRenderContext): Segment[] {
  const out: Segment[] = [];
  elements.forEach((e, i) => {
    if (i > 0) out.push({ text: '  ', styles: [] });
    if (e.type === 'image') out.push({ text: '▪', styles: [] });
    else if (e.type === 'plain_text') out.push(...plainText(String(e.text ?? '')));
    else out.push(...mrkdwn(String(e.text ?? ''), ctx));
  });
  return out;
}

/**
 * Buttons as `[N] Label`, kept whole and wrapped between buttons. Other interactive elements
 * (menus, date pickers) are shown by name: the bot does not use them, and clicking them is not
 * supported here.
 */
function elementsLine(elements: Block[], blockId: string, ctx: BlockRenderContext): Line[] {
  const items: Segment[][] = elements.map((e) => {
    if (e.type === 'button')
      return buttonLabel(e as unknown as ButtonElement, ctx.numberButton(e as unknown as ButtonElement, blockId));
    const name = String((e.placeholder as TextObject | undefined)?.text ?? e.type ?? 'element');
    return [{ text: `[${name} ▾]`, styles: ['dim'] }];
  });
  const lines: Line[] = [];
  let current: Line = [];
  for (const item of items) {
    const width = item.reduce((sum, s) => sum + displayWidth(s.text), 0);
    if (current.length > 0 && lineWidth(current) + 2 + width > ctx.width) {
      lines.push(current);
      current = [];
    }
    if (current.length > 0) current.push({ text: '  ', styles: [] });
    current.push(...item);
  }
  if (current.length > 0) lines.push(current);
  return lines;
}

/** `[3] Deny ⚠`: the number in the button colour, the label in the button's style. */
export function buttonLabel(button: ButtonElement, n: number): Segment[] {
  const labelStyles: Style[] =
    button.style === 'danger' ? ['danger'] : button.style === 'primary' ? ['primary', 'bold'] : [];
  const label = `${button.text?.text ?? 'button'}${button.confirm ? '…' : ''}${button.url ? ' ↗' : ''}`;
  const segments: Segment[] = [
    { text: `[${n}]`, styles: ['button'] },
    { text: ' ', styles: [] },
    ...plainText(label, labelStyles),
  ];
  if (button.style === 'danger') segments.push({ text: ' ⚠', styles: ['danger'] });
  return segments;
}

function richText(elements: Block[], ctx: BlockRenderContext): Segment[] {
  const out: Segment[] = [];
  elements.forEach((element, i) => {
    if (i > 0) out.push({ text: '\n', styles: [] });
    const inner = (element.elements as Block[] | undefined) ?? [];
    switch (element.type) {
      case 'rich_text_list': {
        const ordered = element.style === 'ordered';
        const indent = '  '.repeat(Number(element.indent ?? 0));
        inner.forEach((item, n) => {
          if (n > 0) out.push({ text: '\n', styles: [] });
          out.push({ text: `${indent}${ordered ? `${n + 1}.` : '•'} `, styles: [] });
          out.push(...richSection((item.elements as Block[] | undefined) ?? [], ctx));
        });
        break;
      }
      case 'rich_text_preformatted':
        out.push(...richSection(inner, ctx, ['code']));
        break;
      case 'rich_text_quote':
        out.push({ text: '▎ ', styles: ['dim'] }, ...richSection(inner, ctx));
        break;
      default:
        out.push(...richSection(inner, ctx));
    }
  });
  return out;
}

function richSection(elements: Block[], ctx: BlockRenderContext, base: Style[] = []): Segment[] {
  return elements.map((e): Segment => {
    const flags = (e.style as Record<string, boolean> | undefined) ?? {};
    const styles: Style[] = [...base, ...(['bold', 'italic', 'strike', 'code'] as const).filter((s) => flags[s])];
    switch (e.type) {
      case 'link':
        return { text: String(e.text ?? e.url ?? ''), styles: [...styles, 'link'], url: String(e.url ?? '') };
      case 'user':
        return { text: `@${ctx.userName(String(e.user_id)) ?? String(e.user_id)}`, styles: [...styles, 'mention'] };
      case 'channel':
        return {
          text: `#${ctx.channelName(String(e.channel_id)) ?? String(e.channel_id)}`,
          styles: [...styles, 'mention'],
        };
      case 'emoji':
        return plainText(`:${String(e.name)}:`, styles)[0]!;
      case 'broadcast':
        return { text: `@${String(e.range)}`, styles: [...styles, 'mention'] };
      default:
        return { text: String(e.text ?? ''), styles };
    }
  });
}
