import { ManualClock } from '../../src/sandbox';
import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { taskdefsAccount } from '../../testbed/taskdefs-fixtures';

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

function buttonsOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { type: string; elements?: Button[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

function texts(reply: Reply | undefined, type: 'section' | 'context'): string[] {
  return ((reply?.blocks ?? []) as { type: string; text?: { text: string }; elements?: { text: string }[] }[])
    .filter((b) => b.type === type)
    .map((b) => (type === 'section' ? (b.text?.text ?? '') : (b.elements ?? []).map((e) => e.text).join(' | ')));
}

/** The log lines of the code blocks of a reply, without their times. */
function codeLines(reply: Reply | undefined): string[] {
  return texts(reply, 'section')
    .filter((t) => t.startsWith('```'))
    .flatMap((t) => t.replace(/^```\n|\n```$/g, '').split('\n'))
    .map((l) => l.replace(/^(\d\d-\d\d )?\d\d:\d\d:\d\d /, ''));
}

const MINUTE = 60_000;

describe('/ecs logs, through the signed Slack handler, against the sandbox’s CloudWatch Logs', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    // Sandbox time moves only when a test says so (and stays near the bot's, for its credentials).
    clock = new ManualClock(Date.now());
    h = await startHarness({ sandbox: { account: taskdefsAccount(), clock } });
  });
  afterEach(async () => {
    await h.stop();
  });

  const tasksOf = (service: string) =>
    [...h.sandbox.world.cluster('prod').tasks.values()].filter((t) => t.service?.name === service);

  it('logs worker shows the newest running task’s last 20 lines in a code block, read from its awslogs stream, only to the user, and changes nothing', async () => {
    const running = tasksOf('worker').find((t) => t.lastStatus === 'RUNNING')!;

    const result = await h.command('logs worker', { user: USERS.rita });

    expect(result.ack.text).toContain('Reading the logs of worker');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(
      `Logs of worker in prod: task ${running.id.slice(0, 8)} (worker:2), 20 lines from 1 of 1 container`,
    );
    expect(texts(reply, 'context')[0]).toMatch(
      new RegExp(
        `^newest running task of \\*worker\\*: \`${running.id.slice(0, 8)}\` \\(\`worker:2\`\\), up for \\d+m`,
      ),
    );
    expect(texts(reply, 'section')[0]).toBe(`*worker* · \`/ecs/worker\` › \`ecs/worker/${running.id}\``);
    const lines = codeLines(reply);
    expect(lines).toHaveLength(20);
    // It started 3 minutes ago: its start-up lines, then a line every 10 s.
    expect(lines.slice(0, 2)).toEqual([
      'worker: starting 111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:2.4.1 (bin/worker)',
      'worker: ready, waiting for work',
    ]);
    expect(
      lines.slice(2).every((l) => /^worker: processed batch \d+ \(\d+ jobs\) task=[0-9a-f]{8} heap=\d+MiB$/.test(l)),
    ).toBe(true);
    const [get] = h.sandbox.callsTo('logs:GetLogEvents');
    expect(get!.params).toEqual({
      logGroupName: '/ecs/worker',
      logStreamName: `ecs/worker/${running.id}`,
      startFromHead: false,
      limit: 20,
    });
    expect(get!.principal).toMatchObject({ roleArn: roleArn('prod', 'read'), sourceIdentity: USERS.rita });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('--lines 5 shows exactly the newest 5 lines, with a button for more', async () => {
    const result = await h.command('logs worker --lines 5');

    expect(codeLines(result.replies[0])).toHaveLength(5);
    expect(h.sandbox.callsTo('logs:GetLogEvents')[0]!.params).toMatchObject({ limit: 5 });
    const more = buttonsOf(result.replies[0]).find((b) => b.text.text === '100 lines')!;
    expect(JSON.parse(more.value)).toEqual({ cluster: 'prod', args: ['worker', '--lines', '100'] });
  });

  it('a task OOM-killed with exit code 137, named by the first 8 characters of its id, ends with the out-of-memory line and says how the container exited', async () => {
    const crashed = tasksOf('worker').find((t) => t.lastStatus === 'STOPPED')!;

    const result = await h.command(`logs ${crashed.id.slice(0, 8)}`);

    const reply = result.replies[0]!;
    expect(texts(reply, 'section')[0]).toBe(
      `*worker* (exit code 137: killed (SIGKILL) — often out of memory — OutOfMemoryError: Container killed due to memory usage) · \`/ecs/worker\` › \`ecs/worker/${crashed.id}\``,
    );
    expect(codeLines(reply).slice(-2)).toEqual([
      'fatal error: runtime: out of memory (limit 512 MiB)',
      'worker: killed by the OOM killer, exit code 137 — OutOfMemoryError: Container killed due to memory usage',
    ]);
    expect(texts(reply, 'context')[0]).toMatch(
      /^task `[0-9a-f]{8}` \(`worker:2`\) of service \*worker\* · STOPPED .*: an essential container exited/,
    );
  });

  it('the Logs button of a task’s details shows that task’s logs, through the same authorization as typing it', async () => {
    const running = tasksOf('shop').find((t) => t.lastStatus === 'RUNNING')!;
    const details = await h.command(`task ${running.id}`, { user: USERS.rita });
    const button = buttonsOf(details.replies[0]).find((b) => b.text.text === 'Logs')!;

    const result = await h.click(button.action_id, button.value, { user: USERS.rita });

    const reply = result.replies.at(-1)!;
    expect(reply.text).toBe(
      `Logs of shop in prod: task ${running.id.slice(0, 8)} (shop:1), 20 lines from 1 of 2 containers`,
    );
    expect(h.sandbox.callsTo('logs:GetLogEvents')[0]!.params).toMatchObject({
      logGroupName: '/ecs/shop',
      logStreamName: `ecs/app/${running.id}`,
    });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a service with no running task shows its most recently stopped one, and says so', async () => {
    h.sandbox.world.updateService('prod', 'worker', { desiredCount: 0 });
    clock.advance(MINUTE);

    const result = await h.command('logs worker');

    const reply = result.replies[0]!;
    expect(texts(reply, 'context')[0]).toMatch(
      /^:warning: \*worker\* has no running task; this is its most recently stopped one, `[0-9a-f]{8}`/,
    );
    expect(codeLines(reply).slice(-2)).toEqual([
      'worker: received SIGTERM, shutting down gracefully',
      'worker: exited with code 0',
    ]);
  });

  it('a container without the awslogs driver gets a sentence saying what to configure, beside the one that has it', async () => {
    const result = await h.command('logs shop');

    const sections = texts(result.replies[0], 'section');
    expect(sections[0]).toMatch(/^\*app\* · `\/ecs\/shop` › `ecs\/app\/[0-9a-f]{32}`$/);
    expect(codeLines(result.replies[0])[0]).toMatch(/"GET \/\S* HTTP\/1\.1" \d{3}/);
    expect(sections.at(-1)).toBe(
      '*envoy*: logs with the `json-file` driver, so its output stays on the instance where CloudWatch cannot show it. To read it here, give the container a `logConfiguration` with `logDriver: awslogs` and the options `awslogs-group`, `awslogs-region` and `awslogs-stream-prefix`, and let the task execution role call logs:CreateLogStream and logs:PutLogEvents.',
    );
    expect(h.sandbox.callsTo('logs:GetLogEvents')).toHaveLength(1);
  });

  it('a container logging to awslogs without a stream prefix is told to add one, and no log call is made', async () => {
    const result = await h.command('logs legacy');

    expect(texts(result.replies[0], 'section')[0]).toBe(
      '*legacy*: logs to `/ecs/legacy` without `awslogs-stream-prefix`, so its stream is named by the Docker container id, which ECS does not report. Add `awslogs-stream-prefix` (e.g. `ecs`) to its log options; new tasks then log to `PREFIX/CONTAINER/TASK_ID`.',
    );
    expect(h.sandbox.callsTo('logs:GetLogEvents')).toHaveLength(0);
  });

  it('a service whose task definition has no log configuration gets the same sentence', async () => {
    const result = await h.command('logs api');

    expect(texts(result.replies[0], 'section')[0]).toMatch(
      /^\*api\*: has no log configuration \(Docker’s default json-file\), so its output stays on the instance/,
    );
  });

  it('200 long lines are cut from the oldest side to fit Slack, saying how many were left out', async () => {
    clock.advance(30 * MINUTE);

    const result = await h.command('logs shop --lines 200');

    const reply = result.replies[0]!;
    const shown = codeLines(reply);
    expect(shown.length).toBeGreaterThan(50);
    expect(shown.length).toBeLessThan(200);
    expect(texts(reply, 'context')).toContain(
      `${200 - shown.length} older lines left out to fit Slack's message limits (showing the newest ${shown.length}); CloudWatch has them all.`,
    );
    expect(
      texts(reply, 'section')
        .filter((t) => t.startsWith('```'))
        .every((t) => t.length <= 3000),
    ).toBe(true);
    expect(buttonsOf(reply).map((b) => b.text.text)).toEqual(['Task details', 'Service shop']);
  });

  it('a task named by its ARN is found like one named by its id', async () => {
    const running = tasksOf('worker').find((t) => t.lastStatus === 'RUNNING')!;

    const result = await h.command(`logs ${running.arn} -n 3`);

    expect(result.replies[0]!.text).toBe(
      `Logs of worker in prod: task ${running.id.slice(0, 8)} (worker:2), 3 lines from 1 of 1 container`,
    );
  });

  it('with 30 % of AWS calls throttled, logs, taskdefs, taskdef, repos and images all still answer, and nothing changes', async () => {
    h.sandbox.inject({ kind: 'throttle', rate: 0.3 });

    const replies = [];
    for (const text of ['logs worker', 'taskdefs', 'taskdefs worker', 'taskdef shop', 'repos', 'images worker'])
      replies.push((await h.command(text)).replies[0]!.text);

    expect(replies.map((t) => t!.split(':')[0])).toEqual([
      'Logs of worker in prod',
      'Task definition families in us-east-1 (prod)',
      'worker in prod',
      'shop',
      'ECR repositories in us-east-1 (prod)',
      'worker (prod)',
    ]);
    expect(h.sandbox.calls.some((c) => c.error === 'ThrottlingException')).toBe(true);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a misspelt service gets "did you mean" and reads no logs', async () => {
    const result = await h.command('logs wroker');

    expect(result.replies[0]!.text).toMatch(/^There is no service wroker in prod\. Did you mean worker\?/);
    expect(h.sandbox.callsTo('logs:GetLogEvents')).toHaveLength(0);
  });

  it.each([
    ['logs worker --lines 500', '--lines can be at most 200'],
    ['logs worker --lines many', '--lines must be a whole number'],
    ['logs', 'SVC|TASK is missing'],
  ])('"%s" gets usage help and makes no AWS call', async (text, hint) => {
    const result = await h.command(text);

    expect(result.ack.text).toContain(hint);
    expect(result.ack.text).toContain('/ecs logs SVC|TASK [--lines N]');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('AccessDenied on GetLogEvents names the action and the role', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'logs:GetLogEvents' });

    const result = await h.command('logs worker');

    expect(result.replies[0]!.text).toMatch(
      /^AWS denied logs:GetLogEvents on prod \(log stream ecs\/worker\/[0-9a-f]{32} of \/ecs\/worker\) to role chatops-prod-read \(arn:aws:iam::111111111111:role\/chatops-prod-read\)\. That role's IAM policy must allow logs:GetLogEvents/,
    );
  });
});

describe('/ecs logs during a crash loop', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    // The bot reads the sandbox's time, so "started 20 s ago" is said in the account's own time.
    clock = new ManualClock(Date.now());
    h = await startHarness({
      sandbox: { account: taskdefsAccount(), clock },
      clock: { now: () => clock.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('when the newest task started less than a minute ago and the one before it was OOM-killed, logs SVC shows the killed one’s last lines and says which task', async () => {
    // The running worker started 3 minutes ago and is OOM-killed at 7: let that happen, and 20 s more.
    clock.advance(4 * MINUTE + 20_000);
    const tasks = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.service?.name === 'worker' || t.group === 'service:worker',
    );
    const newest = tasks.filter((t) => t.lastStatus === 'RUNNING').sort((a, b) => b.createdAt - a.createdAt)[0]!;
    const killed = tasks
      .filter((t) => t.lastStatus === 'STOPPED')
      .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0))[0]!;

    const result = await h.command('logs worker');

    const reply = result.replies[0]!;
    expect(reply.text).toBe(
      `Logs of worker in prod: task ${killed.id.slice(0, 8)} (worker:2), 20 lines from 1 of 1 container`,
    );
    expect(texts(reply, 'context')[0]).toMatch(
      new RegExp(
        `^:warning: \\*worker\\*: its newest task, \`${newest.id.slice(0, 8)}\`, started only 20s ago, so these are the last lines of the task that stopped before it, \`${killed.id.slice(0, 8)}\` \\(\`worker:2\`\\), which stopped <!date`,
      ),
    );
    expect(texts(reply, 'section')[0]).toContain('exit code 137: killed (SIGKILL)');
  });

  it('a newest task that has run for more than a minute is the one shown, as usual', async () => {
    clock.advance(4 * MINUTE + 90_000);
    const result = await h.command('logs worker');
    expect(texts(result.replies[0], 'context')[0]).toMatch(
      /^newest running task of \*worker\*: `[0-9a-f]{8}` \(`worker:2`\), up for 1m 30s/,
    );
  });
});
