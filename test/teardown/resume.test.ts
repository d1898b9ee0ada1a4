import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { type Harness } from '../../testbed/harness';
import {
  APPROVAL_USERS as U,
  OPS,
  channelMessages,
  clusterStatus,
  labClients,
  shown,
  startApprovalHarness,
  storedRequest,
  buttonsOf,
} from '../../testbed/approvals';

/** The newest approval request message in #ops and its id. */
function latestRequest(h: Harness): { text: string; requestId: string } {
  const messages = channelMessages(h);
  const message = messages.at(-1)!;
  return { text: shown(message), requestId: buttonsOf(message)[0]?.value ?? '' };
}

describe('a teardown that fails half way', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startApprovalHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('stops at an AccessDenied on one instance, says what was done and what was not, and a second run finishes the job', async () => {
    // Prepare: AWS will refuse to terminate the second instance, once.
    const [first, second] = h.sandbox.world
      .ec2Instances()
      .filter((i) => i.clusterName === 'lab')
      .map((i) => i.id);
    h.sandbox.inject({ kind: 'accessDenied', action: 'ec2:TerminateInstances', resource: second!, times: 1 });

    // Act: the first run
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const firstRequest = latestRequest(h).requestId;
    await h.click('approval:approve', firstRequest, { user: U.bob, channel: OPS });

    // Assess: the message shows what was done and what was not
    const failed = channelMessages(h)[0]!;
    const text = shown(failed);
    expect(failed.text).toMatch(
      new RegExp(
        `^Teardown of lab: Stopped at step 10 of 13 after (under a second|\\d+s): AWS denied ec2:TerminateInstances on lab \\(EC2 instance ${second}\\) to role chatops-lab-admin`,
      ),
    );
    expect(text).toContain(`:white_check_mark: Terminate EC2 instance \`${first}\` (t3.large)`);
    expect(text).toContain(
      `:x: Terminate EC2 instance \`${second}\` (t3.large) — AWS denied \`ec2:TerminateInstances\``,
    );
    expect(text).toContain(':white_small_square: Delete cluster `lab` (not done)');
    expect(text).toContain(':white_small_square: Delete ECR repository `lab/web` and its 3 images (not done)');
    expect(text).toMatch(
      /Done: 9 steps\. Not done: Terminate EC2 instance `i-[0-9a-f]+` \(t3\.large\); Delete cluster `lab`; Delete ECR repository `lab\/web` and its 3 images; Delete ECR repository `lab\/api` and its 1 image\. Run `\/ecs teardown lab` again: it plans from what is left and finishes the job\./,
    );
    expect(await storedRequest(h, firstRequest)).toMatchObject({ status: 'failed' });
    expect(await clusterStatus(h)).toBe('ACTIVE');
    expect(
      h.logs
        .lines()
        .some((l) =>
          (l.audit as { outcome?: string; detail?: string } | undefined)?.detail?.startsWith(
            'step 10/13: Terminate EC2 instance',
          ),
        ),
    ).toBe(true);

    // Act: the second run plans from what is left, and needs approving again
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const second_ = latestRequest(h);
    expect(second_.text).toContain(
      `*1 EC2 instance* to terminate: \`${second}\` t3.large (left by an earlier teardown)`,
    );
    expect(second_.text).not.toMatch(/services\* to scale|standalone task|container instance/);
    expect(second_.text).toContain('*the cluster* `lab` itself');
    await h.click('approval:approve', second_.requestId, { user: U.erin, channel: OPS });

    // Assess: done, and nothing of lab is left
    const finished = channelMessages(h).at(-1)!;
    expect(finished.text).toMatch(
      /^Teardown of lab: Teardown finished in .*: 1 EC2 instance terminated, the cluster deleted, 2 ECR repositories deleted\.$/,
    );
    expect(await clusterStatus(h)).toBe('INACTIVE');
    const { ec2, ecr } = await labClients(h);
    const instances = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [first!, second!] }));
    expect(instances.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual([
      'terminated',
      'terminated',
    ]);
    expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories?.map((r) => r.repositoryName)).toEqual([
      'keep/me',
    ]);

    // …and a third run finds nothing to do.
    const third = await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(third.seen).toContain('There is nothing left to tear down in *lab*');
  });

  it('when the admin role cannot be assumed, no plan is posted, the requester is told why, and nothing changes', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'sts:AssumeRole', resource: 'chatops-lab-admin' });
    const result = await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(result.seen).toContain('I could not assume the admin role of *lab*');
    expect(channelMessages(h)).toHaveLength(0);
    expect(h.sandbox.mutations()).toEqual([]);
  });

  it('an AccessDenied on the very first step stops the run there, and the next plan still lists that service', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:DeleteService', times: 1 });
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    await h.click('approval:approve', latestRequest(h).requestId, { user: U.bob, channel: OPS });
    const text = shown(channelMessages(h)[0]);
    expect(text).toContain(':x: Scale `api` to 0 and delete it — AWS denied `ecs:DeleteService`');
    expect(text).toMatch(
      /Stopped at step 1 of 13 after [^:]+: AWS denied `ecs:DeleteService`.*Done: 0 steps\. Not done: Scale `api` to 0 and delete it; .* and 8 more\./,
    );
    // The failed step had already scaled api to 0 (UpdateService ran, DeleteService was refused): the next plan still lists it.
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(latestRequest(h).text).toMatch(/\*3 services\* to scale to 0 and delete: `api` \(\d\/0\)/);
  });
});
