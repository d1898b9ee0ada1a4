import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { tasksAccount } from '../../testbed/tasks-fixtures';
import type { TaskRecord } from '../../src/sandbox';

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
  confirm?: { title: { text: string }; text: { text: string } };
}

function buttonsOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { type: string; elements?: Button[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

describe('/ecs run, start and stop, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: tasksAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  const tasksOf = (cluster: string, family: string): TaskRecord[] =>
    [...h.sandbox.world.cluster(cluster).tasks.values()].filter((t) => t.taskDefinition.family === family);
  const liveWeb = (): TaskRecord => tasksOf('prod', 'web').find((t) => t.desiredStatus === 'RUNNING')!;

  it('stop TASK --reason stops it, with the user and the reason on it, and follows up when ECS reports it STOPPED', async () => {
    const web = liveWeb();
    const result = await h.command(`stop ${web.id} --reason "stuck on a lock"`);
    expect(result.ack.text).toContain(`Looking up task ${web.id} to stop it`);
    expect(result.replies[0]).toMatchObject({
      response_type: 'in_channel',
      text: `Stopping task ${web.id.slice(0, 8)} (web:1) in prod`,
    });
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain('Service *web* will start a replacement');
    expect(result.replies[1]!.text).toMatch(
      new RegExp(
        `^Task ${web.id.slice(0, 8)} \\(web:1\\) in prod is STOPPED after running 10m( \\d+s)? \\(web exit 143: ended by SIGTERM\\)\\.$`,
      ),
    );
    const stops = h.sandbox.callsTo('ecs:StopTask');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.params).toMatchObject({
      cluster: 'prod',
      task: web.id,
      reason: 'Stopped by @alice via Slack: stuck on a lock',
    });
    expect(stops[0]!.principal).toMatchObject({
      kind: 'assumed',
      roleArn: roleArn('prod', 'operate'),
      sourceIdentity: USERS.alice,
    });
    expect(web).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'Stopped by @alice via Slack: stuck on a lock',
    });
  });

  it('a read-only user who types stop is refused, and the task keeps running', async () => {
    const web = liveWeb();
    const result = await h.command(`stop ${web.id}`, { user: USERS.rita });
    expect(result.ack.text).toMatch(/`stop` needs \*operate\* on \*prod\*, but you have \*read\* there/);
    expect(result.replies).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
    expect(web.desiredStatus).toBe('RUNNING');
  });

  it('the Stop button of the task list carries Slack’s confirm dialog, and clicking it stops that task', async () => {
    const web = liveWeb();
    const list = await h.command('tasks --service web');
    const stop = buttonsOf(list.replies[0]).find((b) => b.action_id.startsWith('cmd:stop'))!;
    expect(stop.style).toBe('danger');
    expect(stop.confirm?.title.text).toBe('Stop this task?');
    expect(stop.confirm?.text.text).toContain(`Stop task \`${web.id.slice(0, 8)}\` (web:1) in *prod*?`);

    const clicked = await h.click(stop.action_id, stop.value);
    expect(clicked.seen).toContain(`Stopping task ${web.id.slice(0, 8)} (web:1) in prod`);
    expect(clicked.replies.at(-1)!.text).toMatch(/is STOPPED after running/);
    expect(h.sandbox.callsTo('ecs:StopTask')).toHaveLength(1);
    expect(web.lastStatus).toBe('STOPPED');
  });

  it('the same Stop button clicked by a read-only user changes nothing', async () => {
    const web = liveWeb();
    const list = await h.command('tasks --service web', { user: USERS.rita });
    const stop = buttonsOf(list.replies[0]).find((b) => b.action_id.startsWith('cmd:stop'))!;
    const clicked = await h.click(stop.action_id, stop.value, { user: USERS.rita });
    expect(clicked.seen).toMatch(/`stop` needs \*operate\* on \*prod\*/);
    expect(h.sandbox.callsTo('ecs:StopTask')).toHaveLength(0);
    expect(web.desiredStatus).toBe('RUNNING');
  });

  it('stopping a task that has already stopped says so only to the person who asked, and calls no StopTask', async () => {
    const stopped = tasksOf('prod', 'hog').find((t) => t.lastStatus === 'STOPPED')!;
    const result = await h.command(`stop ${stopped.id.slice(0, 8)}`);
    expect(result.replies[0]!.text).toBe(
      `Task ${stopped.id.slice(0, 8)} (hog:1) in prod is already stopped: an essential container exited. Nothing was changed.`,
    );
    expect(result.replies[0]!.response_type).toBe('ephemeral');
    expect(result.replies).toHaveLength(1);
    expect(h.sandbox.callsTo('ecs:StopTask')).toHaveLength(0);
  });

  it('run FAMILY --count 2 starts two tasks on the EC2 launch type, named as started from Slack by the user', async () => {
    const result = await h.command('run migrate --count 2');
    expect(result.ack.text).toContain('Looking up migrate to run 2 tasks of it');
    expect(result.replies[0]).toMatchObject({
      response_type: 'in_channel',
      text: 'Started 2 of 2 tasks of migrate in prod',
    });
    expect(buttonsOf(result.replies[0]).filter((b) => b.text.text === 'Stop')).toHaveLength(2);
    const runs = h.sandbox.callsTo('ecs:RunTask');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.params).toMatchObject({
      cluster: 'prod',
      taskDefinition: 'migrate',
      count: 2,
      launchType: 'EC2',
      startedBy: `chatops/${USERS.alice}`,
    });
    expect(runs[0]!.principal).toMatchObject({ roleArn: roleArn('prod', 'operate') });
    const started = tasksOf('prod', 'migrate');
    expect(started).toHaveLength(2);
    expect(started.every((t) => t.startedBy === `chatops/${USERS.alice}` && t.desiredStatus === 'RUNNING')).toBe(true);
  });

  it('run of a fixed host port on the only instance reports ECS’s failures in words: a port conflict on port 80', async () => {
    const result = await h.command('run web-fixed --count 2 -c staging');
    const reply = result.replies[0]!;
    expect(reply.text).toBe(
      'Started 0 of 2 tasks of web-fixed in staging; 2 could not be placed: 2 × a port conflict: port 80 is already used on every instance with room for it. Use a dynamic host port (hostPort 0) or add instances (RESOURCE:PORTS)',
    );
    expect(tasksOf('staging', 'web-fixed').filter((t) => !t.service)).toHaveLength(0);
  });

  it('run of a misspelt family gets “did you mean” and the families that exist; nothing is started', async () => {
    const result = await h.command('run migrte');
    expect(result.replies[0]!.text).toMatch(
      /^migrte is not a task definition family of prod, so run may not use it there\. Did you mean migrate\?/,
    );
    const revision = await h.command('run migrate:9');
    expect(revision.replies[0]!.text).toMatch(/^Task definition migrate:9 does not exist/);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('run --count outside 1–10 gets usage help and makes no AWS call', async () => {
    for (const text of ['run migrate --count 0', 'run migrate --count 11', 'run migrate --count two', 'run']) {
      const result = await h.command(text);
      expect(result.ack.text).toContain('/ecs run FAMILY[:REV] [--count N]');
    }
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('start FAMILY --instance EC2-ID starts one task on exactly that container instance', async () => {
    const [, second] = [...h.sandbox.world.cluster('prod').instances.values()];
    const result = await h.command(`start migrate --instance ${second!.ec2.id}`);
    expect(result.replies[0]!.text).toBe(`Started 1 of 1 task of migrate in prod on ${second!.ec2.id}`);
    const starts = h.sandbox.callsTo('ecs:StartTask');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.params).toMatchObject({
      cluster: 'prod',
      taskDefinition: 'migrate',
      containerInstances: [second!.id],
      startedBy: `chatops/${USERS.alice}`,
    });
    const [started] = tasksOf('prod', 'migrate');
    expect(started?.instance).toBe(second);
  });

  it('start on an instance whose port is taken says so; on an unknown instance it lists the ones there', async () => {
    const [only] = [...h.sandbox.world.cluster('staging').instances.values()];
    const taken = await h.command(`start web-fixed --instance ${only!.id.slice(0, 8)} -c staging`);
    expect(taken.replies[0]!.text).toMatch(
      /^Started 0 of 1 task of web-fixed in staging on i-\w+; 1 could not be placed: 1 × a port conflict: port 80 is already used on that instance/,
    );
    const unknown = await h.command('start web-fixed --instance i-0123456789abcdef0 -c staging');
    expect(unknown.replies[0]!.text).toContain(
      `There is no container instance i-0123456789abcdef0 in staging running on that EC2 instance. Instances there: ${only!.ec2.id}`,
    );
    // One StartTask (the port conflict, which started nothing); none for the unknown instance.
    expect(h.sandbox.callsTo('ecs:StartTask')).toHaveLength(1);
    expect([...h.sandbox.world.cluster('staging').tasks.values()].filter((t) => !t.service)).toHaveLength(0);
  });

  it('a read-only user’s run and start are refused and start nothing', async () => {
    expect((await h.command('run migrate', { user: USERS.rita })).ack.text).toMatch(/`run` needs \*operate\*/);
    expect((await h.command('start migrate --instance i-0123456789abcdef0', { user: USERS.rita })).ack.text).toMatch(
      /`start` needs \*operate\*/,
    );
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('with 30 % of AWS calls throttled, run still starts exactly the tasks asked for', async () => {
    h.sandbox.inject({ kind: 'throttle', rate: 0.3 });
    const result = await h.command('run migrate --count 3');
    expect(result.replies[0]!.text).toBe('Started 3 of 3 tasks of migrate in prod');
    expect(tasksOf('prod', 'migrate')).toHaveLength(3);
  });
});
