import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import { taskdefsAccount } from '../../testbed/taskdefs-fixtures';

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

/** Buttons of actions blocks and section accessories, in order. */
function buttonsOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { type: string; elements?: Button[]; accessory?: Button }[]).flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []) : b.accessory ? [b.accessory] : [],
  );
}

function sectionTexts(reply: Reply | undefined): string[] {
  return ((reply?.blocks ?? []) as { type: string; text?: { text: string } }[])
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text!.text);
}

/** Slack's date token shows each reader their own time zone; its fallback text is what we compare. */
function withoutDateTokens(text: string): string {
  return text.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1');
}

describe('/ecs repos and /ecs images, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: taskdefsAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a read-only user lists the ECR repositories with their URI and image count, each with an Images button, and nothing changes', async () => {
    const result = await h.command('repos', { user: USERS.rita });

    expect(result.ack.text).toContain('Listing ECR repositories');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('ECR repositories in us-east-1 (prod): 4 (4 in all)');
    const rows = sectionTexts(reply).slice(1).map(withoutDateTokens);
    expect(rows.map((r) => r.split(' · ')[0])).toEqual(['*busy*', '*team/api*', '*web*', '*worker*']);
    expect(rows[3]).toMatch(
      /^\*worker\* · 3 images · created \d{4}-\d\d-\d\d \d\d:\d\d UTC\n`111111111111\.dkr\.ecr\.us-east-1\.amazonaws\.com\/worker`$/,
    );
    expect(rows[1]).toContain('*team/api* · 0 images');
    const images = buttonsOf(reply).filter((b) => b.text.text === 'Images');
    expect(images.map((b) => JSON.parse(b.value) as unknown)).toEqual(
      ['busy', 'team/api', 'web', 'worker'].map((r) => ({ cluster: 'prod', args: [r] })),
    );
    expect(h.sandbox.callsTo('ecr:DescribeRepositories')).toHaveLength(1);
    expect(h.sandbox.callsTo('ecr:ListImages')).toHaveLength(4);
    expect(
      h.sandbox.calls
        .filter((c) => c.service !== 'sts')
        .every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('prod', 'read')),
    ).toBe(true);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('images worker lists tags, a short digest, the size in MiB and the push time, newest first, and says which are untagged', async () => {
    const result = await h.command('images worker');

    const reply = result.replies[0]!;
    expect(reply.text).toBe('worker (prod): 3 images, 2 tagged (3 in all)');
    const [summary, list] = sectionTexts(reply).map(withoutDateTokens);
    expect(summary).toBe('*3 images* in `worker`: 2 tagged, 1 untagged · last push 2026-01-05 11:00 UTC');
    const lines = list!.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^• `2\.4\.1`, `latest` · `sha256:[0-9a-f]{12}` · 97\.0 MiB · pushed 2026-01-05 11:00 UTC$/,
    );
    expect(lines[1]).toMatch(/^• _untagged_ · `sha256:[0-9a-f]{12}` · 95\.0 MiB · pushed 2026-01-05 10:00 UTC$/);
    expect(lines[2]).toMatch(/^• `2\.4\.0` · `sha256:[0-9a-f]{12}` · 94\.0 MiB · pushed 2026-01-05 09:00 UTC$/);
    expect(h.sandbox.callsTo('ecr:DescribeImages')[0]!.params).toMatchObject({ repositoryName: 'worker' });
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('the Images button of a repository lists its images through the same path as typing it', async () => {
    const repos = await h.command('repos', { user: USERS.rita });
    const web = buttonsOf(repos.replies[0]).find((b) => JSON.parse(b.value).args[0] === 'web')!;

    const result = await h.click(web.action_id, web.value, { user: USERS.rita });

    expect(result.replies.at(-1)!.text).toBe('web (prod): 1 image, 1 tagged (1 in all)');
    expect(h.sandbox.callsTo('ecr:DescribeImages').at(-1)!.principal).toMatchObject({
      roleArn: roleArn('prod', 'read'),
      sourceIdentity: USERS.rita,
    });
  });

  it('a misspelt repository gets "did you mean" and the repositories that exist', async () => {
    const result = await h.command('images wroker');

    // prod owns worker (clusters.prod.repositories): a name it does not own is refused before ECR is asked.
    expect(result.replies[0]!.text).toMatch(
      /^wroker is not an ECR repository of prod, so images may not use it there\. Did you mean worker\? /,
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a repository name typed with capitals is found (ECR names are lower case)', async () => {
    const result = await h.command('images Worker');

    expect(result.replies[0]!.text).toBe('worker (prod): 3 images, 2 tagged (3 in all)');
  });

  it('an empty repository says nothing has been pushed yet', async () => {
    const result = await h.command('images team/api');

    expect(result.replies[0]!.text).toBe('ECR repository team/api is empty: nothing has been pushed to it yet.');
  });

  it('a repository with more images than a page pages them newest first, with a Next button', async () => {
    const first = await h.command('images busy');

    expect(first.replies[0]!.text).toBe('busy (prod): 30 images, 30 tagged (showing 1–25 of 30)');
    expect(sectionTexts(first.replies[0])[1]!.split('\n')[0]).toContain('`build-030`');
    const next = buttonsOf(first.replies[0]).find((b) => b.text.text.startsWith('Next'))!;
    expect(JSON.parse(next.value)).toEqual({ cluster: 'prod', args: ['busy', '--page', '2'] });
    const second = await h.click(next.action_id, next.value);
    const reply = second.replies.at(-1)!;
    expect(reply.text).toBe('busy (prod): 30 images, 30 tagged (showing 26–30 of 30)');
    expect(sectionTexts(reply)[1]!.split('\n').at(-1)).toContain('`build-001`');
  });

  it('"images" without a repository gets usage help and makes no AWS call', async () => {
    const result = await h.command('images');

    expect(result.ack.text).toContain('REPO is missing');
    expect(result.ack.text).toContain('/ecs images REPO');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('throttled ECR calls are retried by the SDK and the listing still arrives', async () => {
    h.sandbox.inject({ kind: 'throttle', action: /^ecr:/, rate: 0.3 });

    const result = await h.command('repos');

    expect(result.replies[0]!.text).toBe('ECR repositories in us-east-1 (prod): 4 (4 in all)');
    expect(h.sandbox.mutations()).toHaveLength(0);
  });
});
