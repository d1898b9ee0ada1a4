import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';
import { roleArn, testAccount } from '../../testbed/accounts';

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

function accessoriesOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { accessory?: Button }[]).flatMap((b) => (b.accessory ? [b.accessory] : []));
}

function sectionsOf(reply: Reply | undefined): string[] {
  return ((reply?.blocks ?? []) as { type: string; text?: { text: string } }[])
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text!.text);
}

describe('/ecs clusters and /ecs cluster [NAME], through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('clusters lists every cluster the user can read, each read with that cluster’s own read role', async () => {
    const result = await h.command('clusters');
    expect(result.ack.text).toBe('Reading your clusters…');
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Your clusters: prod: ACTIVE, 3 running; staging: ACTIVE, 1 running');
    expect(sectionsOf(reply)).toEqual([
      '*prod* · us-east-1 · ACTIVE\n2 services · 3 running, 0 pending tasks · 2 instances',
      '*staging* · us-east-1 · ACTIVE\n1 service · 1 running, 0 pending tasks · 1 instance',
    ]);
    const describes = h.sandbox.callsTo('ecs:DescribeClusters');
    expect(
      describes
        .map((c) => [(c.params.clusters as string[])[0], c.principal.kind === 'assumed' ? c.principal.roleArn : 'base'])
        .sort(),
    ).toEqual([
      ['prod', roleArn('prod', 'read')],
      ['staging', roleArn('staging', 'read')],
    ]);
    expect(
      h.sandbox
        .callsTo('sts:AssumeRole')
        .map((c) => c.params.RoleArn)
        .sort(),
    ).toEqual([roleArn('prod', 'read'), roleArn('staging', 'read')]);
    expect(h.sandbox.mutations()).toHaveLength(0);
    const audit = h.logs.lines().find((l) => l.audit)!.audit as { cluster: string; role: string };
    expect(audit).toMatchObject({
      cluster: 'prod,staging',
      role: `${roleArn('prod', 'read')},${roleArn('staging', 'read')}`,
    });
  });

  it('help clusters says it shows every cluster the user can read, not one cluster to pick', async () => {
    const help = await h.command('help clusters');
    expect(help.ack.text).toContain('Shows each cluster where you have *read* in this channel.');
    expect(help.ack.text).not.toContain('--cluster NAME');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a user who may read only prod sees only prod, and makes no call on staging', async () => {
    const result = await h.command('clusters', { user: USERS.rita });
    expect(result.replies[0]!.text).toBe('Your clusters: prod: ACTIVE, 3 running');
    expect(h.sandbox.calls.some((c) => JSON.stringify(c.params).includes('staging'))).toBe(false);
  });

  it('a user with no readable cluster gets the same polite refusal as elsewhere, and no AWS call is made', async () => {
    const result = await h.command('clusters', { user: USERS.nobody, channel: CHANNELS.ops });
    expect(result.ack.text).toMatch(/^Sorry, you're not in any team/);
    expect(result.replies).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a user whose team grants access only in another channel is told so, and no AWS call is made', async () => {
    await h.stop();
    const yaml = `${testConfigYaml()}`.replace(
      'teams:\n',
      `teams:\n  night:\n    users: [U0NIGHT]\n    channels: [${CHANNELS.alerts}]\n    access: { prod: read }\n`,
    );
    h = await startHarness({ config: testConfig(yaml) });
    const result = await h.command('clusters', { user: 'U0NIGHT' });
    expect(result.ack.text).toBe('None of your teams (night) has access to a cluster in this channel.');
    expect(h.sandbox.calls).toHaveLength(0);
    expect((await h.command('clusters', { user: 'U0NIGHT', channel: CHANNELS.alerts })).replies[0]!.text).toBe(
      'Your clusters: prod: ACTIVE, 3 running',
    );
  });

  it('a cluster missing from ECS is shown with the reason, and the others still are', async () => {
    // As after a teardown: ECS keeps the deleted cluster as INACTIVE for a while.
    h.sandbox.world.cluster('staging').status = 'INACTIVE';
    const result = await h.command('clusters');
    const sections = sectionsOf(result.replies[0]);
    expect(sections[0]).toMatch(/^\*prod\* · us-east-1 · ACTIVE/);
    expect(sections[1]).toMatch(
      /^\*staging\* · us-east-1\n:warning: ECS has no cluster `staging` in us-east-1 \(the config's \*staging\*\)/,
    );
    expect(accessoriesOf(result.replies[0])).toHaveLength(1);
  });

  it('cluster shows the channel’s cluster with its capacity: CPU and memory registered and left across its instances', async () => {
    const instances = [...h.sandbox.world.cluster('prod').instances.values()];
    const freeCpu = instances.reduce((n, i) => n + i.registeredCpu - i.usedCpu, 0);
    const result = await h.command('cluster', { user: USERS.rita });
    const reply = result.replies[0]!;
    expect(reply.text).toMatch(
      new RegExp(
        `^Cluster prod: ACTIVE, 2 services, 3 running tasks, 2 instances, CPU ${freeCpu.toLocaleString('en-US')} of 4,096 units free \\(\\d+ %\\), memory [\\d.]+ GiB of 15.3 GiB free`,
      ),
    );
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('*Capacity*\\nacross 2 active instances');
    expect(body).toContain('arn:aws:ecs:us-east-1:111111111111:cluster/prod');
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('cluster NAME picks that cluster; a misspelt name gets “did you mean”; a NAME that contradicts --cluster is refused', async () => {
    expect((await h.command('cluster staging')).replies[0]!.text).toMatch(
      /^Cluster staging: ACTIVE, 1 service, 1 running task, 1 instance,/,
    );
    expect((await h.command('cluster stagign')).ack.text).toMatch(
      /There is no cluster called `stagign` in the config\. Did you mean `staging`\?/,
    );
    expect((await h.command('cluster staging -c prod')).ack.text).toMatch(/name different clusters/);
  });

  it('the Details button of a cluster in the list opens that cluster', async () => {
    const list = await h.command('clusters');
    const staging = accessoriesOf(list.replies[0])[1]!;
    expect(JSON.parse(staging.value)).toEqual({ cluster: 'staging', args: [] });
    const clicked = await h.click(staging.action_id, staging.value);
    expect(clicked.replies.at(-1)!.text).toMatch(/^Cluster staging: ACTIVE/);
  });
});

describe('/ecs cluster create NAME', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('an admin whose admin role may create clusters creates one, and is shown the config entry it still needs', async () => {
    const account = testAccount();
    account.roles.find((r) => r.arn === roleArn('prod', 'admin'))!.clusters = '*';
    h = await startHarness({ sandbox: { account } });
    const result = await h.command('cluster create qa', { user: USERS.bob });
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toBe(
      'Created ECS cluster qa in us-east-1. It still needs a config entry with roles before anyone can use it.',
    );
    const body = sectionsOf(reply).join('\n');
    expect(body).toContain(
      'Deploy `deploy/cluster-roles.yaml` for it (`ClusterName=qa`) in account 111111111111, us-east-1',
    );
    expect(body).toContain(
      [
        'clusters:',
        '  qa:',
        '    name: qa',
        '    region: us-east-1',
        '    roles:',
        `      read:    ${roleArn('qa', 'read')}`,
        `      operate: ${roleArn('qa', 'operate')}`,
        `      admin:   ${roleArn('qa', 'admin')}`,
      ].join('\n'),
    );
    expect(body).toContain('  platform:');
    const creates = h.sandbox.callsTo('ecs:CreateCluster');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.params).toMatchObject({ clusterName: 'qa' });
    expect(creates[0]!.principal).toMatchObject({ roleArn: roleArn('prod', 'admin'), sourceIdentity: USERS.bob });
    expect(h.sandbox.world.findCluster('qa')?.status).toBe('ACTIVE');
    // The new cluster is not usable from Slack until the config names it.
    expect((await h.command('cluster qa', { user: USERS.bob })).ack.text).toMatch(
      /There is no cluster called `qa` in the config/,
    );
  });

  it('creating a cluster that ECS already has changes nothing and points at its config entry', async () => {
    h = await startHarness();
    const result = await h.command('cluster create staging -c staging', { user: USERS.bob });
    expect(result.replies[0]!.text).toBe(
      'ECS already has an ACTIVE cluster staging in us-east-1; nothing was created.',
    );
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain('It is in the config as *staging*');
    expect(h.sandbox.callsTo('ecs:CreateCluster')).toHaveLength(0);
  });

  it('when IAM does not let the admin role create that cluster, the reply names the action and the role, and nothing is created', async () => {
    h = await startHarness();
    const result = await h.command('cluster create qa', { user: USERS.bob });
    expect(result.replies[0]!.text).toBe(
      `AWS denied ecs:CreateCluster on prod (cluster qa) to role chatops-prod-admin (${roleArn('prod', 'admin')}). That role's IAM policy must allow ecs:CreateCluster — ask a platform admin to update it (see the roles template in deploy/).`,
    );
    expect(h.sandbox.world.findCluster('qa')).toBeUndefined();
  });

  it('an operator who types cluster create is refused, told it needs admin, and no AWS call is made', async () => {
    h = await startHarness();
    const result = await h.command('cluster create qa');
    expect(result.ack.text).toMatch(
      /`cluster create` needs \*admin\* on \*prod\*, but you have \*operate\* there \(team web\)/,
    );
    expect(h.sandbox.calls).toHaveLength(0);
  });
});
