import { startHarness, type Harness } from '../../testbed/harness';
import { auditAccount, auditConfig, DB_PASSWORD_VALUE } from '../../testbed/audit-fixtures';
import { CHANNELS, USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';

/**
 * `/ecs audit` through signed Slack requests into the real handler, against the sandbox account of
 * test/support/audit-fixtures.ts: `shop` breaks every rule, `tidy` none. The summary is a channel
 * message (chat.postMessage), the details are replies in its thread.
 */

interface Posted {
  channel: string;
  text: string;
  blocks?: { text?: { text: string }; elements?: { text: string }[] }[];
  thread_ts?: string;
}

function posted(h: Harness): Posted[] {
  return h.slack.callsTo('chat.postMessage').map((c) => c.args as unknown as Posted);
}

function textOf(messages: readonly Posted[]): string {
  return messages
    .flatMap((m) => [
      m.text,
      ...(m.blocks ?? []).flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)]),
    ])
    .join('\n');
}

/** The channel message and its thread: the audit's summary and details. */
function summaryAndThread(h: Harness): { summary: Posted; thread: Posted[] } {
  const all = posted(h);
  const summary = all.find((m) => !m.thread_ts)!;
  const ts = h.slack.messages(summary.channel).find((m) => !m.threadTs && m.text === summary.text)!.ts;
  return { summary, thread: all.filter((m) => m.thread_ts === ts) };
}

describe('/ecs audit, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('audits the channel’s cluster: the counts in the channel, each finding with why and the fix in the thread', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const result = await h.command('audit');
    expect(result.ack.text).toBe('Auditing the cluster… (shop)');
    expect(result.replies).toEqual([]);

    const { summary, thread } = summaryAndThread(h);
    expect(summary.channel).toBe(CHANNELS.web);
    expect(summary.text).toBe('Audit of shop: 3 high, 10 medium, 2 low');
    const summaryText = textOf([summary]);
    expect(summaryText).toContain(':red_circle: 3 high · :large_yellow_circle: 10 medium · :large_blue_circle: 2 low');
    expect(summaryText).toMatch(
      /:red_circle: security group sg-\w+ \(ssh-anywhere\): SSH \(22\) open to the whole internet/,
    );
    expect(summaryText).toContain('Why each matters and how to fix it: in the thread.');

    // 15 findings: ten in the first thread message, five in the second, highest first.
    expect(thread.map((m) => m.text)).toEqual(['shop: findings 1–10', 'shop: findings 11–15']);
    const details = textOf(thread);
    expect(details).toContain('PostgreSQL (5432) open to the whole internet (::/0), used by service worker-staging.');
    expect(details).toContain('Passes `DB_PASSWORD` as plain environment value.');
    expect(details).toContain('Runs image `nginx:latest` — the `latest` tag.');
    expect(details).toContain('*Why it matters:* Anyone can reach it');
    expect(details).toMatch(
      /\*Fix:\* Remove the rule \(`aws ec2 revoke-security-group-ingress --group-id sg-\w+ --security-group-rule-ids sgr-\w+`\)/,
    );
    expect(details.indexOf(':red_circle:')).toBeLessThan(details.indexOf(':large_yellow_circle:'));
    expect(details.lastIndexOf(':large_yellow_circle:')).toBeLessThan(details.indexOf(':large_blue_circle:'));

    // Read only, with shop's read role; and a secret's value never reaches Slack.
    expect(h.sandbox.mutations()).toHaveLength(0);
    const roles = new Set(
      h.sandbox.calls.flatMap((c) => (c.principal.kind === 'assumed' ? [c.principal.roleArn] : [])),
    );
    expect([...roles]).toEqual([roleArn('shop', 'read')]);
    expect(JSON.stringify(h.slack.calls)).not.toContain(DB_PASSWORD_VALUE);
  });

  it('a container instance whose agent disconnected is a high finding', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const instance = [...h.sandbox.world.cluster('shop').instances.values()][1]!;
    instance.agentConnected = false;
    await h.command('audit shop');
    const { summary, thread } = summaryAndThread(h);
    expect(summary.text).toBe('Audit of shop: 4 high, 10 medium, 2 low');
    expect(textOf(thread)).toContain(
      `:red_circle: *high* · instance ${instance.ec2.id} (container instance ${instance.id.slice(0, 12)})\nIts ECS agent is disconnected.`,
    );
  });

  it('a cluster that follows every practice gets "no findings" and no thread', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const result = await h.command('audit tidy');
    expect(result.ack.text).toBe('Auditing tidy… (tidy)');
    const all = posted(h);
    expect(all).toHaveLength(1);
    expect(all[0]!.text).toBe('Audit of tidy: no findings');
    expect(textOf(all)).toContain(
      ':white_check_mark: No findings. Checked 11 rules on 1 service, 1 task definition, 2 instances and 1 security group.',
    );
  });

  it('audit --all audits every cluster the user may read, each with its own read role, in one summary', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const result = await h.command('audit --all');
    expect(result.ack.text).toBe('Auditing your clusters…');
    const { summary, thread } = summaryAndThread(h);
    expect(summary.text).toBe('Audit: shop: 3 high, 10 medium, 2 low; tidy: no findings');
    expect(textOf([summary])).toContain('*Audit of 2 clusters* · 15 findings');
    expect(thread.map((m) => m.text)).toEqual(['shop: findings 1–10', 'shop: findings 11–15']);
    const roles = new Set(
      h.sandbox.calls.flatMap((c) => (c.principal.kind === 'assumed' ? [c.principal.roleArn] : [])),
    );
    expect([...roles].sort()).toEqual([roleArn('shop', 'read'), roleArn('tidy', 'read')]);
  });

  it('audit --all shows only the clusters this user may read, and makes no call on the others', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    await h.command('audit --all', { user: USERS.rita });
    expect(posted(h).map((m) => m.text)).toEqual(['Audit of tidy: no findings']);
    expect(h.sandbox.calls.some((c) => JSON.stringify(c).includes('shop'))).toBe(false);
  });

  it('a user without read on the cluster is refused, and no AWS call is made', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const result = await h.command('audit shop', { user: USERS.rita });
    expect(result.ack.text).toMatch(/`audit` needs \*read\* on \*shop\*/);
    expect(h.sandbox.calls).toHaveLength(0);
    expect(posted(h)).toHaveLength(0);
  });

  it('a cluster and --all together is a usage error; help says what --all does', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    const both = await h.command('audit shop --all');
    expect(both.ack.text).toContain('name a cluster or use --all, not both');
    expect(h.sandbox.calls).toHaveLength(0);
    const help = await h.command('help audit');
    expect(help.ack.text).toContain('with `--all`, every cluster where you have *read* in this channel');
  });

  it('where the bot may not post (not in the channel), the audit answers the command itself, with as much detail as fits', async () => {
    h = await startHarness({ config: auditConfig(), sandbox: { account: auditAccount() } });
    h.slack.fail({ method: 'chat.postMessage', status: 200, error: 'not_in_channel' });
    const result = await h.command('audit');
    expect(result.replies).toHaveLength(1);
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toBe('Audit of shop: 3 high, 10 medium, 2 low');
    expect(result.seen).toContain('SSH (22) open to the whole internet');
    expect(result.seen).toContain('*Fix:*');
    expect(result.seen).toContain('Invite the bot to this channel (`/invite @ecs-chatops`)');
  });

  it('a read role that may not read security group rules: the audit says what it did not check, and checks the rest', async () => {
    h = await startHarness({
      config: auditConfig(),
      sandbox: {
        account: auditAccount({
          shopReadActions: [
            'ecs:Describe*',
            'ecs:List*',
            'ec2:DescribeInstances',
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets',
          ],
        }),
      },
    });
    await h.command('audit');
    const { summary } = summaryAndThread(h);
    expect(summary.text).toBe('Audit of shop: 1 high, 10 medium, 2 low');
    expect(textOf([summary])).toContain(
      ':warning: Not checked: security group rules (`ec2:DescribeSecurityGroupRules`: UnauthorizedOperation).',
    );
  });
});
