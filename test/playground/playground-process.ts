import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * `npm start` as a new user runs it: `tsx src/entry/local.ts` in a child process, with no Slack
 * token in its environment and its standard input a pipe. `say` types lines and returns what
 * the playground printed for them: each line is followed by a `#` comment (which the playground
 * echoes and ignores) and the output ends where that comment's echo begins — the playground reads
 * the next line only once the work of the previous one is done.
 */
export class PlaygroundProcess {
  private output = '';
  private errors = '';
  private marks = 0;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  private constructor(args: string[], env: Record<string, string | undefined>) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('SLACK_') && k !== 'CHATOPS_CONFIG' && k !== 'LOG_LEVEL',
      ),
    );
    this.child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'entry', 'local.ts'), ...args],
      {
        cwd: ROOT,
        env: { ...clean, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.errors += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Starts it and waits for the banner to end. */
  static async start(args: string[] = [], env: Record<string, string | undefined> = {}): Promise<PlaygroundProcess> {
    const pg = new PlaygroundProcess(args, env);
    await pg.waitFor((out) => out.includes('/help lists the rest'), 60_000);
    return pg;
  }

  /** Starts it for a run that ends by itself (--help, a bad flag). */
  static run(
    args: string[],
    input = '',
    env: Record<string, string | undefined> = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const pg = new PlaygroundProcess(args, env);
    pg.child.stdin.end(input);
    return pg.exited.then((code) => ({ code, stdout: pg.output, stderr: pg.errors }));
  }

  get stdout(): string {
    return this.output;
  }

  get stderr(): string {
    return this.errors;
  }

  /** Types `lines` (a command, then any answers it asks for) and returns what was printed for them. */
  async say(...lines: string[]): Promise<string> {
    this.marks += 1;
    const mark = `# mark ${this.marks}`;
    const from = this.output.length;
    this.child.stdin.write(`${lines.join('\n')}\n${mark}\n`);
    await this.waitFor((out) => out.slice(from).includes(mark), 60_000);
    const chunk = this.output.slice(from);
    // Up to the start of the line that echoes the mark.
    return chunk.slice(0, chunk.lastIndexOf('\n', chunk.indexOf(mark)) + 1);
  }

  /** Ends its input, as Ctrl-D or the end of a script does; resolves with the exit code. */
  async end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private waitFor(done: (out: string) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        if (done(this.output)) return resolve();
        if (this.child.exitCode !== null)
          return reject(new Error(`the playground exited (${this.child.exitCode}):\n${this.output}\n${this.errors}`));
        if (Date.now() - started > timeoutMs)
          return reject(
            new Error(
              `timed out; the playground printed:\n${this.output.slice(-3000)}\nstderr:\n${this.errors.slice(-2000)}`,
            ),
          );
        setTimeout(check, 50);
      };
      check();
    });
  }
}
