import { PassThrough } from 'node:stream';
import { runPlayground } from '../../src/playground';

/**
 * The playground on a terminal, as a person at the keyboard has it: `runPlayground` with input
 * and output that say they are a TTY (so the line editor, Ctrl-C and Tab are live), keys typed
 * as bytes (`\r` is Enter, `\x03` Ctrl-C, `\t` Tab). Output has no colour (--no-color).
 */
export class PlaygroundTerminal {
  private output = '';
  readonly exited: Promise<number>;
  private readonly input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => this.input });

  constructor(args: string[] = []) {
    // As npm start does (src/entry/local.ts): the SDK's Node 22 notice is not for playground users.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 40 });
    stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    const stderr = new PassThrough();
    this.exited = runPlayground({ argv: ['--no-color', ...args], stdin: this.input, stdout, stderr, noColor: true });
  }

  /** Everything printed, with the line editor's cursor and erase codes removed. */
  get screen(): string {
    // eslint-disable-next-line no-control-regex
    return this.output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  }

  type(keys: string): void {
    this.input.write(keys);
  }

  async waitFor(test: (screen: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const started = Date.now();
    while (!test(this.screen)) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out; the screen shows:\n${this.screen.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.screen;
  }

  async quit(): Promise<number> {
    this.type('/quit\r');
    return this.exited;
  }
}
