import { emoji } from './emoji';
import { type Style } from './palette';
import { type Segment } from './text';
import { count } from '../../text/words';

/** What mrkdwn needs from outside: names for ids, and the time for `{ago}`. */
export interface MrkdwnContext {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** Now, in the time the bot's timestamps are in (the simulated account's). */
  now(): number;
}

/**
 * Slack mrkdwn (https://docs.slack.dev/messaging/formatting-message-text) as styled segments:
 * *bold*, _italic_, ~strike~, `code`, ```preformatted```, > quotes, <links|text>, <@U…> and
 * <#C…> mentions, <!date^…> dates, :emoji:, and the &lt; &gt; &amp; escapes. Newlines stay in
 * the segments' text; the caller splits lines.
 */
export function mrkdwn(text: string, ctx: MrkdwnContext, base: readonly Style[] = []): Segment[] {
  const out: Segment[] = [];
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (const match of text.matchAll(fence)) {
    const before = text.slice(last, match.index);
    out.push(...lines(before, ctx, base));
    // A preformatted block stands on lines of its own, as in Slack.
    if (before !== '' && !before.endsWith('\n')) out.push({ text: '\n', styles: [] });
    const body = decodeEntities(match[1]!.replace(/^\n/, '').replace(/\n$/, ''));
    out.push({ text: body, styles: [...base, 'code'] });
    last = match.index + match[0].length;
    if (last < text.length && text[last] !== '\n') out.push({ text: '\n', styles: [] });
  }
  out.push(...lines(text.slice(last), ctx, base));
  return out;
}

/** Plain text as Slack shows a plain_text object (emoji shortcodes become emoji when asked to). */
export function plainText(text: string, styles: readonly Style[] = [], withEmoji = true): Segment[] {
  return [
    {
      text: withEmoji
        ? text.replace(/:([a-z0-9_+'-]+):/g, (whole, name: string, at: number) =>
            insideArn(text, at) ? whole : (emoji(name) ?? whole),
          )
        : text,
      styles,
    },
  ];
}

/**
 * Whether the colon at `at` belongs to an ARN (`arn:aws:iam::…`): the text before it is `arn`
 * and colon-separated parts, with nothing that ends a word in between. `:aws:` there is the
 * partition, never an emoji (code spans are never rendered as emoji either).
 */
function insideArn(text: string, at: number): boolean {
  return /(?:^|[^A-Za-z0-9_-])arn(?::[^\s:]*)*$/.test(text.slice(0, at));
}

function lines(text: string, ctx: MrkdwnContext, base: readonly Style[]): Segment[] {
  const out: Segment[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ text: '\n', styles: [] });
    const quote = /^(>|&gt;) ?/.exec(line);
    if (quote) {
      out.push({ text: '▎ ', styles: ['dim'] });
      out.push(...inline(line.slice(quote[0].length), ctx, base));
    } else {
      out.push(...inline(line, ctx, base));
    }
  });
  return out;
}

const MARKERS: Record<string, Style> = { '*': 'bold', _: 'italic', '~': 'strike' };

function inline(text: string, ctx: MrkdwnContext, styles: readonly Style[]): Segment[] {
  const out: Segment[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ text: buffer, styles });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '<') {
      const m = /<([^<>\n]+)>/y;
      m.lastIndex = i;
      const found = m.exec(text);
      if (found) {
        flush();
        out.push(...angle(found[1]!, ctx, styles));
        i = m.lastIndex;
        continue;
      }
    }
    if (c === '`') {
      const m = /`([^`\n]+)`/y;
      m.lastIndex = i;
      const found = m.exec(text);
      if (found) {
        flush();
        out.push({ text: decodeEntities(found[1]!), styles: [...styles, 'code'] });
        i = m.lastIndex;
        continue;
      }
    }
    const marker = MARKERS[c];
    if (marker && boundaryBefore(text, i)) {
      const e = `\\${c}`;
      const m = new RegExp(`${e}(?=[^\\s${e}])([^${e}\\n]*?[^\\s${e}])${e}(?![A-Za-z0-9])`, 'y');
      m.lastIndex = i;
      const found = m.exec(text);
      if (found) {
        flush();
        out.push(...inline(found[1]!, ctx, styles.includes(marker) ? styles : [...styles, marker]));
        i = m.lastIndex;
        continue;
      }
    }
    if (c === ':' && !insideArn(text, i)) {
      const m = /:([a-z0-9_+'-]+):/y;
      m.lastIndex = i;
      const found = m.exec(text);
      const glyph = found ? emoji(found[1]!) : undefined;
      if (found && glyph) {
        buffer += glyph;
        i = m.lastIndex;
        continue;
      }
    }
    if (c === '&') {
      const m = /&(lt|gt|amp);/y;
      m.lastIndex = i;
      const found = m.exec(text);
      if (found) {
        buffer += ENTITIES[found[1]!];
        i = m.lastIndex;
        continue;
      }
    }
    buffer += c;
    i += 1;
  }
  flush();
  return out;
}

function boundaryBefore(text: string, i: number): boolean {
  return i === 0 || /[\s([{"'.,;:!?/>-]/.test(text[i - 1]!);
}

function angle(body: string, ctx: MrkdwnContext, styles: readonly Style[]): Segment[] {
  const [target = '', label] = splitOnce(body, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return [{ text: `@${ctx.userName(id) ?? label ?? id}`, styles: [...styles, 'mention'] }];
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return [{ text: `#${ctx.channelName(id) ?? label ?? id}`, styles: [...styles, 'mention'] }];
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special.startsWith('date^')) {
      const [, ts, format] = special.split('^');
      const when = Number(ts) * 1000;
      const text = Number.isFinite(when) && format ? formatSlackDate(when, format, ctx.now()) : (label ?? special);
      return [{ text: decodeEntities(text), styles }];
    }
    if (special.startsWith('subteam^'))
      return [{ text: label ?? `@${special.slice('subteam^'.length)}`, styles: [...styles, 'mention'] }];
    return [{ text: `@${label ?? special}`, styles: [...styles, 'mention'] }];
  }
  const url = decodeEntities(target);
  const text = label !== undefined ? decodeEntities(label) : url.replace(/^mailto:/, '');
  // The text alone, as Slack shows it; where the terminal can, it is a clickable link (OSC 8).
  return [{ text, styles: [...styles, 'link'], url }];
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&' };

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => ENTITIES[name]!);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Slack's date tokens (https://docs.slack.dev/messaging/formatting-message-text#date-formatting),
 * in UTC (Slack uses the reader's time zone; the playground has no reader's zone, and the bot's
 * other times say UTC).
 */
export function formatSlackDate(ms: number, format: string, now: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  const month = MONTHS[d.getUTCMonth()]!;
  const year = d.getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  const dateLong = `${DAYS[d.getUTCDay()]}, ${month} ${ordinal(day)}, ${year}`;
  const date = `${month} ${ordinal(day)}, ${year}`;
  const dateShort = `${month.slice(0, 3)} ${day}, ${year}`;
  const relative = relativeDay(ms, now);
  const tokens: Record<string, string> = {
    date_num: `${year}-${pad(d.getUTCMonth() + 1)}-${pad(day)}`,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: relative ?? date,
    date_short_pretty: relative ?? dateShort,
    date_long_pretty: relative ?? dateLong,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`,
    time_secs: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`,
    ago: ago(ms, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (whole, name: string) => tokens[name] ?? whole);
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? 'st'
      : n % 10 === 2 && n % 100 !== 12
        ? 'nd'
        : n % 10 === 3 && n % 100 !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}

function relativeDay(ms: number, now: number): string | undefined {
  const dayOf = (t: number) => Math.floor(t / 86_400_000);
  const diff = dayOf(ms) - dayOf(now);
  return diff === 0 ? 'today' : diff === -1 ? 'yesterday' : diff === 1 ? 'tomorrow' : undefined;
}

function ago(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  if (s < 60) return future ? 'in a few seconds' : 'a few seconds ago';
  const [n, unit] =
    s < 3600
      ? [Math.round(s / 60), 'minute']
      : s < 86_400
        ? [Math.round(s / 3600), 'hour']
        : [Math.round(s / 86_400), 'day'];
  const amount = count(n, unit);
  return future ? `in ${amount}` : `${amount} ago`;
}
