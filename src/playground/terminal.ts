import { createInterface, cursorTo, clearLine, type Completer, type Interface } from 'node:readline';
import { type Readable, type Writable } from 'node:stream';

/**
 * The playground's two ways of talking to a person. On a terminal: a line editor (history,
 * Tab completion, Ctrl-C / Ctrl-D), where what arrives while you type is printed above the
 * prompt and your half-typed line is kept. Otherwise (a pipe, a file, a test): one line of input
 * at a time, echoed after its prompt so the output reads as a transcript.
 */
export interface Terminal {
  readonly interactive: boolean;
  /** Columns to lay messages out in. */
  readonly width: number;
  /** Lines that fit on one screen (a channel's history replays at most this much). */
  readonly height: number;
  /** Prints whole lines (no trailing newline needed), above the prompt when one is showing. */
  print(text: string): void;
  /**
   * Replaces the last `lines` printed lines with `text`, if nothing was printed since and they
   * are still on screen; false when it cannot (then print instead).
   */
  rewrite(lines: number, text: string): boolean;
  /**
   * Shows the prompt and waits for a line; undefined when input has ended (Ctrl-D, end of file).
   * Lines typed while nobody was asking (during a /wait) come first, in the order typed.
   * With `keys` (a y/n question), on a terminal one of those keys answers at once, without Enter
   * (an Enter right after it is swallowed); a whole line answers too, as it does on a pipe.
   */
  ask(prompt: string, options?: AskOptions): Promise<string | undefined>;
  /** While set, Ctrl-C calls this (to cancel what is running) instead of acting on the prompt. */
  onCancel(handler: (() => void) | undefined): void;
  close(): void;
}

export interface AskOptions {
  /** Single characters that answer on their own when typed first on a terminal (lower case). */
  keys?: readonly string[];
}

export interface TerminalOptions {
  input: Readable & { isTTY?: boolean };
  output: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  completer?: Completer;
  /** Called on Ctrl-C at an empty prompt, twice in a row. */
  onInterrupt?: () => void;
}

/** Body text wider than this is hard to read, however wide the window. */
const MAX_WIDTH = 110;
/** Width for output that is not a terminal (a transcript, a log). */
const PIPE_WIDTH = 88;
/** What counts as a screenful in a transcript. */
const PIPE_HEIGHT = 40;

export function createTerminal(options: TerminalOptions): Terminal {
  return options.input.isTTY && options.output.isTTY ? interactiveTerminal(options) : lineTerminal(options);
}

function interactiveTerminal(options: TerminalOptions): Terminal {
  const { output } = options;
  const rl: Interface = createInterface({
    input: options.input,
    output,
    terminal: true,
    historySize: 200,
    ...(options.completer ? { completer: options.completer } : {}),
  });
  let waiting: ((line: string | undefined) => void) | undefined;
  /** Lines entered while no prompt was waiting for one: they run next, in order. */
  const typedAhead: string[] = [];
  let cancel: (() => void) | undefined;
  let closed = false;
  /** Lines printed by the last print(), while nothing else has been printed since. */
  let lastPrinted = 0;
  let interruptedAt = 0;
  /** A single-key answer was just given: the Enter a habit adds after it is not a line of its own. */
  let swallowEnter = false;

  rl.on('line', (line) => {
    lastPrinted = 0;
    if (swallowEnter) {
      swallowEnter = false;
      if (line === '') return;
    }
    const resolve = waiting;
    waiting = undefined;
    if (resolve) resolve(line);
    else typedAhead.push(line);
  });
  rl.on('close', () => {
    closed = true;
    const resolve = waiting;
    waiting = undefined;
    resolve?.(undefined);
  });
  rl.on('SIGINT', () => {
    if (cancel && !waiting) {
      const handler = cancel;
      cancel = undefined;
      output.write('^C\n');
      handler();
      return;
    }
    if (rl.line.length > 0) {
      // As in a shell: Ctrl-C drops the half-typed line.
      output.write('^C\n');
      (rl as Interface & { line: string }).line = '';
      rl.prompt();
      return;
    }
    if (Date.now() - interruptedAt < 3000) {
      options.onInterrupt?.();
      rl.close();
      return;
    }
    interruptedAt = Date.now();
    output.write('\n(press Ctrl-C again, or Ctrl-D, or type /quit to leave)\n');
    rl.prompt();
  });

  const clearPrompt = () => {
    clearLine(output, 0);
    cursorTo(output, 0);
  };

  return {
    interactive: true,
    get width() {
      return Math.min(MAX_WIDTH, Math.max(40, (output.columns ?? 80) - 1));
    },
    get height() {
      return Math.max(10, (output.rows ?? 24) - 2);
    },
    print(text) {
      if (closed) {
        output.write(`${text}\n`);
        return;
      }
      clearPrompt();
      output.write(`${text}\n`);
      lastPrinted = text.split('\n').length;
      // Also while busy (a /wait): what is being typed ahead stays in view.
      if (waiting || rl.line.length > 0) rl.prompt(true);
    },
    rewrite(lines, text) {
      if (closed || lines <= 0 || lines !== lastPrinted || lines >= (output.rows ?? 24) - 2) return false;
      clearPrompt();
      // Up over the lines to replace, clear from there down, print the new version.
      output.write(`\x1b[${lines}A\x1b[J${text}\n`);
      lastPrinted = text.split('\n').length;
      if (waiting) rl.prompt(true);
      return true;
    },
    ask(prompt, askOptions) {
      const ahead = typedAhead.shift();
      if (ahead !== undefined) {
        // Shown after its prompt, as if typed now: the transcript reads in order.
        output.write(`${prompt}${ahead}\n`);
        return Promise.resolve(ahead);
      }
      if (closed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const keys = askOptions?.keys ?? [];
        const answered = (line: string | undefined) => {
          options.input.off('keypress', onKey);
          resolve(line);
        };
        // Runs after readline's own keypress handler (registered first), so the key is in rl.line.
        const onKey = () => {
          if (waiting !== answered) return;
          const typed = rl.line;
          if (typed.length !== 1 || !keys.includes(typed.toLowerCase())) return;
          waiting = undefined;
          (rl as Interface & { line: string; cursor: number }).line = '';
          (rl as Interface & { line: string; cursor: number }).cursor = 0;
          output.write('\n');
          lastPrinted = 0;
          swallowEnter = true;
          answered(typed);
        };
        waiting = answered;
        if (keys.length > 0) {
          swallowEnter = false;
          options.input.on('keypress', onKey);
        }
        rl.setPrompt(prompt);
        rl.prompt();
      });
    },
    onCancel(handler) {
      cancel = handler;
    },
    close() {
      if (!closed) rl.close();
    },
  };
}

function lineTerminal(options: TerminalOptions): Terminal {
  const { output } = options;
  const rl = createInterface({ input: options.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    interactive: false,
    width: PIPE_WIDTH,
    height: PIPE_HEIGHT,
    print(text) {
      output.write(`${text}\n`);
    },
    rewrite() {
      return false;
    },
    async ask(prompt) {
      if (ended) return undefined;
      const next = await lines.next();
      if (next.done) {
        ended = true;
        return undefined;
      }
      // Echo the line after its prompt, so the output reads as the conversation it was.
      output.write(`${prompt}${next.value}\n`);
      return next.value;
    },
    onCancel() {
      // A pipe has no Ctrl-C of its own: the signal ends the process.
    },
    close() {
      rl.close();
    },
  };
}
