import { PlaygroundProcess } from './playground-process';

/**
 * Every button of every view, pressed once through `npm start` driven as a pipe: each view is
 * asked for afresh before each click (a click may replace the message it was on), and the
 * button is pressed by the number the view showed. A confirm dialog is answered yes, a form is
 * closed with /cancel.
 */
jest.setTimeout(600_000);

const VIEWS = [
  '/ecs clusters',
  '/ecs cluster demo-prod',
  '/ecs instances',
  '/ecs service web',
  '/ecs tasks',
  '/ecs tasks --stopped',
  '/ecs taskdefs',
  '/ecs taskdef worker',
  '/ecs repos',
  '/ecs logs worker',
];

/** The buttons of the last message a command printed: `[N] Label`. */
function buttonsIn(output: string): { n: string; label: string }[] {
  return [...output.matchAll(/\[(\d+)\] ([^[\n]+?)(?= {2}\[|\n|$)/g)].map((m) => ({ n: m[1]!, label: m[2]!.trim() }));
}

describe('every button of every view, pressed once in the playground', () => {
  let pg: PlaygroundProcess;
  beforeAll(async () => {
    pg = await PlaygroundProcess.start(['--scenario', 'calm', '--user', 'bob']);
  });
  afterAll(() => pg?.kill());

  it.each(VIEWS)('%s: each of its buttons reaches the bot and is answered', async (view) => {
    const first = buttonsIn(await pg.say(view));
    expect(first.length).toBeGreaterThan(0);

    for (const [i] of first.entries()) {
      const button = buttonsIn(await pg.say(view))[i];
      if (!button) continue; // the view has fewer buttons now (a task was stopped by an earlier click)
      const answers = button.label.endsWith('…') ? ['y'] : button.label.startsWith('Scale') ? ['/cancel'] : [];

      const seen = await pg.say(`/click ${button.n}`, ...answers);

      expect({ button, seen }).toEqual({
        button,
        seen: expect.not.stringMatching(/is no longer there|There is no button|went wrong in the playground/),
      });
      // Below the echoed click: what the bot (or the form) answered.
      expect(seen.split('\n').slice(1).join('\n').trim()).not.toBe('');
    }
  });
});
