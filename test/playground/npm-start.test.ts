import { PlaygroundProcess } from './playground-process';

/**
 * `npm start` with nothing configured, driven the way a new user drives it: a child process with
 * no Slack token, its input a pipe. Each describe block is one session; its tests run in order
 * and continue the same conversation, as a person would.
 */
jest.setTimeout(120_000);

// The escape character that starts every colour code: none belongs in output that goes to a pipe.
const ESCAPE = '\u001b';

describe('npm start with no Slack token: a first session as alice', () => {
  let pg: PlaygroundProcess;
  beforeAll(async () => {
    pg = await PlaygroundProcess.start();
  });
  afterAll(() => pg?.kill());

  it('says where you are: the simulated account, its clusters and services, who you are, the channel, and three commands to try', () => {
    const banner = pg.stdout;
    expect(banner).toContain('ecs-chatops playground');
    expect(banner).toMatch(/AWS account 111111111111 \(us-east-1, simulated; time runs 60× faster\)/);
    expect(banner).toMatch(/demo-prod\s+web 1\/1 · worker 2\/2 · cron 1\/1 · 2 EC2 instances · web takes host port 80/);
    expect(banner).toMatch(/demo-staging\s+web 1\/1 · worker 1\/1 · 1 EC2 instance/);
    expect(banner).toContain('You are @alice (team web: operate on demo-prod, admin on demo-staging)');
    expect(banner).toContain('in #web, where commands use demo-prod unless you add -c CLUSTER');
    expect(banner).toContain('also here: @bob (team platform: admin on every cluster, approves)');
    expect(banner).toMatch(/\/ecs services\s+what runs in demo-prod/);
    expect(banner).toMatch(/\/ecs scale web 3\s+and watch the follow-up: port 80 fits once per instance/);
    expect(banner).toMatch(/\/ecs teardown demo-staging\s+then \/as bob and \/click its Approve button/);
    expect(banner).toMatch(/\/ecs audit\s+demo-prod against ECS best practice: details in a thread/);
  });

  it('prints no colour codes when its output is not a terminal', () => {
    expect(pg.stdout).not.toContain(ESCAPE);
  });

  it('answers /ecs services with the services of demo-prod, visible only to alice', async () => {
    const seen = await pg.say('/ecs services');

    expect(seen).toContain('@alice in #web › /ecs services');
    expect(seen).toMatch(/ecs-chatops {2}\d\d:\d\d · only visible to you\n {2}Services in demo-prod/);
    expect(seen).toMatch(/web — 1\/1 running/);
    expect(seen).toMatch(/worker — 2\/2 running/);
    expect(seen).toMatch(/cron — 1\/1 running/);
  });

  it('audits demo-prod: the summary in the channel, SSH open to the world first, and the details in its thread', async () => {
    const seen = await pg.say('/ecs audit');

    expect(seen).toMatch(/ecs-chatops {2}\d\d:\d\d\n {2}Audit of demo-prod · us-east-1\n {2}🔴 1 high/);
    expect(seen).toMatch(/🔴 security group sg-\w+ \(ssh-anywhere\): SSH \(22\) open to the whole/);
    expect(seen).toContain('↳ in the thread of «Audit of demo-prod:');
    expect(seen).toMatch(/Why it matters: Anyone can reach it/);
  });

  it('scales web to 3 in the channel, then follows up: one of three cannot be placed because port 80 is taken on both instances', async () => {
    const seen = await pg.say('/ecs scale web 3');

    expect(seen).toContain('only visible to you\n  ⏳ Looking up web to scale it to 3');
    // The change itself is for the whole channel (no "only visible" label).
    expect(seen).toMatch(/ecs-chatops {2}\d\d:\d\d\n {2}web in demo-prod: desired 1 → 3/);
    expect(seen).toMatch(/web in demo-prod: 1 of 3 could not be placed: port 80 is already used on all 2\s+instances/);
  });

  it('scales back with the Scale button: its form is asked on the prompt and the service settles at 2/2', async () => {
    const detail = await pg.say('/ecs service web');
    const scale = /\[(\d+)\] Scale\b/.exec(detail)?.[1];
    expect(scale).toBeDefined();

    const seen = await pg.say(`/click ${scale}`, '2');

    expect(seen).toContain('┌ Scale service');
    expect(seen).toMatch(/│ Desired count \[3\]: 2/);
    expect(seen).toContain('web in demo-prod: desired 3 → 2');
    expect(seen).toContain('web in demo-prod: 2/2 running');
  });

  it('asks for a teardown of demo-staging: the plan is posted in the channel with Approve, Deny and Cancel', async () => {
    const seen = await pg.say('/ecs teardown demo-staging');

    expect(seen).toContain('Teardown of demo-staging — approval needed');
    expect(seen).toContain('2 services to scale to 0 and delete: web (1/1), worker (1/1)');
    expect(seen).toContain('1 EC2 instance to terminate');
    expect(seen).toMatch(/\[\d+\] Approve…\s+\[\d+\] Deny ⚠\s+\[\d+\] Cancel \(requester\)/);
  });

  it('does not let alice approve her own request', async () => {
    const seen = await pg.say('/click approve', 'y');

    expect(seen).toContain('┌ Approve?');
    expect(seen).toContain('You asked for this, so someone else has to approve it');
    expect(seen).not.toContain('Teardown finished');
  });

  it('lets bob approve it after /as bob, and the message turns into a progress list that ends in a summary', async () => {
    const who = await pg.say('/as bob');
    expect(who).toContain('You are now @bob (team platform: admin on every cluster, approves), in #web.');

    const request = pg.stdout.match(/\[(\d+)\] Approve…/g)!;
    const approve = /\d+/.exec(request[request.length - 1]!)![0];
    const seen = await pg.say(`/click ${approve}`, 'y');

    expect(seen).toContain('@bob in #web › /click');
    expect(seen).toContain('↻ updated');
    expect(seen).toContain('Approved by @bob');
    expect(seen).toMatch(/✅ Delete cluster demo-staging/);
    expect(seen).toMatch(
      /✅ Teardown finished in .*2 services deleted, 1 container instance deregistered, 1\s+EC2 instance terminated, the cluster deleted/,
    );
  });

  it('keeps the numbers of buttons that are gone, and says so when one is pressed', async () => {
    const request = pg.stdout.match(/\[(\d+)\] Deny ⚠/g)!;
    const deny = /\d+/.exec(request[request.length - 1]!)![0];

    const seen = await pg.say(`/click ${deny}`);

    expect(seen).toContain(`Button [${deny}] is no longer there`);
  });

  it('exits with 0 when its input ends, having stopped everything it started', async () => {
    const code = await pg.end();

    expect(code).toBe(0);
    expect(pg.stderr).toBe('');
  });
});

describe('npm start --scenario crashloop: notifications', () => {
  let pg: PlaygroundProcess;
  beforeAll(async () => {
    pg = await PlaygroundProcess.start(['--scenario', 'crashloop']);
  });
  afterAll(() => pg?.kill());

  it('tells alice in #web in one line that something arrived in #alerts', async () => {
    // The crash loop has been going on for the seeded ten minutes, so ECS's restart back-off is
    // up to 5 minutes by now: six minutes always hold a crash, wherever the wait starts.
    const seen = await pg.say('/wait 6m');

    expect(seen).toMatch(/◆ new in #alerts: worker: task stopped — essential container exited/);
  });

  it('shows the crash in #alerts as Slack would: the stopped worker task, exit 137, and its buttons', async () => {
    const seen = await pg.say('/channel #alerts');

    expect(seen).toContain('You are in #alerts (notifications of demo-prod arrive here).');
    expect(seen).toMatch(/worker: (\d+ tasks|task) stopped/);
    expect(seen).toContain('exit 137 — killed (SIGKILL) — often out of memory');
    expect(seen).toMatch(/\[\d+\] Logs\s+\[\d+\] Task details\s+\[\d+\] Restart service…\s+\[\d+\] Mute 1 h/);
  });

  it('keeps counting the crash loop in the same message, with the detail in its thread', async () => {
    const seen = await pg.say('/wait 10m');

    expect(seen).toContain('↻ updated');
    const counts = [...seen.matchAll(/worker: (\d+) tasks stopped in/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
    expect(seen).toMatch(/↳ in the thread of «worker: /);
  });

  it('has working buttons: Logs shows the task’s last lines, and Mute 1 h mutes the worker’s notifications in the thread', async () => {
    const logs = await pg.say('/click logs');
    const mute = await pg.say('/click mute');

    expect(logs).toContain('worker: killed by the OOM killer, exit code 137');
    expect(mute).toMatch(
      /↳ in the thread of «worker: .*»\n.*demo-prod\/worker notifications muted by @alice until \d\d:\d\d UTC/,
    );
  });

  it('exits with 0 when its input ends', async () => {
    expect(await pg.end()).toBe(0);
  });
});

describe('npm start at 3600× speed', () => {
  it('keeps working after simulated hours, when the role sessions it started with have long expired', async () => {
    const pg = await PlaygroundProcess.start(['--scenario', 'calm', '--speed', '3600']);
    try {
      await pg.say('/ecs services');
      await pg.say('/wait 3h');

      const seen = await pg.say('/ecs services');

      expect(seen).toContain('Services in demo-prod');
      expect(seen).not.toMatch(/expired|ExpiredToken|could not/i);
      expect(await pg.end()).toBe(0);
    } finally {
      pg.kill();
    }
  });
});

describe('npm start flags', () => {
  it('--help explains the flags and the chat commands, and exits 0', async () => {
    const { code, stdout } = await PlaygroundProcess.run(['--help']);

    expect(code).toBe(0);
    for (const flag of ['--config FILE', '--scenario NAME', '--speed N', '--no-color', '--user NAME', '--channel NAME'])
      expect(stdout).toContain(flag);
    for (const command of ['/click N', '/as NAME', '/channel NAME', '/wait']) expect(stdout).toContain(command);
    expect(stdout).toContain('With a Slack app instead');
  });

  it('a flag it does not know is named, with where to look, and nothing starts', async () => {
    const { code, stdout, stderr } = await PlaygroundProcess.run(['--sped', '10']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain("Unknown option '--sped'");
    expect(stderr).toContain('npm start -- --help lists the options');
  });

  it('--user and --channel choose who and where you are; a scenario that does not exist lists those that do', async () => {
    const bob = await PlaygroundProcess.run(
      ['--user', 'bob', '--channel', 'alerts', '--scenario', 'calm'],
      '/ecs whoami\n',
    );
    const missing = await PlaygroundProcess.run(['--scenario', 'meltdown']);

    expect(bob.code).toBe(0);
    expect(bob.stdout).toContain('You are @bob (team platform: admin on every cluster, approves)');
    expect(bob.stdout).toContain('@bob in #alerts › /ecs whoami');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no scenario "meltdown". Scenarios: calm, crashloop, demo');
  });
});
