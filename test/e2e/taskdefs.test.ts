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

function sectionTexts(reply: Reply | undefined): string[] {
  return ((reply?.blocks ?? []) as { type: string; text?: { text: string } }[])
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text!.text);
}

describe('/ecs taskdefs and /ecs taskdef, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: taskdefsAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a read-only user lists the task definition families, only to them, with a button to each one’s revisions', async () => {
    const result = await h.command('taskdefs', { user: USERS.rita });

    expect(result.ack.text).toContain('Listing task definition families');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Task definition families in us-east-1 (prod): 6 (6 in all)');
    expect(sectionTexts(reply)[1]).toBe(
      ['api', 'legacy', 'shop', 'web', 'web-fixed', 'worker'].map((f) => `• \`${f}\``).join('\n'),
    );
    const first = buttonsOf(reply)[0]!;
    expect(first.text.text).toBe('api revisions');
    expect(JSON.parse(first.value)).toEqual({ cluster: 'prod', args: ['api'] });
    expect(h.sandbox.callsTo('ecs:ListTaskDefinitionFamilies')).toHaveLength(1);
    expect(
      h.sandbox.calls
        .filter((c) => c.service !== 'sts')
        .every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('prod', 'read')),
    ).toBe(true);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('taskdefs worker lists its revisions newest first, the deregistered one marked INACTIVE, with a button that shows the latest', async () => {
    h.sandbox.world.registerTaskDefinition({
      family: 'worker',
      containerDefinitions: [{ name: 'worker', image: 'worker:2.5.0', memory: 512 }],
    });
    h.sandbox.world.deregisterTaskDefinition('worker:1');

    const result = await h.command('taskdefs worker');

    const reply = result.replies[0]!;
    expect(reply.text).toBe('worker in prod: 3 revisions, 2 active, latest worker:3');
    const [summary, lines] = sectionTexts(reply);
    expect(summary).toBe('*3 revisions* of `worker`: 2 ACTIVE, 1 INACTIVE (deregistered) · latest ACTIVE: `worker:3`');
    expect(lines!.split('\n')).toEqual([
      '• `worker:3` ACTIVE · *latest*',
      '• `worker:2` ACTIVE',
      '• `worker:1` _INACTIVE (deregistered)_',
    ]);
    const show = buttonsOf(reply).find((b) => b.text.text === 'Show worker:3')!;
    const shown = await h.click(show.action_id, show.value, { user: USERS.rita });
    expect(shown.replies.at(-1)!.text).toBe('worker:3 (ACTIVE) in prod: 1 container — worker worker:2.5.0');
    expect(h.sandbox.callsTo('ecs:ListTaskDefinitions').map((c) => c.params.status)).toEqual(
      expect.arrayContaining(['ACTIVE', 'INACTIVE']),
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('taskdef worker shows the latest active revision: image, CPU and memory, log group, environment names but never their values, secrets by name, task role', async () => {
    const result = await h.command('taskdef worker');

    const reply = result.replies[0]!;
    expect(reply.text).toBe(
      `worker:2 (ACTIVE) in prod: 1 container — worker 111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:2.4.1`,
    );
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('*Task role*\\n`worker-task`');
    expect(body).toContain('*worker* `111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:2.4.1` · essential');
    expect(body).toContain('*CPU*\\n256 units');
    expect(body).toContain('*Memory*\\n512 MiB hard limit');
    expect(body).toContain('awslogs → `/ecs/worker` (prefix `ecs`, us-east-1)');
    expect(body).toContain('2 variables: `DATABASE_URL`, `LOG_LEVEL`');
    expect(body).toContain('1 secret: `API_TOKEN`');
    expect(body).not.toContain('s3cret');
    expect(body).not.toContain('postgres://');
    expect(body).not.toContain(':warning:');
    expect(h.sandbox.callsTo('ecs:DescribeTaskDefinition')[0]!.params).toMatchObject({ taskDefinition: 'worker' });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('taskdef shop flags the fixed host port 8080, which collides when two copies share an instance, and names the sidecar’s log driver', async () => {
    const result = await h.command('taskdef shop:1');

    const sections = sectionTexts(result.replies[0]);
    expect(sections[0]).toBe(
      ':warning: *Fixed host port 8080 (app)*: two tasks of this definition cannot run on the same instance, so a service with more tasks than instances leaves some unplaced. Use hostPort 0 (a dynamic port) behind a load balancer, or awsvpc networking.',
    );
    const body = JSON.stringify(result.replies[0]!.blocks);
    expect(body).toContain('8080 → host 8080 :warning: fixed');
    expect(body).toContain('*Task size*\\n512 CPU units, 1024 MiB');
    expect(body).toContain('*envoy* `envoyproxy/envoy:v1.31` · not essential');
    expect(body).toContain('`json-file` driver (not readable with `/ecs logs`)');
    expect(body).toContain('128 MiB reserved');
    expect(body).toContain('*Task role*\\nnone: the containers get no AWS permissions of their own');
  });

  it('a deregistered revision is shown as INACTIVE, saying ECS starts no new tasks from it', async () => {
    h.sandbox.world.deregisterTaskDefinition('worker:1');

    const result = await h.command('taskdef worker:1');

    expect(result.replies[0]!.text).toMatch(/^worker:1 \(INACTIVE\) in prod/);
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain('ECS starts no new tasks from it');
  });

  it('a misspelt family gets "did you mean" and the families that exist, and nothing changes', async () => {
    const result = await h.command('taskdefs wroker');

    // prod's config names its families, so a name it does not own is refused before ECS is asked.
    expect(result.replies[0]!.text).toMatch(
      /^wroker is not a task definition family of prod, so taskdefs may not use it there\. Did you mean worker\? /,
    );
    expect(h.sandbox.calls.filter((c) => c.service !== 'sts')).toHaveLength(0);
    expect(result.replies[0]!.response_type).toBe('ephemeral');
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('taskdef of a revision that does not exist lists the revisions the family has', async () => {
    const result = await h.command('taskdef worker:9');

    expect(result.replies[0]!.text).toBe('worker has no revision 9. Its ACTIVE revisions: worker:2, worker:1.');
  });

  it('taskdef of a misspelt family gets "did you mean"', async () => {
    const result = await h.command('taskdef shpo');

    expect(result.replies[0]!.text).toMatch(
      /^shpo is not a task definition family of prod, so taskdef may not use it there\. Did you mean shop\?/,
    );
  });

  it.each([
    ['taskdefs web:3', 'for one revision, `/ecs taskdef FAMILY:REV`'],
    ['taskdef', 'FAMILY[:REV] is missing'],
    ['taskdef web:0', 'FAMILY or FAMILY:REVISION'],
  ])('"%s" gets usage help and makes no AWS call', async (text, hint) => {
    const result = await h.command(text);

    expect(result.ack.text).toContain(hint);
    expect(result.ack.text).toContain('Example');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('more families than a page: a Next button runs taskdefs --page 2 through the same path', async () => {
    for (let i = 1; i <= 70; i += 1)
      h.sandbox.world.registerTaskDefinition({
        family: `batch-${String(i).padStart(2, '0')}`,
        containerDefinitions: [{ name: 'job', image: 'job:1', memory: 64 }],
      });

    const first = await h.command('taskdefs');

    expect(first.replies[0]!.text).toBe('Task definition families in us-east-1 (prod): 76 (showing 1–60 of 76)');
    const next = buttonsOf(first.replies[0]).find((b) => b.text.text.startsWith('Next'))!;
    expect(JSON.parse(next.value)).toEqual({ cluster: 'prod', args: ['--page', '2'] });
    const second = await h.click(next.action_id, next.value);
    const reply = second.replies.at(-1)!;
    expect(reply.text).toBe('Task definition families in us-east-1 (prod): 76 (showing 61–76 of 76)');
    expect(sectionTexts(reply)[1]).toContain('• `worker`');
    expect(buttonsOf(reply).find((b) => b.text.text.startsWith('Next'))).toBeUndefined();
  });

  it('AccessDenied from AWS is a reply naming the action and the role, not a stack trace', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:ListTaskDefinitionFamilies' });

    const result = await h.command('taskdefs');

    expect(result.replies[0]!.text).toBe(
      `AWS denied ecs:ListTaskDefinitionFamilies on prod to role chatops-prod-read (${roleArn('prod', 'read')}). That role's IAM policy must allow ecs:ListTaskDefinitionFamilies — ask a platform admin to update it (see the roles template in deploy/).`,
    );
  });
});
