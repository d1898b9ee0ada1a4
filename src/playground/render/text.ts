import { type Palette, type Style } from './palette';

/** A run of text with one set of styles (and, for links, where it points). */
export interface Segment {
  text: string;
  styles: readonly Style[];
  url?: string;
}

/** One terminal line, before styling. */
export type Line = Segment[];

export function segment(text: string, ...styles: Style[]): Segment {
  return { text, styles };
}

/**
 * Columns a string takes in a terminal: emoji and East Asian wide characters take two, combining
 * marks, variation selectors and zero-width joiners none.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x300 && cp <= 0x36f)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1f300 && cp <= 0x1faff) || // emoji and pictographs
    (cp >= 0x2600 && cp <= 0x27bf && WIDE_SYMBOLS.has(cp)) ||
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0x231a && cp <= 0x231b) ||
    (cp >= 0x23e9 && cp <= 0x23f3)
  );
}

/** Symbols in the 2600–27BF block that terminals draw as emoji (two columns). */
const WIDE_SYMBOLS = new Set([
  0x2614, 0x2615, 0x26a1, 0x26aa, 0x26ab, 0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26d4, 0x26ea, 0x26f2, 0x26f3, 0x26f5,
  0x26fa, 0x26fd, 0x2705, 0x270a, 0x270b, 0x2728, 0x274c, 0x274e, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796,
  0x2797, 0x27b0, 0x27bf,
]);

export function lineWidth(line: Line): number {
  return line.reduce((sum, s) => sum + displayWidth(s.text), 0);
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Splits segments at newlines into lines. */
export function splitLines(segments: readonly Segment[]): Line[] {
  const lines: Line[] = [[]];
  for (const s of segments) {
    const parts = s.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== '') lines[lines.length - 1]!.push({ ...s, text: part });
    });
  }
  return lines;
}

/**
 * Word-wraps one line to `width` columns. Breaks at spaces only (a word may span segments:
 * `@alice` then `.` stay together); a word longer than a whole line is cut. Styles carry over to
 * the next line (each line is styled on its own).
 */
export function wrapLine(line: Line, width: number): Line[] {
  const max = Math.max(8, width);
  if (lineWidth(line) <= max) return [line];
  const tokens = wordsOf(line);
  // A list item ("• web", "✅ Scale web", "2. …") continues under its text, not under its bullet.
  const hang = hangingIndent(tokens, max);
  const limit = () => (out.length === 0 ? max : max - hang);
  const out: Line[] = [];
  let current: Line = [];
  let used = 0;
  const flush = () => {
    while (current.length > 0 && /^ +$/.test(current[current.length - 1]!.text)) current.pop();
    out.push(current);
    current = [];
    used = 0;
  };
  for (const token of tokens) {
    const w = lineWidth(token.pieces);
    if (token.space) {
      if (used === 0) continue; // no leading spaces on a wrapped line
      if (used + w > limit()) flush();
      else {
        current.push(...token.pieces);
        used += w;
      }
      continue;
    }
    if (used + w <= limit()) {
      current.push(...token.pieces);
      used += w;
      continue;
    }
    if (used > 0) flush();
    let rest = token.pieces;
    while (lineWidth(rest) > limit()) {
      const [head, tail] = cutPieces(rest, limit());
      out.push(head);
      rest = tail;
    }
    current.push(...rest);
    used = lineWidth(rest);
  }
  if (current.length > 0 || out.length === 0) flush();
  return hang === 0 ? out : out.map((l, i) => (i === 0 ? l : [{ text: ' '.repeat(hang), styles: [] }, ...l]));
}

const BULLET = /^(?:[•◦▪▫‣*-]|\d{1,2}[.)]|\p{Extended_Pictographic}\uFE0F?)$/u;

function hangingIndent(tokens: { space: boolean; pieces: Segment[] }[], max: number): number {
  const [first, space] = tokens;
  if (!first || first.space || !space?.space) return 0;
  const bullet = first.pieces.map((p) => p.text).join('');
  if (!BULLET.test(bullet)) return 0;
  const hang = displayWidth(bullet) + displayWidth(space.pieces.map((p) => p.text).join(''));
  return hang <= max / 3 ? hang : 0;
}

/** Runs of spaces, and words made of the pieces of one or more segments. */
function wordsOf(line: Line): { space: boolean; pieces: Segment[] }[] {
  const tokens: { space: boolean; pieces: Segment[] }[] = [];
  let word: Segment[] = [];
  for (const s of line) {
    for (const part of s.text.match(/ +|[^ ]+/g) ?? []) {
      if (part.startsWith(' ')) {
        if (word.length > 0) tokens.push({ space: false, pieces: word });
        word = [];
        tokens.push({ space: true, pieces: [{ ...s, text: part }] });
      } else {
        word.push({ ...s, text: part });
      }
    }
  }
  if (word.length > 0) tokens.push({ space: false, pieces: word });
  return tokens;
}

function cutPieces(pieces: Segment[], width: number): [Segment[], Segment[]] {
  const head: Segment[] = [];
  let used = 0;
  for (let i = 0; i < pieces.length; i += 1) {
    const piece = pieces[i]!;
    const w = displayWidth(piece.text);
    if (used + w <= width) {
      head.push(piece);
      used += w;
      continue;
    }
    let [a, b] = cut(piece.text, width - used);
    // Always move on by at least one character, even one too wide for the line.
    if (a === '' && head.length === 0) [a, b] = [[...piece.text][0]!, [...piece.text].slice(1).join('')];
    if (a !== '') head.push({ ...piece, text: a });
    return [head, [...(b !== '' ? [{ ...piece, text: b }] : []), ...pieces.slice(i + 1)]];
  }
  return [head, []];
}

function cut(text: string, width: number): [string, string] {
  let used = 0;
  let i = 0;
  const chars = [...text];
  for (; i < chars.length; i += 1) {
    const w = displayWidth(chars[i]!);
    if (used + w > width) break;
    used += w;
  }
  return [chars.slice(0, i).join(''), chars.slice(i).join('')];
}

export function wrapLines(lines: readonly Line[], width: number): Line[] {
  return lines.flatMap((l) => wrapLine(l, width));
}

/** Pads a line with spaces to `width` columns. */
export function padLine(line: Line, width: number): Line {
  const pad = width - lineWidth(line);
  return pad > 0 ? [...line, { text: ' '.repeat(pad), styles: [] }] : line;
}

/** Adds styles to every segment (a context block is dim throughout, say). */
export function withStyles(lines: readonly Line[], ...styles: Style[]): Line[] {
  return lines.map((l) =>
    l.map((s) => ({ ...s, styles: [...styles, ...s.styles.filter((x) => !styles.includes(x))] })),
  );
}

/** The line as terminal text: neighbouring segments with the same styles are painted as one. */
export function paintLine(line: Line, palette: Palette): string {
  return merged(line)
    .map((s) => (s.url ? palette.link(palette.paint(s.text, s.styles), s.url) : palette.paint(s.text, s.styles)))
    .join('');
}

function merged(line: Line): Line {
  const out: Segment[] = [];
  for (const s of line) {
    const last = out[out.length - 1];
    if (
      last &&
      last.url === s.url &&
      last.styles.length === s.styles.length &&
      last.styles.every((x, i) => x === s.styles[i])
    ) {
      out[out.length - 1] = { ...last, text: last.text + s.text };
    } else {
      out.push(s);
    }
  }
  return out;
}
