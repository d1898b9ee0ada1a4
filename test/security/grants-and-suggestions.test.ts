import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';

/**
 * What a refusal may reveal, and how grants combine, through signed requests. On top of
 * testbed/config.ts:
 * - team `mostly` grants operate on every cluster but only read on prod (`{ "*": operate, prod: read }`);
 *   max is in it alone, and pat is in it and in `web` (operate on prod);
 * - nobody (U0NOBODY) is in no team; rita (team readers) may read prod only.
 */
const MAX = 'U0MAX';
const PAT = 'U0PAT';
function config() {
  return testConfig(
    testConfigYaml()
      .replace('teams:\n', `teams:\n  mostly:\n    users: [${MAX}, ${PAT}]\n    access: { "*": operate, prod: read }\n`)
      .replace(`    users: [${USERS.carol}]`, `    users: [${USERS.carol}, ${PAT}]`),
  );
}

describe('what a user is told about clusters they cannot use', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: config() });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a user in no team who misspells a cluster gets no "did you mean", only how to get access, and no AWS call is made', async () => {
    for (const text of ['services -c prdo', 'services -c stagign', 'services -c prod', 'cluster prdo']) {
      const result = await h.command(text, { user: USERS.nobody, channel: CHANNELS.ops });
      expect(result.ack.text).toMatch(/^Sorry, you're not in any team/);
      expect(result.seen).not.toMatch(/Did you mean|prod|staging/);
    }
    expect(h.sandbox.calls).toEqual([]);
  });

  it('a reader of prod only who misspells staging is not pointed at staging, but a misspelt prod still gets "did you mean"', async () => {
    const staging = await h.command('services -c stagign', { user: USERS.rita, channel: CHANNELS.ops });
    expect(staging.ack.text).toContain('There is no cluster called `stagign` in the config.');
    expect(staging.seen).not.toContain('staging`');
    expect(staging.ack.text).toContain('Your clusters: `prod`.');
    const prod = await h.command('services -c prdo', { user: USERS.rita, channel: CHANNELS.ops });
    expect(prod.ack.text).toContain('Did you mean `prod`?');
    expect(h.sandbox.calls).toEqual([]);
  });
});

describe('how grants combine', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: config() });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('within one team a grant for prod beats "*": read on prod refuses scale there and changes nothing', async () => {
    const result = await h.command('scale web 2 -c prod', { user: MAX, channel: CHANNELS.ops });
    expect(result.ack.text).toMatch(
      /`scale` needs \*operate\* on \*prod\*, but you have \*read\* there \(team mostly\)/,
    );
    expect(h.sandbox.mutations()).toEqual([]);
    // Read is still read: the same user may look at prod.
    const read = await h.command('services -c prod', { user: MAX, channel: CHANNELS.ops });
    expect(read.seen).toContain('Services in prod');
  });

  it('the same team’s "*" still grants operate on a cluster it does not name', async () => {
    const result = await h.command('scale web 2 -c staging', { user: MAX, channel: CHANNELS.ops });
    expect(result.seen).toContain('web in staging: desired 1 → 2');
    expect(h.sandbox.mutations().map((c) => c.action)).toContain('UpdateService');
  });

  it('across teams the highest level wins: a second team’s operate on prod lets scale run', async () => {
    const result = await h.command('scale web 2 -c prod', { user: PAT, channel: CHANNELS.ops });
    expect(result.seen).toContain('web in prod: desired');
    expect(h.sandbox.mutations().map((c) => c.action)).toContain('UpdateService');
  });

  it('whoami shows read on prod for the team that grants read there and operate everywhere else', async () => {
    const result = await h.command('whoami', { user: MAX, channel: CHANNELS.ops });
    expect(result.seen).toContain('*prod*: *read* (team mostly)');
    expect(result.seen).toContain('*staging*: *operate* (team mostly)');
  });
});
