import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeImagesCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { type Harness } from '../../testbed/harness';
import {
  APPROVAL_USERS as U,
  OPS,
  approvalsConfigYaml,
  buttonsOf,
  channelMessages,
  labClients,
  requestMessage,
  shown,
  startApprovalHarness,
  storedRequest,
} from '../../testbed/approvals';

async function approveLatest(h: Harness, by: string = U.bob): Promise<void> {
  const { requestId } = requestMessage(h);
  await h.click('approval:approve', requestId, { user: by, channel: OPS });
}

async function repositoryNames(h: Harness): Promise<string[]> {
  const { ecr } = await labClients(h);
  return ((await ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? [])
    .map((r) => r.repositoryName ?? '')
    .sort();
}

async function imageTags(h: Harness, repositoryName: string): Promise<string[][]> {
  const { ecr } = await labClients(h);
  return ((await ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails ?? []).map(
    (i) => i.imageTags ?? [],
  );
}

describe('the other approval-gated verbs', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  describe('with approvals for every verb (the default)', () => {
    beforeEach(async () => {
      h = await startApprovalHarness();
    });

    it('service delete: the plan shows the service, and once bob approves it is scaled to 0, deleted and drained; the rest stays', async () => {
      await h.command('service delete api', { user: U.alice, channel: OPS });
      const { message, buttons } = requestMessage(h);
      expect(message.text).toBe('Delete service api (lab): approval needed (asked by <@U0ALICE>)');
      expect(shown(message)).toContain(
        '• Scale `api` (now 1 running of 1, `lab-api:1`) to 0 and delete it; ECS stops its tasks as it drains.',
      );
      expect(buttons).toEqual(['Approve', 'Deny', 'Cancel (requester)']);
      expect(h.sandbox.mutations()).toEqual([]);

      await approveLatest(h);

      const final = channelMessages(h)[0]!;
      expect(final.text).toMatch(/^Delete service api \(lab\): Service api deleted in .*; its tasks have stopped\.$/);
      expect(shown(final)).toContain(':white_check_mark: Scale `api` to 0 and delete it');
      expect(shown(final)).toContain(':white_check_mark: Wait for `api` to drain');
      const { ecs } = await labClients(h);
      const services = await ecs.send(
        new DescribeServicesCommand({ cluster: 'lab', services: ['api', 'web', 'worker'] }),
      );
      expect(services.services?.map((s) => [s.serviceName, s.status])).toEqual([
        ['api', 'INACTIVE'],
        ['web', 'ACTIVE'],
        ['worker', 'ACTIVE'],
      ]);
    });

    it('service delete of a service that does not exist says which ones do, and asks nobody', async () => {
      const result = await h.command('service delete apu', { user: U.alice, channel: OPS });
      expect(result.seen).toMatch(/There is no service `apu` in \*lab\*\. Did you mean `api`\?/);
      expect(channelMessages(h)).toEqual([]);
    });

    it('taskdef deregister: the plan warns which services still use the revision; approved, it becomes INACTIVE', async () => {
      await h.command('taskdef deregister lab-web:1', { user: U.alice, channel: OPS });
      const { message } = requestMessage(h);
      expect(message.text).toBe('Deregister task definition lab-web:1: approval needed (asked by <@U0ALICE>)');
      expect(shown(message)).toContain(':warning: Services in *lab* still use it: `web`.');

      await approveLatest(h, U.erin);

      expect(channelMessages(h)[0]!.text).toMatch(
        /^Deregister task definition lab-web:1: Task definition lab-web:1 is INACTIVE \(.*\)\. 1 service still ran it when it was planned\.$/,
      );
      const { ecs } = await labClients(h);
      const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'lab-web:1' }));
      expect(td.taskDefinition?.status).toBe('INACTIVE');
    });

    it('taskdef deregister of an inactive or unknown revision says so and asks nobody', async () => {
      h.sandbox.world.deregisterTaskDefinition('lab-batch:1');
      const inactive = await h.command('taskdef deregister lab-batch:1', { user: U.alice, channel: OPS });
      const unknown = await h.command('taskdef deregister lab-nope:7', { user: U.alice, channel: OPS });
      const noRevision = await h.command('taskdef deregister lab-web', { user: U.alice, channel: OPS });
      expect(inactive.seen).toContain('`lab-batch:1` is already INACTIVE; there is nothing to deregister.');
      expect(unknown.seen).toContain('ECS has no task definition `lab-nope:7`');
      expect(noRevision.ack.text).toContain('name the revision: FAMILY:REV, like web:3');
      expect(channelMessages(h)).toEqual([]);
    });

    it('image delete of a tag the image shares: only the tag goes, and the plan says so', async () => {
      await h.command('image delete lab/web latest', { user: U.alice, channel: OPS });
      expect(shown(requestMessage(h).message)).toContain('The image keeps its other tags (`1.0`); only the tag goes.');

      await approveLatest(h);

      expect(channelMessages(h)[0]!.text).toMatch(
        /^Delete image lab\/web:latest: Tag latest removed from lab\/web \(.*\); the image keeps 1 other tag\.$/,
      );
      expect(await imageTags(h, 'lab/web')).toEqual([['1.0'], ['0.9'], []]);
    });

    it('the delete plan and `images` give an image the same size, in the same labelled unit (MiB)', async () => {
      await h.command('image delete lab/web 0.9', { user: U.alice, channel: OPS });
      const plan = shown(requestMessage(h).message);
      const inPlan = /\(`sha256:[0-9a-f]{12}…`, ([\d.]+ MiB)\)/.exec(plan)?.[1];
      const images = await h.command('images lab/web -c lab', { user: U.alice, channel: OPS });
      const line = images.seen.split('\\n').find((l) => l.includes('`0.9`'));
      expect(inPlan).toBe('48.6 MiB'); // 51,000,000 bytes: "51.0 MB" before, beside "48.6 MB" in images
      expect(line).toContain(` · ${inPlan} · `);
      expect(plan).not.toMatch(/\d MB\b/);
    });

    it('image delete of an image’s only tag deletes the image', async () => {
      await h.command('image delete lab/web 0.9', { user: U.alice, channel: OPS });
      expect(shown(requestMessage(h).message)).toContain('It is the image’s only tag, so the image itself is deleted.');

      await approveLatest(h);

      expect(channelMessages(h)[0]!.text).toMatch(/^Delete image lab\/web:0\.9: Image lab\/web:0\.9 deleted/);
      expect(await imageTags(h, 'lab/web')).toEqual([['1.0', 'latest'], []]);
    });

    it('image delete of a tag or repository that does not exist says so and asks nobody', async () => {
      const tag = await h.command('image delete lab/web 9.9', { user: U.alice, channel: OPS });
      const repo = await h.command('image delete keep/nope 1', { user: U.alice, channel: OPS });
      expect(tag.seen).toContain('ECR repository `lab/web` has no image tagged `9.9`');
      expect(repo.seen).toContain('There is no ECR repository `keep/nope` in us-east-1');
      expect(channelMessages(h)).toEqual([]);
    });

    it('repo delete: the plan counts the images; approved, the repository goes with them', async () => {
      await h.command('repo delete lab/web', { user: U.alice, channel: OPS });
      expect(shown(requestMessage(h).message)).toContain('• Delete repository `lab/web` and its 3 images (force).');

      await approveLatest(h);

      expect(channelMessages(h)[0]!.text).toMatch(
        /^Delete ECR repository lab\/web: Repository lab\/web deleted with its images/,
      );
      expect(await repositoryNames(h)).toEqual(['keep/me', 'lab/api']);
    });

    it('each of them needs admin: an operator is refused before anything is read', async () => {
      for (const text of [
        'service delete api',
        'taskdef deregister lab-web:1',
        'image delete lab/web 1.0',
        'repo delete lab/web',
      ]) {
        const result = await h.command(text, { user: U.carol, channel: OPS });
        expect(result.ack.text).toMatch(/needs \*admin\* on \*lab\*, but you have \*operate\* there/);
      }
      expect(h.sandbox.calls).toEqual([]);
    });

    it('each of them obeys the two-person rule: the requester’s own Approve is refused', async () => {
      await h.command('repo delete keep/me', { user: U.bob, channel: OPS });
      const { requestId } = requestMessage(h);
      const click = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
      expect(click.replies[0]?.text).toMatch(/^You asked for this, so someone else has to approve it/);
      expect(await repositoryNames(h)).toContain('keep/me');
      expect((await storedRequest(h, requestId))?.status).toBe('pending');
    });
  });

  it('a verb the config does not list under approvals.verbs runs at once, in the channel, step by step', async () => {
    h = await startApprovalHarness({ yaml: approvalsConfigYaml({ verbs: ['teardown'] }) });

    await h.command('repo delete keep/me', { user: U.alice, channel: OPS });

    const [message] = channelMessages(h);
    expect(buttonsOf(message!)).toEqual([]);
    expect(message!.text).toMatch(/^Delete ECR repository keep\/me: Repository keep\/me deleted with its images/);
    expect(shown(message)).toContain('No approval needed (the config does not gate this verb)');
    expect(shown(message)).toContain(':white_check_mark: Delete ECR repository `keep/me` and its images');
    expect(await repositoryNames(h)).toEqual(['lab/api', 'lab/web']);
    // …while teardown, which it does list, still waits for a second person.
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(buttonsOf(channelMessages(h).at(-1)!).map((b) => b.text)).toEqual(['Approve', 'Deny', 'Cancel (requester)']);
  });
});
