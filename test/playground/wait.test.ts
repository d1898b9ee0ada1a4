import { PlaygroundProcess } from './playground-process';
import { PlaygroundTerminal } from './playground-terminal';

/** `/wait`: simulated time jumps ahead instead of passing in real time, and can be cancelled. */
jest.setTimeout(180_000);

describe('/wait on a terminal', () => {
  let pg: PlaygroundTerminal;
  beforeAll(async () => {
    pg = new PlaygroundTerminal(['--scenario', 'crashloop']);
    await pg.waitFor((s) => s.includes('/help lists the rest'));
  });
  afterAll(async () => {
    await pg?.quit();
  });

  it('stops at once on Ctrl-C, and what was typed during the wait runs after it, in order', async () => {
    pg.type('/wait 7d\r');
    await pg.waitFor((s) => s.includes('Ctrl-C stops the clock where it is'));
    // A crash loop's worth of simulated time passes while the lines below are typed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    pg.type('/ecs whoami\r');
    pg.type('/as bob\r');
    pg.type('\x03');

    const screen = await pg.waitFor((s) => s.includes('You are now @bob'));
    const after = screen.slice(screen.indexOf('/wait 7d'));

    expect(after).toMatch(
      /\(wait cancelled: .+ of 168 h passed; simulated time goes on from there at the usual pace\)/,
    );
    expect(after).not.toMatch(/wait cancelled: 168 h of 168 h/);
    const cancelled = after.indexOf('wait cancelled');
    const whoami = after.indexOf('› /ecs whoami');
    const bob = after.indexOf('› /as bob');
    expect(cancelled).toBeGreaterThan(0);
    expect(whoami).toBeGreaterThan(cancelled);
    expect(bob).toBeGreaterThan(whoami);
    expect(after.slice(whoami, bob)).toContain('Who am I');
    // What arrived elsewhere meanwhile is summed up once, when the clock stops.
    expect(after.slice(0, whoami)).toMatch(/◆ (\d+ )?new in #alerts/);
  });
});

describe('/wait through a pipe', () => {
  it('lets a simulated day pass in seconds, with the account and the bot going on meanwhile; /channel then replays the last screenful', async () => {
    const pg = await PlaygroundProcess.start();
    try {
      // At the default 60× a day would take 24 real minutes, far beyond this test's timeout.
      const seen = await pg.say('/wait 24h');
      const after = await pg.say('/ecs tasks');

      expect(seen).toContain('(24 h pass in the simulated account…)');
      // A day of OOM kills in #alerts is one line in #web, not one line each.
      expect(seen).toMatch(/◆ \d+ new in #alerts meanwhile, the latest: worker: /);
      expect(seen.match(/◆/g)).toHaveLength(1);
      expect(after).toMatch(/web:1 · RUNNING for (2\dh|1d)/);
      expect(after).not.toMatch(/expired|ExpiredToken/i);

      const alerts = await pg.say('/channel #alerts');
      expect(alerts).toMatch(/\(\d+ older messages above; this is the last screenful\)/);
      // A screenful of a transcript is 40 lines, give or take the message that crosses it.
      expect(alerts.split('\n').length).toBeLessThan(80);
      // Each message under its own time: a day of crashes is not all stamped with one minute.
      const times = new Set([...alerts.matchAll(/^ *ecs-chatops {2}(\d\d:\d\d)/gm)].map((m) => m[1]));
      expect(times.size).toBeGreaterThan(1);
      expect(await pg.end()).toBe(0);
    } finally {
      pg.kill();
    }
  });
});
