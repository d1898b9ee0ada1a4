import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';
import { servicesAccount } from '../../testbed/services-fixtures';
import { BLUE_GREEN_WITH_PAUSE } from '../../testbed/deployments';

/**
 * The buttons of a live deployment message: Roll back (operate) while it runs, and Continue and
 * Roll back while it waits at a PAUSE lifecycle hook — Continue only for whom
 * `deployments.continue` allows (here: members of platform).
 */

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

function liveMessage(h: Harness, service: string): { ts: string; text: string; blocks: string; buttons: Button[] } {
  const found = h.slack
    .messages(CHANNELS.alerts)
    .filter((m) => m.threadTs === undefined && (m.text ?? '').startsWith(`${service} in prod:`));
  expect(found).toHaveLength(1);
  const m = found[0]!;
  const blocks = (m.blocks ?? []) as { type: string; elements?: Button[] }[];
  const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  return { ts: m.ts, text: m.text ?? '', blocks: JSON.stringify(blocks), buttons };
}

function buttonOf(h: Harness, service: string, label: string): Button {
  const button = liveMessage(h, service).buttons.find((b) => b.text.text === label);
  expect(button).toBeDefined();
  return button!;
}

describe('a deployment paused at a PAUSE hook', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      sandbox: { account: servicesAccount() },
      config: testConfig(`${testConfigYaml()}\ndeployments:\n  continue: { teams: [platform] }\n`),
      followUpTimeoutMs: 300,
    });
    h.sandbox.world.createService('prod', {
      name: 'bg',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: BLUE_GREEN_WITH_PAUSE,
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('shows what it waits for, until when, and what happens on time-out, with Continue and Roll back', async () => {
    const result = await h.command('restart bg');
    // The live message is the follow-up: the command's channel gets only the pointer to it, and no
    // "still 1/1 running" from a wait that could not end while the deployment is paused.
    expect(result.replies.map((r) => r.text)).toEqual([
      'bg in prod: restarting — a fresh task of solo:1 replaces the running one',
    ]);
    expect(result.seen).not.toMatch(/still \d+\/\d+ running/);
    const live = liveMessage(h, 'bg');
    expect(live.text).toBe('bg in prod: restart of solo:1 — paused at POST_TEST_TRAFFIC_SHIFT, waiting for Continue');
    expect(live.blocks).toContain('Waiting at the PAUSE lifecycle hook of *POST_TEST_TRAFFIC_SHIFT*');
    expect(live.blocks).toMatch(/until <!date\^\d+\^/);
    expect(live.blocks).toContain('If nobody does, ECS rolls the deployment back.');
    expect(live.buttons.map((b) => b.text.text)).toEqual(['Continue', 'Roll back']);
  });

  it('when the live message cannot be posted (the bot is not in the channel), the command’s own follow-up says the deployment is paused, with Continue and Roll back', async () => {
    h.slack.fail({ method: 'chat.postMessage', status: 200, error: 'not_in_channel' });
    const result = await h.command('restart bg');
    expect(result.replies).toHaveLength(2);
    expect(result.replies[1]?.text).toMatch(
      /^bg in prod: the deployment is paused at the PAUSE lifecycle hook of POST_TEST_TRAFFIC_SHIFT, waiting for someone to continue or roll it back until .+\. If nobody acts, ECS rolls it back\. `\/ecs deployment continue bg\/\w+ -c prod` goes on; `\/ecs deployment rollback bg\/\w+ -c prod` goes back\.$/,
    );
    expect(result.seen).not.toMatch(/still \d+\/\d+ running/);
    const buttons = ((result.replies[1]?.blocks ?? []) as { type: string; elements?: Button[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text)).toEqual(['Continue', 'Roll back']);
    // Continue from the reply, by someone allowed, goes on as from the live message.
    const cont = buttons[0]!;
    await h.click(cont.action_id, cont.value, { user: USERS.bob });
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(1);
  });

  it('a read of the deployment that fails once does not end the watch: the next one sees the pause', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:DescribeServiceDeployments', times: 1 });
    await h.command('restart bg');
    const live = liveMessage(h, 'bg');
    expect(live.text).toBe('bg in prod: restart of solo:1 — paused at POST_TEST_TRAFFIC_SHIFT, waiting for Continue');
    expect(live.buttons.map((b) => b.text.text)).toEqual(['Continue', 'Roll back']);
  });

  it('when the role may not read service deployments at all, the live message still carries what the follow-up found', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:DescribeServiceDeployments', times: 1000 });
    const result = await h.command('restart bg');
    expect(result.replies).toHaveLength(1);
    const live = liveMessage(h, 'bg');
    expect(live.text).toMatch(
      /^bg in prod: restart of solo:1 — starting · bg in prod: still 2\/1 running \(0 pending\)/,
    );
    expect(live.buttons.map((b) => b.text.text)).toEqual(['Roll back']);
  });

  it('Continue pressed by someone the config does not allow is refused, and the deployment stays paused', async () => {
    await h.command('restart bg');
    const cont = buttonOf(h, 'bg', 'Continue');
    const result = await h.click(cont.action_id, cont.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(result.seen).toContain('Only members of *platform* may continue a paused deployment');
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(0);
    expect(liveMessage(h, 'bg').text).toMatch(/paused at POST_TEST_TRAFFIC_SHIFT/);
  });

  it('Continue pressed by an allowed person lets the deployment go on, and the message ends in "completed"', async () => {
    await h.command('restart bg');
    const cont = buttonOf(h, 'bg', 'Continue');
    const result = await h.click(cont.action_id, cont.value, { user: USERS.bob, channel: CHANNELS.alerts });
    expect(result.replies.map((r) => r.text)).toContainEqual(
      expect.stringMatching(/^bg in prod: continuing deployment bg\/\w+ past POST_TEST_TRAFFIC_SHIFT$/),
    );
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(1);
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')[0]!.params).toMatchObject({ action: 'CONTINUE' });
    expect(liveMessage(h, 'bg').text).toMatch(/^bg in prod: restart of solo:1 — completed in under a minute$/);
    expect(liveMessage(h, 'bg').buttons).toHaveLength(0);
  });

  it('Roll back on a paused deployment takes the hook’s ROLLBACK, and the message ends in "rolled back"', async () => {
    await h.command('restart bg');
    const back = buttonOf(h, 'bg', 'Roll back');
    const result = await h.click(back.action_id, back.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(result.replies.map((r) => r.text)).toContainEqual(
      expect.stringMatching(/^bg in prod: rolling back deployment bg\/\w+$/),
    );
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')[0]!.params).toMatchObject({ action: 'ROLLBACK' });
    expect(liveMessage(h, 'bg').text).toMatch(
      /— rolled back after under a minute: ContinueServiceDeployment rolled back/,
    );
  });
});

describe('Roll back on a running deployment', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() }, followUpTimeoutMs: 300 });
    // No circuit breaker: a revision whose tasks never start keeps the deployment in progress.
    h.sandbox.world.createService('prod', { name: 'stuck', taskDefinition: 'solo', desiredCount: 1 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a Roll back click stops the deployment with StopServiceDeployment ROLLBACK, as the clicker', async () => {
    await h.command('deploy stuck broken');
    expect(liveMessage(h, 'stuck').text).toMatch(/^stuck in prod: deploy solo:1 → broken:1 — in progress/);
    const back = buttonOf(h, 'stuck', 'Roll back');
    expect(back.action_id).toBe('cmd:deployment rollback');
    const result = await h.click(back.action_id, back.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(result.replies.map((r) => r.text)).toContainEqual(
      expect.stringMatching(/^stuck in prod: rolling back deployment stuck\/\w+$/),
    );
    const stops = h.sandbox.callsTo('ecs:StopServiceDeployment');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.params).toMatchObject({ stopType: 'ROLLBACK' });
    expect(stops[0]!.principal).toMatchObject({ kind: 'assumed', sourceIdentity: USERS.alice });
    expect(liveMessage(h, 'stuck').text).toMatch(
      /^stuck in prod: deploy solo:1 → broken:1 — rolled back after under a minute: Service deployment rolled back by StopServiceDeployment; \d+ tasks? stopped: CannotPullContainerError/,
    );
    expect(h.sandbox.world.service('prod', 'stuck').taskDefinition.arn).toMatch(/solo:1$/);
  });

  it('a read-only user’s Roll back click is refused and nothing is stopped', async () => {
    await h.command('deploy stuck broken');
    const back = buttonOf(h, 'stuck', 'Roll back');
    const result = await h.click(back.action_id, back.value, { user: USERS.rita, channel: CHANNELS.alerts });
    expect(result.seen).toMatch(/needs \*operate\* on \*prod\*/);
    expect(h.sandbox.callsTo('ecs:StopServiceDeployment')).toHaveLength(0);
  });
});

describe('deployments.continue.starter: false', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      sandbox: { account: servicesAccount() },
      config: testConfig(`${testConfigYaml()}\ndeployments:\n  continue: { starter: false }\n`),
      followUpTimeoutMs: 300,
    });
    h.sandbox.world.createService('prod', {
      name: 'bg',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: BLUE_GREEN_WITH_PAUSE,
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the person who started a paused deployment may not continue it; someone else with the level may', async () => {
    await h.command('restart bg', { user: USERS.carol });
    const cont = buttonOf(h, 'bg', 'Continue');
    const refused = await h.click(cont.action_id, cont.value, { user: USERS.carol, channel: CHANNELS.alerts });
    expect(refused.seen).toContain('You started this deployment, so someone else has to continue it');
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(0);
    await h.click(cont.action_id, cont.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(1);
    expect(liveMessage(h, 'bg').text).toMatch(/— completed in under a minute$/);
  });
});

describe('Roll back when approvals.verbs lists deployment rollback', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      sandbox: { account: servicesAccount() },
      config: testConfig(
        testConfigYaml().replace('approvals:\n', 'approvals:\n  verbs: [teardown, deployment rollback]\n'),
      ),
      followUpTimeoutMs: 300,
    });
    h.sandbox.world.createService('prod', { name: 'stuck', taskDefinition: 'solo', desiredCount: 1 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the click asks a second person first; once a platform admin approves, the deployment rolls back on the operate role', async () => {
    await h.command('deploy stuck broken');
    const back = buttonOf(h, 'stuck', 'Roll back');
    await h.click(back.action_id, back.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(h.sandbox.callsTo('ecs:StopServiceDeployment')).toHaveLength(0);
    const request = h.slack
      .messages(CHANNELS.alerts)
      .find((m) => m.threadTs === undefined && (m.text ?? '').includes('Roll back deployment'));
    expect(request).toBeDefined();
    const approve = ((request!.blocks ?? []) as { type: string; elements?: Button[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .find((b) => b.action_id === 'approval:approve');
    expect(approve).toBeDefined();
    // alice asked: she may not approve her own request.
    await h.click('approval:approve', approve!.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(h.sandbox.callsTo('ecs:StopServiceDeployment')).toHaveLength(0);
    await h.click('approval:approve', approve!.value, { user: USERS.bob, channel: CHANNELS.alerts });
    const stops = h.sandbox.callsTo('ecs:StopServiceDeployment');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.principal).toMatchObject({ kind: 'assumed', roleArn: expect.stringMatching(/prod-operate$/) });
    expect(h.sandbox.world.service('prod', 'stuck').taskDefinition.arn).toMatch(/solo:1$/);
  });
});
