import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { servicesAccount } from '../../testbed/services-fixtures';
import { SCALE_MODAL_ACTION } from '../../src/slack/views/scale-modal';

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: { text: string };
  confirm?: unknown;
}

function buttonsOf(blocks: unknown[] | undefined): Button[] {
  return ((blocks ?? []) as { type: string; elements?: Button[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

describe('/ecs services and /ecs service SVC, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a read-only user lists the services of prod: summary first, then one line each, only to them', async () => {
    const result = await h.command('services', { user: USERS.rita });
    expect(result.ack.text).toContain('Listing services');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('prod: 4 services, all steady');
    const body = JSON.stringify(reply.blocks);
    for (const name of ['api', 'pair', 'solo', 'web']) expect(body).toContain(`*${name}*`);
    expect(body).toContain('2/2 running');
    expect(body).toContain('`web:2`');
    expect(h.sandbox.callsTo('ecs:ListServices')).toHaveLength(1);
    expect(h.sandbox.callsTo('ecs:DescribeServices')).toHaveLength(1);
    expect(
      h.sandbox.calls
        .filter((c) => c.service !== 'sts')
        .every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('prod', 'read')),
    ).toBe(true);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a service that is not steady is counted in the summary, named, marked with a warning and listed first', async () => {
    // A revision too big for any of prod's instances: solo's new deployment can never place its task.
    h.sandbox.world.registerTaskDefinition({
      family: 'solo-huge',
      containerDefinitions: [{ name: 'solo', image: 'example/solo:2', cpu: 4000, memory: 128 }],
    });
    h.sandbox.world.updateService('prod', 'solo', { taskDefinition: 'solo-huge' });
    const result = await h.command('services');
    const reply = result.replies[0]!;
    expect(reply.text).toBe('prod: 4 services, 1 not steady');
    const sections = (reply.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === 'section')
      .map((b) => b.text!.text);
    expect(sections[0]).toBe(':warning: *4 services, 1 not steady*: *solo*');
    const lines = sections[1]!.split('\n');
    expect(lines[0]).toBe(':warning: *solo* — 1/1 running · `solo-huge:1` · rolling out (2 deployments)');
    expect(lines.slice(1).every((l) => l.startsWith(':white_check_mark:'))).toBe(true);
  });

  it('a cluster with more services than a page pages them: a Next button runs services --page 2 through the same path', async () => {
    for (let i = 1; i <= 60; i += 1)
      h.sandbox.world.createService('prod', {
        name: `extra-${String(i).padStart(2, '0')}`,
        taskDefinition: 'solo',
        desiredCount: 0,
      });
    const first = await h.command('services');
    expect(first.replies[0]!.text).toBe('prod: 64 services, all steady');
    const next = buttonsOf(first.replies[0]!.blocks).find((b) => b.text.text.startsWith('Next'));
    expect(next).toBeDefined();
    expect(JSON.parse(next!.value)).toEqual({ cluster: 'prod', args: ['--page', '2'] });
    const second = await h.click(next!.action_id, next!.value);
    const body = JSON.stringify(second.replies.at(-1)!.blocks);
    expect(body).toContain('Page 2 of 2');
    expect(body).toContain('*web*');
    expect(body).not.toContain('*extra-01*');
    expect(buttonsOf(second.replies.at(-1)!.blocks).find((b) => b.text.text.startsWith('Next'))).toBeUndefined();
  });

  it('service web shows the counts, the deployment with its revision and rollout, recent events, the launch type and the next steps', async () => {
    const result = await h.command('service web');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('web in prod: 1/1 running, web:2 (COMPLETED)');
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('Steady: *1/1* running');
    expect(body).toContain('PRIMARY `web:2`');
    expect(body).toContain('rolled out');
    expect(body).toContain('*Launch type*\\nEC2');
    expect(body).toContain('has reached a steady state');
    const buttons = buttonsOf(reply.blocks);
    expect(buttons.map((b) => b.text.text)).toEqual(['Scale', 'Restart', 'Tasks', 'Logs']);
    expect(buttons[0]).toMatchObject({ action_id: SCALE_MODAL_ACTION });
    expect(JSON.parse(buttons[0]!.value)).toEqual({ cluster: 'prod', service: 'web', current: 1 });
    expect(buttons[1]).toMatchObject({ action_id: 'cmd:restart' });
    expect(buttons[1]!.confirm).toBeDefined();
    expect(JSON.parse(buttons[1]!.value)).toEqual({ cluster: 'prod', args: ['web'] });
    expect(buttons[2]).toMatchObject({ action_id: 'cmd:tasks' });
    expect(JSON.parse(buttons[2]!.value)).toEqual({ cluster: 'prod', args: ['--service', 'web'] });
    expect(buttons[3]).toMatchObject({ action_id: 'cmd:logs' });
    expect(JSON.parse(buttons[3]!.value)).toEqual({ cluster: 'prod', args: ['web'] });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a read-only user can follow the Tasks and Logs buttons of a service: they run tasks --service web and logs web', async () => {
    const shown = await h.command('service web', { user: USERS.rita });
    const buttons = buttonsOf(shown.replies[0]!.blocks);
    for (const label of ['Tasks', 'Logs']) {
      const b = buttons.find((x) => x.text.text === label)!;
      const result = await h.click(b.action_id, b.value, { user: USERS.rita });
      expect(result.seen).not.toMatch(/I don't know the command|needs \*operate\*/);
      expect(result.replies.at(-1)!.text).toMatch(/web/);
    }
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('status is another name for service', async () => {
    const result = await h.command('status api', { user: USERS.rita });
    expect(result.replies[0]!.text).toBe('api in prod: 2/2 running, api:1 (COMPLETED)');
  });

  it('a deployment in progress shows both deployments, each with its revision and rollout state', async () => {
    // A revision too big for staging's only instance: its deployment cannot finish, the old one keeps running.
    h.sandbox.world.registerTaskDefinition({
      family: 'web-huge',
      containerDefinitions: [{ name: 'web', image: 'nginx:1.28', cpu: 4000, memory: 256 }],
    });
    h.sandbox.world.updateService('staging', 'web', { taskDefinition: 'web-huge' });
    const result = await h.command('service web -c staging');
    const body = JSON.stringify(result.replies[0]!.blocks);
    expect(body).toContain('Not steady: *1/1* running, 2 deployments');
    expect(body).toMatch(/PRIMARY `web-huge:1` — 0\/1 running · rolling out/);
    expect(body).toMatch(/ACTIVE `web-fixed:1` — 1\/1 running · being replaced/);
    expect(body).toContain('was unable to place a task');
    expect(result.replies[0]!.text).toBe('web in staging: 1/1 running, web-huge:1 (IN_PROGRESS)');
  });

  it('a misspelt service gets "did you mean" and the names that exist, not a stack trace', async () => {
    const result = await h.command('service wbe');
    expect(result.replies[0]!.text).toBe(
      'There is no service wbe in prod. Did you mean web? Services there: api, pair, solo, web.',
    );
    expect(result.seen).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a user in no team is refused services and no AWS call is made', async () => {
    const result = await h.command('services', { user: USERS.nobody, channel: CHANNELS.ops });
    expect(result.ack.text).toMatch(/^Sorry, you're not in any team/);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a read-only user cannot look at a cluster they have no grant on', async () => {
    const result = await h.command('services -c staging', { user: USERS.rita });
    expect(result.ack.text).toMatch(/staging/);
    expect(result.replies).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('"service" and "services --page x" get usage help and make no AWS call', async () => {
    expect((await h.command('service')).ack.text).toContain('/ecs service SVC');
    expect((await h.command('services --page x')).ack.text).toContain('the page must be a whole number');
    expect(h.sandbox.calls).toHaveLength(0);
  });
});
