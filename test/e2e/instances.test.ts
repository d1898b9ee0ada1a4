import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import { roleArn } from '../../testbed/accounts';
import type { ContainerInstanceRecord } from '../../src/sandbox';

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

function accessoriesOf(reply: Reply | undefined): Button[] {
  return ((reply?.blocks ?? []) as { accessory?: Button }[]).flatMap((b) => (b.accessory ? [b.accessory] : []));
}

describe('/ecs instances and /ecs instance ID, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  let prod: ContainerInstanceRecord[];
  beforeEach(async () => {
    h = await startHarness();
    prod = [...h.sandbox.world.cluster('prod').instances.values()];
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a read-only user lists prod’s container instances: EC2 id, type, state, agent, running tasks, CPU and memory left', async () => {
    const result = await h.command('instances', { user: USERS.rita });
    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Container instances in prod: 2, 0 disconnected');
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('*2 instances* (2 ACTIVE) · every agent connected · CPU ');
    for (const i of prod) {
      const running = [...i.tasks].filter((t) => t.lastStatus === 'RUNNING').length;
      expect(body).toContain(`*\`${i.ec2.id}\`* t3.large · ACTIVE · agent connected · ${running} running`);
      expect(body).toContain(`CPU ${(i.registeredCpu - i.usedCpu).toLocaleString('en-US')}/2,048 free`);
    }
    expect(accessoriesOf(reply).map((b) => JSON.parse(b.value) as { args: string[] })).toEqual(
      prod.map((i) => ({ cluster: 'prod', args: [i.id] })),
    );
    expect(h.sandbox.callsTo('ecs:ListContainerInstances')).toHaveLength(1);
    expect(h.sandbox.callsTo('ecs:DescribeContainerInstances')).toHaveLength(1);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a disconnected agent is counted in the summary and marked on its row', async () => {
    prod[1]!.agentConnected = false;
    const result = await h.command('instances');
    expect(result.replies[0]!.text).toBe('Container instances in prod: 2, 1 disconnected');
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain(':warning: 1 agent disconnected');
  });

  it('instance EC2-ID shows EC2 state, type, public DNS, private IP and launch time (DescribeInstances on the read role), and its tasks', async () => {
    const i = prod[0]!;
    const result = await h.command(`instance ${i.ec2.id}`, { user: USERS.rita });
    const reply = result.replies[0]!;
    expect(reply.text).toBe(`Instance ${i.ec2.id} in prod: running, ${[...i.tasks].length} running tasks`);
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('*EC2 state*\\nrunning');
    expect(body).toContain('*Type*\\nt3.large');
    expect(body).toContain(`*Public DNS*\\n\`${i.ec2.publicDnsName}\``);
    expect(body).toContain(`*Private IP*\\n${i.ec2.privateIpAddress}`);
    expect(body).toContain(`<!date^${Math.floor(i.ec2.launchTime / 1000)}^`);
    for (const t of i.tasks) expect(body).toContain(`\`${t.id.slice(0, 8)}\` ${t.taskDefinition.family}:1 · RUNNING`);
    expect(body).toContain(`container instance \`${i.id}\``);
    const describe = h.sandbox.callsTo('ec2:DescribeInstances');
    expect(describe).toHaveLength(1);
    expect(describe[0]!.principal).toMatchObject({ roleArn: roleArn('prod', 'read') });
  });

  it('instance also takes the container instance id, or its first 8 characters as the list shows', async () => {
    const i = prod[1]!;
    for (const ref of [i.id, i.id.slice(0, 8)]) {
      const result = await h.command(`instance ${ref}`);
      expect(result.replies[0]!.text).toMatch(new RegExp(`^Instance ${i.ec2.id} in prod: running`));
    }
  });

  it('the Details button of the list opens that instance', async () => {
    const list = await h.command('instances');
    const details = accessoriesOf(list.replies[0])[1]!;
    const clicked = await h.click(details.action_id, details.value);
    expect(clicked.replies.at(-1)!.text).toMatch(new RegExp(`^Instance ${prod[1]!.ec2.id} in prod`));
  });

  it('an unknown instance gets a reply naming the instances that do exist', async () => {
    const result = await h.command('instance i-0123456789abcdef0');
    expect(result.replies[0]!.text).toContain(
      'There is no container instance i-0123456789abcdef0 in prod running on that EC2 instance.',
    );
    for (const i of prod) expect(result.replies[0]!.text).toContain(i.ec2.id);
  });

  it('a terminated EC2 instance still shows what ECS knows, with EC2’s own state', async () => {
    // ECS keeps the agent's last report (its tasks RUNNING) until it notices the instance is gone.
    const i = prod[0]!;
    const running = [...i.tasks].length;
    h.sandbox.world.terminateEc2Instances([i.ec2.id]);
    const result = await h.command(`instance ${i.id}`);
    expect(running).toBeGreaterThan(0);
    expect(result.replies[0]!.text).toBe(`Instance ${i.ec2.id} in prod: shutting-down, ${running} running tasks`);
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain(':warning: agent disconnected');
  });

  it('when EC2 denies DescribeInstances, the ECS facts still show and the reply says why EC2’s are missing', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ec2:DescribeInstances' });
    const i = prod[0]!;
    const result = await h.command(`instance ${i.ec2.id}`);
    const body = JSON.stringify(result.replies[0]!.blocks);
    expect(body).toContain('EC2 details unavailable: AWS denied `ec2:DescribeInstances` on *prod*');
    expect(body).toContain('chatops-prod-read');
    expect(body).toContain('*Type*\\nt3.large');
  });

  it('a user in no team is refused politely and no AWS call is made', async () => {
    const result = await h.command('instances', { user: USERS.nobody });
    expect(result.ack.text).toMatch(/^Sorry, you're not in any team/);
    expect(h.sandbox.calls).toHaveLength(0);
  });
});
