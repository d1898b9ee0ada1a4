import { PassThrough } from 'node:stream';
import { createTerminal } from '../../src/playground/terminal';

/** The line editor on a terminal (streams that say they are one), and the line reader on a pipe. */

function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let written = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  const terminal = createTerminal({ input, output });
  return { terminal, input, written: () => written, clear: () => (written = '') };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('on a terminal', () => {
  it('prints what arrives while you type above the prompt, and keeps your half-typed line', async () => {
    const { terminal, input, written, clear } = fakeTerminal();
    const answer = terminal.ask('> ');
    input.write('/ecs ser');
    await tick();
    clear();

    terminal.print('ecs-chatops: a notification');
    await tick();

    // The prompt line is cleared (erase line, column 1), the text printed, then the prompt drawn again.
    expect(written().startsWith('\u001b[2K\u001b[1Gecs-chatops: a notification\n')).toBe(true);
    expect(written()).toMatch(/> .*\/ecs ser/);
    input.write('vices\r');
    expect(await answer).toBe('/ecs services');
    terminal.close();
  });

  it('replaces the last message in place when nothing was printed after it, and not otherwise', async () => {
    const { terminal, written, clear } = fakeTerminal();
    terminal.print('\nline 1\nline 2');
    clear();

    expect(terminal.rewrite(3, '\nline 1\nline 2, updated')).toBe(true);
    expect(written()).toContain('\x1b[3A\x1b[J\nline 1\nline 2, updated\n');

    terminal.print('something else');
    expect(terminal.rewrite(3, '\nagain')).toBe(false);
    terminal.close();
  });

  it('drops a half-typed line on Ctrl-C, and leaves on a second Ctrl-C at an empty prompt', async () => {
    const { terminal, input } = fakeTerminal();
    const answer = terminal.ask('> ');
    input.write('/ecs scale');
    input.write('\x03');
    await tick();
    input.write('\x03');
    await tick();
    input.write('\x03');

    expect(await answer).toBeUndefined();
  });
});

describe('on a pipe', () => {
  it('reads one line at a time, echoes it after its prompt, and says when input has ended', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
    const terminal = createTerminal({ input, output });
    input.end('/ecs services\n/quit\n');

    expect(terminal.interactive).toBe(false);
    expect(await terminal.ask('@alice in #web › ')).toBe('/ecs services');
    expect(await terminal.ask('@alice in #web › ')).toBe('/quit');
    expect(await terminal.ask('@alice in #web › ')).toBeUndefined();
    expect(written).toBe('@alice in #web › /ecs services\n@alice in #web › /quit\n');
    expect(terminal.rewrite(1, 'x')).toBe(false);
  });
});
