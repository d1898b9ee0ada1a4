import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlaygroundTerminal } from './playground-terminal';

/**
 * The playground on a terminal, the small things a first hour runs into: Tab completion of
 * names, long error lines, the confirm prompt, what arrives while a confirmation is open, and
 * help's own example of creating a cluster.
 */
jest.setTimeout(120_000);

/** Types `line`, then Tab as its own key press (a terminal delivers a pasted Tab as text), then Enter. */
async function typeWithTab(pg: PlaygroundTerminal, line: string): Promise<void> {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
  pg.type(line);
  await tick();
  pg.type('\t');
  await tick();
  pg.type('\r');
}

/** The text printed since `mark` (an index into the screen). */
const since = (screen: string, mark: number) => screen.slice(mark);

describe('a terminal session as alice in #web', () => {
  let pg: PlaygroundTerminal;
  beforeAll(async () => {
    pg = new PlaygroundTerminal(['--scenario', 'calm']);
    await pg.waitFor((s) => s.includes('/help lists the rest'));
  });
  afterAll(async () => {
    await pg?.quit();
  });

  it('Tab completes a service, a cluster after -c, a task definition family and a repository name', async () => {
    let mark = pg.screen.length;
    await typeWithTab(pg, '/ecs service we');
    await pg.waitFor((s) => since(s, mark).includes('Deployments') && s.endsWith('› '));
    expect(since(pg.screen, mark)).toContain('⏳ Looking at web');

    mark = pg.screen.length;
    await typeWithTab(pg, '/ecs services -c demo-st');
    await pg.waitFor((s) => since(s, mark).includes('Services in demo-staging') && s.endsWith('› '));

    mark = pg.screen.length;
    await typeWithTab(pg, '/ecs taskdef cr');
    await pg.waitFor((s) => /cron:1/.test(since(s, mark)) && s.endsWith('› '));

    mark = pg.screen.length;
    await typeWithTab(pg, '/ecs images wor');
    await pg.waitFor((s) => since(s, mark).includes('worker · ECR images'));
  });

  it('breaks a long error line between words, within the terminal’s width', async () => {
    const mark = pg.screen.length;
    pg.type('/deploy-everything-now please\r');
    const screen = await pg.waitFor((s) => since(s, mark).includes("lists the playground's own."));

    const error = since(screen, mark).split('\n').slice(1).join('\n');
    const lines = error.split('\n').filter((l) => l.trim() !== '' && !l.includes('›'));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(99);
    // Every word of the message is whole on some line.
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(
      'is not a valid command. In Slack, every message that starts with "/" is a command; this workspace has /ecs.',
    );
  });

  it('answers a button’s confirmation with the n key alone, and an Enter typed after it out of habit is not a line of its own', async () => {
    let mark = pg.screen.length;
    pg.type('/ecs tasks\r');
    const tasks = await pg.waitFor((s) => /\[(\d+)\] Stop…/.test(since(s, mark)));
    const stop = /\[(\d+)\] Stop…/.exec(since(tasks, mark))![1]!;

    mark = pg.screen.length;
    pg.type(`/click ${stop}\r`);
    const asked = await pg.waitFor((s) => /n = Cancel\] $/.test(since(s, mark)));
    expect(since(asked, mark)).not.toContain('then Enter');
    pg.type('n');
    await pg.waitFor((s) => since(s, mark).includes('(cancelled; nothing was sent)') && s.endsWith('› '));

    mark = pg.screen.length;
    pg.type(`/click ${stop}\r`);
    await pg.waitFor((s) => /n = Cancel\] $/.test(since(s, mark)));
    pg.type('n\r');
    await pg.waitFor((s) => since(s, mark).includes('(cancelled; nothing was sent)') && s.endsWith('› '));
    pg.type('/ecs services\r');
    const after = await pg.waitFor((s) => since(s, mark).includes('Services in demo-prod') && s.endsWith('› '));
    // The next prompt takes the next command: no empty line was run in between.
    expect(since(after, mark)).toMatch(/\(cancelled; nothing was sent\)\n@alice in #web › \/ecs services/);
  });

  it('creates a cluster as help’s example does it, with -c demo-staging, and shows ARNs as they are', async () => {
    const mark = pg.screen.length;
    pg.type('/ecs cluster create qa -c demo-staging\r');
    const screen = await pg.waitFor((s) => /Created ECS cluster qa|denied/.test(since(s, mark)));
    await pg.waitFor((s) => since(s, mark).includes('cluster/qa'));

    expect(since(screen, mark)).toContain('Created ECS cluster qa in us-east-1');
    expect(since(pg.screen, mark)).toContain('arn:aws:ecs:us-east-1:111111111111:cluster/qa');
    expect(pg.screen).not.toContain('☁');
  });
});

describe('a confirmation open while a crash loop is being reported in #alerts', () => {
  it('keeps the channel’s updates out of the dialog and shows them once it is answered', async () => {
    const pg = new PlaygroundTerminal(['--scenario', 'crashloop', '--channel', 'alerts']);
    try {
      await pg.waitFor((s) => s.includes('/help lists the rest'));
      let mark = pg.screen.length;
      pg.type('/ecs tasks -c demo-prod --service web\r');
      const tasks = await pg.waitFor((s) => /\[(\d+)\] Stop…/.test(since(s, mark)));
      const stop = /\[(\d+)\] Stop…/.exec(since(tasks, mark))![1]!;
      // The crash loop's message in #alerts is posted and updated about once a simulated minute.
      await pg.waitFor((s) => s.includes('worker: '));

      mark = pg.screen.length;
      pg.type(`/click ${stop}\r`);
      await pg.waitFor((s) => /n = Cancel\] $/.test(since(s, mark)));
      // Three simulated minutes with the dialog open (a real second each at 60×).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const whileOpen = since(pg.screen, mark);
      pg.type('n\r');
      const after = await pg.waitFor((s) => /cancelled; nothing was sent[\s\S]*ecs-chatops/.test(since(s, mark)));

      expect(whileOpen).not.toMatch(/ecs-chatops {2}|◆/);
      expect(since(after, mark).indexOf('ecs-chatops  ')).toBeGreaterThan(
        since(after, mark).indexOf('cancelled; nothing was sent'),
      );
    } finally {
      await pg.quit();
    }
  });
});

describe('Tab completion after a repository was deleted', () => {
  it('no longer offers the deleted repository: names come from the account as it is now, not as it was seeded', async () => {
    // The demo config, with alice admin on demo-prod too (cron is demo-prod's repository).
    const config = readFileSync(join(__dirname, '..', '..', 'config', 'playground.yaml'), 'utf8').replace(
      'access: { demo-prod: operate, demo-staging: admin }',
      'access: { "*": admin }',
    );
    const path = join(mkdtempSync(join(tmpdir(), 'ecs-chatops-')), 'playground.yaml');
    writeFileSync(path, config);
    const pg = new PlaygroundTerminal(['--scenario', 'calm', '--config', path]);
    try {
      await pg.waitFor((s) => s.includes('/help lists the rest'));
      let mark = pg.screen.length;
      pg.type('/ecs repo delete cron\r');
      const asked = await pg.waitFor((s) => /\[(\d+)\] Approve…/.test(since(s, mark)));
      const approve = /\[(\d+)\] Approve…/.exec(since(asked, mark))![1]!;
      pg.type('/as bob\r');
      mark = pg.screen.length;
      pg.type(`/click ${approve}\r`);
      await pg.waitFor((s) => /n = Cancel\] $/.test(since(s, mark)));
      pg.type('y');
      await pg.waitFor((s) => since(s, mark).includes('Repository cron deleted') && s.endsWith('› '));

      mark = pg.screen.length;
      await typeWithTab(pg, '/ecs images cr');
      const answer = await pg.waitFor((s) => /⚠️|images of cron/.test(since(s, mark)) && s.endsWith('› '));

      // Sent as typed, and answered about "cr": Tab had no cron to offer any more.
      expect(since(answer, mark)).toMatch(/^\/ecs images cr\s/);
      expect(since(answer, mark)).toContain('Listing the images of cr…');
      expect(since(answer, mark)).not.toContain('images cron');
    } finally {
      await pg.quit();
    }
  });
});
