import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { apiGatewayEvent, sign, slashCommandBody } from '../../testbed/slack-requests';

describe('/ecs scale, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('an operator scales web to 2 and is told when 2/2 are running', async () => {
    const result = await h.command('scale web 2');
    expect(result.status).toBe(200);
    expect(result.ack.text).toContain('Looking up web to scale it to 2');
    expect(result.replies[0]?.text).toBe('web in prod: desired 1 → 2');
    expect(result.replies[0]?.response_type).toBe('in_channel');
    expect(result.replies[1]?.text).toBe('web in prod: 2/2 running');
    const updates = h.sandbox.callsTo('ecs:UpdateService');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.params).toMatchObject({ cluster: 'prod', service: 'web', desiredCount: 2 });
    expect(updates[0]!.principal).toMatchObject({
      kind: 'assumed',
      roleArn: roleArn('prod', 'operate'),
      sourceIdentity: USERS.alice,
    });
  });

  it('every AWS call is made with the assumed role of that cluster and level, never the bot’s own credentials', async () => {
    await h.command('scale web 2');
    const assumes = h.sandbox.callsTo('sts:AssumeRole');
    expect(assumes).toHaveLength(1);
    expect(assumes[0]!.params).toMatchObject({
      RoleArn: roleArn('prod', 'operate'),
      SourceIdentity: USERS.alice,
      RoleSessionName: `slack-${USERS.alice}`,
    });
    const nonSts = h.sandbox.calls.filter((c) => c.service !== 'sts');
    expect(nonSts.length).toBeGreaterThan(0);
    expect(
      nonSts.every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('prod', 'operate')),
    ).toBe(true);
    const tags = nonSts[0]!.principal.kind === 'assumed' ? nonSts[0]!.principal.tags : {};
    expect(tags).toMatchObject({ 'slack-user': USERS.alice, 'slack-workspace': 'T0TEST', 'chatops-team': 'web' });
  });

  it('credentials are reused for a second command by the same user on the same role', async () => {
    await h.command('scale web 2');
    await h.command('scale web 1');
    expect(h.sandbox.callsTo('sts:AssumeRole')).toHaveLength(1);
  });

  it('user-group membership is read from Slack once and then cached, not on every command', async () => {
    await h.command('scale web 2');
    await h.command('scale web 1');
    await h.command('whoami', { user: USERS.bob });
    // One usergroups.users.list per group the config names (S0WEB, S0PLATFORM), whatever the number of commands.
    expect(
      h.slack
        .callsTo('usergroups.users.list')
        .map((c) => c.args.usergroup)
        .sort(),
    ).toEqual(['S0PLATFORM', 'S0WEB']);
  });

  it('a fixed host port on the only instance, scaled to 2: the follow-up names the port conflict', async () => {
    const result = await h.command('scale web 2 -c staging');
    expect(result.replies[0]?.text).toBe('web in staging: desired 1 → 2');
    expect(result.replies[1]?.text).toBe(
      'web in staging: 1 of 2 could not be placed: port 80 is already used on the only instance. Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.',
    );
    expect(JSON.stringify(result.replies[1]?.blocks)).toMatch(/already using a port required by your task/);
  });

  it('a read-only user who types scale is refused, told the level and team, and nothing is changed', async () => {
    const result = await h.command('scale web 2', { user: USERS.rita });
    expect(result.status).toBe(200);
    expect(result.ack.text).toMatch(
      /`scale` needs \*operate\* on \*prod\*, but you have \*read\* there \(team readers\)\. Teams that grant operate on prod: web, platform/,
    );
    expect(result.replies).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a user in no team gets a polite refusal and no AWS call is made', async () => {
    const result = await h.command('scale web 2', { user: USERS.nobody, channel: CHANNELS.ops });
    expect(result.ack.text).toMatch(/^Sorry, you're not in any team/);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it.each(['scale web two', 'scale web -1', 'scale'])('"%s" gets usage help and makes no AWS call', async (text) => {
    const result = await h.command(text);
    expect(result.ack.text).toContain('/ecs scale SVC N');
    expect(result.ack.text).toContain('Example');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('an unknown service gets a reply naming the cluster and the services that do exist', async () => {
    const result = await h.command('scale wbe 2');
    expect(result.replies[0]?.text).toMatch(
      /There is no service wbe in prod\. Did you mean web\? Services there: api, web\./,
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a tampered signature is refused with 401 and no AWS call', async () => {
    const body = slashCommandBody({ text: 'scale web 2', responseUrl: h.slack.responseUrl() });
    const event = apiGatewayEvent(body);
    event.body = body.replace('scale+web+2', 'scale+web+9');
    expect((await h.send(event)).statusCode).toBe(401);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a stale signature (over 5 minutes old) is refused with 401', async () => {
    const body = slashCommandBody({ text: 'scale web 2', responseUrl: h.slack.responseUrl() });
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await h.send(apiGatewayEvent(body, { timestamp: old, signature: sign(body, old) }))).statusCode).toBe(401);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a request signed with a timestamp more than 5 minutes in the future is refused with 401', async () => {
    const body = slashCommandBody({ text: 'scale web 2', responseUrl: h.slack.responseUrl() });
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await h.send(apiGatewayEvent(body, { timestamp: future, signature: sign(body, future) }))).statusCode).toBe(
      401,
    );
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a missing signature or one made with another secret is refused with 401', async () => {
    const body = slashCommandBody({ text: 'scale web 2', responseUrl: h.slack.responseUrl() });
    expect((await h.send(apiGatewayEvent(body, { signature: null }))).statusCode).toBe(401);
    expect((await h.send(apiGatewayEvent(body, { secret: 'another-secret' }))).statusCode).toBe(401);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('help lists the verbs with examples, and whoami shows teams and levels, without AWS', async () => {
    const help = await h.command('help');
    expect(help.seen).toContain('scale SVC N');
    expect(help.seen).toContain('whoami');
    const helpScale = await h.command('help scale');
    expect(helpScale.ack.text).toContain('Example');
    const who = await h.command('whoami');
    expect(who.seen).toMatch(/\*prod\*: \*operate\* \(team web\)/);
    expect(who.seen).toMatch(/\*staging\*: \*operate\* \(team web\)/);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('every command leaves one audit line, and no secret ever reaches the logs', async () => {
    await h.command('scale web 2');
    await h.command('scale web 2', { user: USERS.rita });
    const audits = h.logs.lines().filter((l) => l.audit);
    expect(audits).toHaveLength(2);
    expect(audits[0]!.audit).toMatchObject({
      user: USERS.alice,
      command: 'scale web 2',
      cluster: 'prod',
      role: roleArn('prod', 'operate'),
      outcome: 'ok',
    });
    expect(audits[1]!.audit).toMatchObject({ user: USERS.rita, outcome: 'refused' });
    const all = h.logs.raw().join('\n');
    for (const secret of ['xoxb-test-bot-token', 'test-signing-secret', 'test-bot-secret-access-key', 'ASIA'])
      expect(all).not.toContain(secret);
  });
});
