import { ListServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { type Harness } from '../../testbed/harness';
import { roleArn } from '../../testbed/accounts';
import {
  APPROVAL_USERS as U,
  OPS,
  channelMessages,
  clusterStatus,
  labClients,
  requestMessage,
  shown,
  startApprovalHarness,
  storedRequest,
} from '../../testbed/approvals';

describe('/ecs teardown, approved by a second person', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startApprovalHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('posts the plan read from the live cluster, with Approve, Deny and Cancel, and changes nothing yet', async () => {
    // Act
    const result = await h.command('teardown lab', { user: U.alice, channel: OPS });

    // Assess
    expect(result.ack.text).toContain('Reading lab to plan its teardown');
    const { message, buttons } = requestMessage(h);
    expect(buttons).toEqual(['Approve', 'Deny', 'Cancel (requester)']);
    const text = shown(message);
    expect(message.text).toBe('Teardown of lab: approval needed (asked by <@U0ALICE>)');
    expect(text).toContain('<@U0ALICE> asked for the teardown of *lab*');
    expect(text).toMatch(/\*3 services\* to scale to 0 and delete: `api` \(1\/1\), `web` \(2\/2\), `worker` \(1\/1\)/);
    expect(text).toMatch(
      /\*2 standalone tasks\* to stop: `[0-9a-f]{12}` \(lab-batch:1\), `[0-9a-f]{12}` \(lab-batch:1\)/,
    );
    expect(text).toMatch(/\*2 container instances\* to deregister/);
    expect(text).toMatch(/\*2 EC2 instances\* to terminate: `i-[0-9a-f]+` t3\.large, `i-[0-9a-f]+` t3\.large/);
    expect(text).toContain('*the cluster* `lab` itself, once it is empty');
    expect(text).toContain(
      '*2 ECR repositories* from the config, with their images: `lab/web` (3 images), `lab/api` (1 image)',
    );
    expect(text).toMatch(
      /Needs approval from a member of \*platform\* or \*auditors\* with admin on \*lab\*, other than <@U0ALICE>\. Expires <!date\^\d+\^/,
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('approved by bob, leaves nothing behind in the sandbox, and the message shows every step and the time it took', async () => {
    // Prepare
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { requestId } = requestMessage(h);
    const ec2Ids = h.sandbox.world
      .ec2Instances()
      .filter((i) => i.clusterName === 'lab')
      .map((i) => i.id);

    // Act
    const click = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    // Assess: what people saw
    expect(click.replies).toEqual([]); // nothing private to say: the channel message says it
    const updates = h.slack.callsTo('chat.update').map((c) => String(c.args.text));
    expect(updates[0]).toBe('Teardown of lab: approved by <@U0BOB>. Starting…');
    const [final] = channelMessages(h);
    const text = shown(final);
    expect(final?.text).toMatch(
      /^Teardown of lab: Teardown finished in (under a second|\d+s): 3 services deleted, 2 tasks stopped, 2 container instances deregistered, 2 EC2 instances terminated, the cluster deleted, 2 ECR repositories deleted\.$/,
    );
    expect(text).toContain('Approved by <@U0BOB>');
    expect(text).toContain("running as <@U0ALICE>'s admin role");
    for (const line of [
      ':white_check_mark: Scale `api` to 0 and delete it',
      ':white_check_mark: Scale `web` to 0 and delete it',
      ':white_check_mark: Scale `worker` to 0 and delete it',
      ':white_check_mark: Wait for the services to drain and the tasks to stop',
      ':white_check_mark: Delete cluster `lab`',
      ':white_check_mark: Delete ECR repository `lab/web` and its 3 images',
      ':white_check_mark: Delete ECR repository `lab/api` and its 1 image',
      ...ec2Ids.map((id) => `:white_check_mark: Terminate EC2 instance \`${id}\` (t3.large)`),
    ]) {
      expect(text).toContain(line);
    }
    expect(text.match(/:white_check_mark: Stop task `[0-9a-f]{12}` \(lab-batch:1\)/g)).toHaveLength(2);
    expect(text.match(/:white_check_mark: Deregister container instance `[0-9a-f]{12}` \(i-[0-9a-f]+\)/g)).toHaveLength(
      2,
    );
    expect(text).not.toContain(':white_small_square:');
    expect(final && JSON.stringify(final.blocks)).not.toContain('"actions"');

    // Assess: the world, through the sandbox's API
    expect(await clusterStatus(h, 'lab')).toBe('INACTIVE');
    const { ec2, ecr, ecs } = await labClients(h);
    const instances = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ec2Ids }));
    expect(instances.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual([
      'terminated',
      'terminated',
    ]);
    const repos = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(repos.repositories?.map((r) => r.repositoryName)).toEqual(['keep/me']);
    await expect(ecs.send(new ListServicesCommand({ cluster: 'lab' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    // …and in the world itself: nothing of lab is alive.
    const lab = h.sandbox.world.findCluster('lab')!;
    expect([...lab.services.values()].map((s) => s.status)).toEqual(['INACTIVE', 'INACTIVE', 'INACTIVE']);
    expect([...lab.tasks.values()].every((t) => t.lastStatus === 'STOPPED')).toBe(true);
    expect([...lab.instances.values()].every((i) => i.status === 'INACTIVE')).toBe(true);
    // Other clusters are untouched.
    expect(h.sandbox.world.findCluster('staging')?.status).toBe('ACTIVE');

    // Assess: every call was made with alice's admin role on lab, carrying her identity.
    const mutations = h.sandbox.mutations();
    expect(mutations.length).toBeGreaterThan(10);
    expect(
      mutations.every(
        (c) =>
          c.principal.kind === 'assumed' &&
          c.principal.roleArn === roleArn('lab', 'admin') &&
          c.principal.sourceIdentity === U.alice,
      ),
    ).toBe(true);

    // Assess: the record in the state table
    const record = await storedRequest(h, requestId);
    expect(record).toMatchObject({
      status: 'done',
      requester: { id: U.alice },
      decidedBy: { id: U.bob },
      runAs: { user: { id: U.alice }, team: 'lab-admins' },
    });
    expect(record?.plan).toMatchObject({
      kind: 'teardown',
      services: [{ name: 'api' }, { name: 'web' }, { name: 'worker' }],
    });
    expect(record?.steps?.every((s) => s.state === 'done')).toBe(true);
  });

  it('every request, decision and step leaves an audit line', async () => {
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    await h.click('approval:approve', requestMessage(h).requestId, { user: U.bob, channel: OPS });

    const audits = h.logs.lines().flatMap((l) => (l.audit ? [l.audit as Record<string, unknown>] : []));
    const approvals = audits.filter((a) => a.source === 'approval');
    expect(approvals[0]).toMatchObject({
      user: U.alice,
      command: 'teardown lab',
      cluster: 'lab',
      outcome: 'ok',
      detail: expect.stringMatching(/^approval requested/),
    });
    expect(approvals[1]).toMatchObject({ user: U.bob, command: 'approve teardown lab', outcome: 'dispatched' });
    const steps = approvals.filter((a) => typeof a.detail === 'string' && a.detail.startsWith('step '));
    expect(steps.map((s) => s.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^step 1\/\d+: Scale api to 0 and delete it$/),
        expect.stringMatching(/: Delete cluster lab$/),
      ]),
    );
    expect(steps.every((s) => s.outcome === 'ok' && s.role === roleArn('lab', 'admin'))).toBe(true);
    expect(approvals.at(-1)).toMatchObject({ outcome: 'ok', detail: expect.stringMatching(/^Teardown finished/) });
  });

  it('the live progress updates the message at most about once a second', async () => {
    await h.stop();
    h = await startApprovalHarness({ approvalTiming: { progressIntervalMs: 1000 } });
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    await h.click('approval:approve', requestMessage(h).requestId, { user: U.bob, channel: OPS });

    // The listener's "approved by" edit, then the worker's, each at least ~1 s after the one before.
    const times = h.slack
      .callsTo('chat.update')
      .slice(1)
      .map((c) => c.at);
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(shown(channelMessages(h)[0])).toContain('Teardown finished');
  });

  it('nothing left: a teardown of a deleted cluster says so and asks nobody', async () => {
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    await h.click('approval:approve', requestMessage(h).requestId, { user: U.bob, channel: OPS });
    const before = channelMessages(h).length;

    const again = await h.command('teardown lab', { user: U.alice, channel: OPS });

    expect(again.seen).toContain('There is nothing left to tear down in *lab*');
    expect(channelMessages(h)).toHaveLength(before);
  });

  it('the cluster named in the command wins over the channel default, and a contradicting --cluster is refused', async () => {
    const named = await h.command('teardown lab', { user: U.bob, channel: 'C0WEB' }); // #web defaults to prod
    expect(named.ack.text).toContain('(lab)');
    const both = await h.command('teardown lab -c prod', { user: U.bob, channel: OPS });
    expect(both.ack.text).toContain('name different clusters');
    expect(h.slack.messages('C0WEB').filter((m) => !m.ephemeral)).toHaveLength(1);
  });

  it('someone with operate on the cluster is refused before anything is read', async () => {
    const result = await h.command('teardown lab', { user: U.carol, channel: OPS });
    expect(result.ack.text).toMatch(/`teardown` needs \*admin\* on \*lab\*, but you have \*operate\* there/);
    expect(h.sandbox.calls).toHaveLength(0);
    expect(channelMessages(h)).toHaveLength(0);
  });
});
