import { startHarness, type Harness } from '../../testbed/harness';
import { testAccount } from '../../testbed/accounts';
import { CHANNELS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import type { AccountSeed } from '../../src/sandbox/seed';

/** testAccount() plus `edge` on prod: web-fixed (host port 80), 2 tasks on the 2 instances. */
function account(): AccountSeed {
  const seed = testAccount();
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push({ name: 'edge', taskDefinition: 'web-fixed', desiredCount: 2 });
  return seed;
}

/** What the live message says the command's follow-up found: its text after the phase line. */
function finding(live: { text: string }): string | undefined {
  const at = live.text.indexOf(' · ');
  return at < 0 ? undefined : live.text.slice(at + ' · '.length);
}

describe('placement failures are explained with what the bot knows, and never with a zero count', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('a deploy that cannot place its tasks says how many new tasks could not be placed and why: the fixed port, held by the old tasks on every instance', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 3_000 });
    const scaled = await h.command('scale edge 3');
    expect(scaled.replies[1]?.text).toBe(
      'edge in prod: 1 of 3 could not be placed: port 80 is already used on all 2 instances. Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.',
    );
    const deployed = await h.command('deploy edge --image nginx:1.28');
    // The deployment's live message in prod's channel is the follow-up: the command gets only the announcement.
    expect(deployed.replies).toHaveLength(1);
    const live = liveMessage(h, CHANNELS.alerts);
    expect(finding(live)).toBe(
      'edge in prod: 3 of 3 new tasks of web-fixed:2 could not be placed: port 80 is already used on all 2 instances. The old tasks hold it until new ones run, so a rolling deployment with a fixed host port needs a free instance (or a minimum healthy percent below 100). Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances. 2 old tasks still running.',
    );
    expect(live.blocks).toContain('3 of 3 new tasks of `web-fixed:2` could not be placed');
    expect(live.blocks).toContain('ECS: (service edge) was unable to place a task');
  });

  it('the sandbox reports the placement failure again after an update, as ECS does once the cause changes, and not on every retry', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 3_000 });
    await h.command('scale edge 3');
    const placementEvents = () =>
      h.sandbox.world.service('prod', 'edge').events.filter((e) => /unable to place a task/.test(e.message)).length;
    expect(placementEvents()).toBe(1);
    h.sandbox.tick();
    expect(placementEvents()).toBe(1);
    await h.command('deploy edge --image nginx:1.28');
    expect(placementEvents()).toBe(2);
  });

  it('a deploy whose placement failure ECS does not report again (a duplicate within six hours) still ends with why, from the earlier event, not "still 2/3 running"', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 1_500 });
    await h.command('scale edge 3');
    // ECS omits a repeated service event "until either the cause is resolved or six hours passes"
    // (Developer Guide, "Service event messages"): here the sandbox keeps remembering the first
    // failure through the update, so the deploy brings no new "unable to place" event.
    const record = h.sandbox.world.service('prod', 'edge');
    let remembered = record.lastPlacementFailure;
    Object.defineProperty(record, 'lastPlacementFailure', {
      get: () => remembered,
      set: (value: typeof remembered) => {
        if (value) remembered = value;
      },
    });
    const placementEvents = () => record.events.filter((e) => /unable to place a task/.test(e.message)).length;

    const deployed = await h.command('deploy edge --image nginx:1.28');

    expect(placementEvents()).toBe(1);
    expect(deployed.replies).toHaveLength(1);
    expect(finding(liveMessage(h, CHANNELS.alerts))).toMatch(
      /^edge in prod: 3 of 3 new tasks of web-fixed:2 could not be placed: port 80 is already used on all 2 instances\./,
    );
    // Neither the command's reply nor any version of the live message (posted, then edited) said it timed out.
    const liveVersions = h.slack.calls
      .filter((c) => ['chat.postMessage', 'chat.update'].includes(c.method) && c.args.channel === CHANNELS.alerts)
      .map((c) => String(c.args.text));
    expect(liveVersions.length).toBeGreaterThan(0);
    expect([deployed.seen, ...liveVersions].join('\n')).not.toMatch(/still \d+\/\d+ running/);
  });

  it('scaling down a service that could not place a task says it settled, never "0 of N could not be placed"', async () => {
    // While the follow-up waits for the counts to stay right, the placement event is still the newest.
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 3_000, followUpSteadyMs: 400 });
    await h.command('scale edge 3');
    const down = await h.command('scale edge 2');
    expect(down.seen).not.toMatch(/\b0 of \d+ could not be placed/);
    expect(down.replies[1]?.text).toBe('edge in prod: 2/2 running');
  });
});
