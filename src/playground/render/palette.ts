/**
 * How text is styled on this terminal: ANSI SGR codes, or nothing at all when colour is off
 * (`--no-color`, NO_COLOR, or stdout is not a terminal: https://no-color.org). Plain ANSI rather
 * than node:util styleText, which Node 20 gained only in 20.12 (package.json allows any 20).
 */
export type Style =
  | 'bold'
  | 'italic'
  | 'strike'
  | 'underline'
  | 'dim'
  | 'code'
  | 'link'
  | 'mention'
  | 'primary'
  | 'danger'
  | 'button'
  | 'notice'
  | 'error'
  | 'accent';

export interface Palette {
  readonly colour: boolean;
  paint(text: string, styles: readonly Style[]): string;
  /** A clickable link where the terminal supports OSC 8 (others show the text alone). */
  link(text: string, url: string): string;
}

const SGR: Record<Style, [open: string, close: string]> = {
  bold: ['1', '22'],
  italic: ['3', '23'],
  strike: ['9', '29'],
  underline: ['4', '24'],
  dim: ['2', '22'],
  code: ['36', '39'],
  link: ['4;34', '24;39'],
  mention: ['35', '39'],
  primary: ['32', '39'],
  danger: ['31', '39'],
  button: ['1;36', '22;39'],
  notice: ['33', '39'],
  error: ['31', '39'],
  accent: ['36', '39'],
};

export function colourPalette(): Palette {
  return {
    colour: true,
    paint(text, styles) {
      if (styles.length === 0 || text === '') return text;
      // Open every style, then reset them all: closing codes overlap (bold and dim share 22).
      return `${styles.map((s) => `\x1b[${SGR[s][0]}m`).join('')}${text}\x1b[0m`;
    },
    link(text, url) {
      return `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;
    },
  };
}

export const plainPalette: Palette = {
  colour: false,
  paint: (text) => text,
  link: (text) => text,
};
