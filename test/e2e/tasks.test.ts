import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { busyClusterAccount, busyClusterConfig, OOM_REASON, tasksAccount } from '../../testbed/tasks-fixtures';
import type { TaskRecord } from '../../src/sandbox';

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
  confirm?: { title: { text: string }; text: { text: string }; confirm: { text: string } };
}

function buttonsOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { type: string; elements?: Button[]; accessory?: Button }[]).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
}

function sectionsOf(reply: Reply | undefined): string[] {
  return ((reply?.blocks ?? []) as { type: string; text?: { text: string } }[])
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text!.text);
}

describe('/ecs tasks and /ecs task ID, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: tasksAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  const live = (cluster: string, service?: string): TaskRecord[] =>
    [...h.sandbox.world.cluster(cluster).tasks.values()].filter(
      (t) => t.desiredStatus === 'RUNNING' && (service === undefined || t.service?.name === service),
    );
  const stoppedHog = (): TaskRecord =>
    [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.lastStatus === 'STOPPED' && t.taskDefinition.family === 'hog',
    )!;

  it('a read-only user lists the running tasks of prod: the summary first, then each with a Stop button behind Slack’s confirm dialog', async () => {
    const result = await h.command('tasks', { user: USERS.rita });
    expect(result.ack.text).toContain('Listing tasks');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    const running = live('prod');
    expect(reply.text).toContain(`Tasks in prod: ${running.length}`);
    const sections = sectionsOf(reply);
    expect(sections[0]).toMatch(new RegExp(`^\\*${running.length} tasks\\*: .*by service: api 2, .*web 1`));
    for (const t of running) expect(JSON.stringify(reply.blocks)).toContain(`\`${t.id.slice(0, 8)}\``);
    const stops = buttonsOf(reply).filter((b) => b.action_id.startsWith('cmd:stop'));
    expect(stops).toHaveLength(running.length);
    expect(new Set(stops.map((b) => b.action_id)).size).toBe(stops.length);
    expect(stops[0]).toMatchObject({
      style: 'danger',
      confirm: { title: { text: 'Stop this task?' }, confirm: { text: 'Stop task' } },
    });
    expect(stops.map((b) => (JSON.parse(b.value) as { args: string[] }).args[0]).sort()).toEqual(
      running.map((t) => t.id).sort(),
    );
    expect(
      h.sandbox.calls
        .filter((c) => c.service === 'ecs')
        .every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('prod', 'read')),
    ).toBe(true);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('--service lists only that service’s tasks, and a misspelt service gets “did you mean”', async () => {
    const result = await h.command('tasks --service api');
    expect(result.replies[0]!.text).toContain('Tasks of api in prod: 2');
    expect(JSON.stringify(result.replies[0]!.blocks)).not.toContain('service web');
    const typo = await h.command('tasks --service wbe');
    expect(typo.replies[0]!.text).toMatch(
      /There is no service wbe in prod\. Did you mean web\? Services there: api, hog, web\./,
    );
  });

  it('--stopped lists recently stopped tasks, with the stop code and an exit 137 named as an out-of-memory kill', async () => {
    const result = await h.command('tasks --stopped');
    const reply = result.replies[0]!;
    expect(reply.text).toMatch(/^Stopped tasks in prod: \d+/);
    expect(sectionsOf(reply)[0]).toMatch(
      /stopped tasks\* \(ECS keeps them about an hour\): \d+ × an essential container exited/,
    );
    expect(JSON.stringify(reply.blocks)).toContain('hog exit 137 (killed (SIGKILL) — often out of memory)');
    expect(buttonsOf(reply).some((b) => b.action_id.startsWith('cmd:stop'))).toBe(false);
  });

  it('task ID shows each container’s exit code and reason, the stop code and reason, how long it ran, the revision and the instance', async () => {
    const hog = stoppedHog();
    const result = await h.command(`task ${hog.id}`, { user: USERS.rita });
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(`Task ${hog.id.slice(0, 8)} (hog:1) in prod: STOPPED, hog exit 137, sidecar exit 143`);
    // The sidecar was not the cause: the agent stopped it with SIGTERM once the essential container had exited.
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('exit code *137*: killed (SIGKILL) — often out of memory');
    expect(body).toContain(OOM_REASON);
    expect(body).toContain('an essential container exited (`EssentialContainerExited`)');
    expect(body).toContain('Essential container in task exited');
    expect(body).toContain('`hog:1` (revision 1)');
    expect(body).toMatch(/\*Ran for\*\\n1m/);
    expect(body).toContain(hog.instance!.ec2.id);
    const buttons = buttonsOf(reply);
    expect(buttons.map((b) => b.text.text)).toEqual(['Logs', 'Instance']);
    expect(JSON.parse(buttons[0]!.value)).toEqual({ cluster: 'prod', args: [hog.id] });
    expect(buttons[0]!.action_id).toBe('cmd:logs');
  });

  it('the Logs button of a task runs logs for that task through the same path as typing it', async () => {
    const hog = stoppedHog();
    const detail = await h.command(`task ${hog.id}`, { user: USERS.rita });
    const logs = buttonsOf(detail.replies[0]).find((b) => b.text.text === 'Logs')!;
    const clicked = await h.click(logs.action_id, logs.value, { user: USERS.rita });
    expect(clicked.seen).not.toMatch(/I don't know the command|no longer valid/);
    expect(
      h.logs
        .lines()
        .filter((l) => l.audit)
        .at(-1)!.audit,
    ).toMatchObject({ user: USERS.rita, source: 'button', command: `logs ${hog.id}`, cluster: 'prod' });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a running task found by the short id lists show has a Stop button', async () => {
    const web = live('prod', 'web')[0]!;
    const result = await h.command(`task ${web.id.slice(0, 8)}`);
    const reply = result.replies[0]!;
    expect(reply.text).toBe(`Task ${web.id.slice(0, 8)} (web:1) in prod: RUNNING`);
    expect(JSON.stringify(reply.blocks)).toMatch(/\*Running for\*/);
    expect(buttonsOf(reply).map((b) => b.text.text)).toEqual(['Logs', 'Stop', 'Instance']);
    expect(buttonsOf(reply)[1]!.confirm).toBeDefined();
  });

  it('a task that does not exist gets a reply that says where to look, and nothing is changed', async () => {
    const result = await h.command('task 0123456789abcdef0123456789abcdef');
    expect(result.replies[0]!.text).toMatch(
      /There is no task 0123456789abcdef0123456789abcdef in prod .*\/ecs tasks -c prod/,
    );
    const prefix = await h.command('task ffffffff');
    expect(prefix.replies[0]!.text).toMatch(/No running or recently stopped task in prod has an id starting ffffffff/);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('"task" without an id, or with something that is not one, gets usage help and makes no AWS call', async () => {
    for (const text of ['task', 'task web', 'tasks --stopped yes']) {
      const result = await h.command(text);
      expect(result.ack.text).toMatch(/\/ecs tasks? /);
    }
    expect(h.sandbox.calls).toHaveLength(0);
  });
});

describe('/ecs tasks on a cluster of 1,200 tasks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sandbox: { account: busyClusterAccount(1200) }, config: busyClusterConfig() });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('reads them 100 to a call, and pages the reply within Slack’s limits with a Next button that runs tasks --page 2', async () => {
    const first = await h.command('tasks -c busy');
    expect(h.sandbox.callsTo('ecs:ListTasks')).toHaveLength(12);
    expect(h.sandbox.callsTo('ecs:DescribeTasks')).toHaveLength(12);
    const reply = first.replies[0]!;
    expect(reply.text).toBe('Tasks in busy: 1200 (showing 1–20 of 1200)');
    expect(sectionsOf(reply)[0]).toBe(
      '*1200 tasks*: 1200 running · by service: batch-01 500, batch-02 500, batch-03 200',
    );
    expect(reply.blocks!.length).toBeLessThanOrEqual(50);
    const next = buttonsOf(reply).find((b) => b.text.text.startsWith('Next'))!;
    expect(JSON.parse(next.value)).toEqual({ cluster: 'busy', args: ['--page', '2'] });

    const second = await h.click(next.action_id, next.value);
    expect(second.replies.at(-1)!.text).toBe('Tasks in busy: 1200 (showing 21–40 of 1200)');
  });
});
