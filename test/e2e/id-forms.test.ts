import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { ACCOUNT_ID, REGION } from '../../testbed/accounts';
import { busyClusterAccount, busyClusterConfig, tasksAccount } from '../../testbed/tasks-fixtures';
import type { ContainerInstanceRecord, TaskRecord } from '../../src/sandbox';

/**
 * Every form ECS writes task and container instance ids in, typed and in buttons. The sandbox
 * hands out today's ids (32 hex, ARN with the cluster) or, with `legacyIdShare: 1`, the older
 * ones (a UUID, ARN without the cluster), as accounts from before the long ARN format have.
 */

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}

function buttonsOf(reply: Reply | undefined): Button[] {
  const blocks = (reply?.blocks ?? []) as { type: string; elements?: Button[]; accessory?: Button }[];
  return blocks.flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
}

const oldArn = (resource: string, id: string) => `arn:aws:ecs:${REGION}:${ACCOUNT_ID}:${resource}/${id}`;
const longArn = (resource: string, id: string) => `arn:aws:ecs:${REGION}:${ACCOUNT_ID}:${resource}/prod/${id}`;

describe.each([
  {
    form: 'UUID ids (older accounts)',
    legacyIdShare: 1,
    idPattern: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  },
  { form: '32-hex ids', legacyIdShare: 0, idPattern: /^[0-9a-f]{32}$/ },
])('with $form', ({ legacyIdShare, idPattern }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: tasksAccount(), legacyIdShare } });
  });
  afterEach(async () => {
    await h.stop();
  });

  const liveWeb = (): TaskRecord =>
    [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.taskDefinition.family === 'web' && t.desiredStatus === 'RUNNING',
    )!;
  const instances = (): ContainerInstanceRecord[] => [...h.sandbox.world.cluster('prod').instances.values()];

  it('the sandbox hands out ids of that form, and ARNs to match', () => {
    const web = liveWeb();
    expect(web.id).toMatch(idPattern);
    expect(web.arn).toBe(legacyIdShare ? oldArn('task', web.id) : longArn('task', web.id));
    expect(instances()[0]!.id).toMatch(idPattern);
  });

  it('task accepts the id, the first 8 characters, and the ARN in the old form and the long one', async () => {
    const web = liveWeb();
    for (const ref of [
      web.id,
      web.id.toUpperCase(),
      web.id.slice(0, 8),
      oldArn('task', web.id),
      longArn('task', web.id),
    ]) {
      const result = await h.command(`task ${ref}`);
      expect(result.replies.at(-1)?.text).toMatch(
        new RegExp(`^Task ${web.id.slice(0, 8)} \\(web:1\\) in prod: RUNNING`),
      );
    }
  });

  it('stop takes the old-form ARN and stops that task', async () => {
    const web = liveWeb();
    const result = await h.command(`stop ${oldArn('task', web.id)}`);
    expect(result.replies[0]?.text).toBe(`Stopping task ${web.id.slice(0, 8)} (web:1) in prod`);
    expect(h.sandbox.callsTo('ecs:StopTask')[0]?.params).toMatchObject({ task: web.id });
    expect(web.desiredStatus).toBe('STOPPED');
  });

  it('stop takes the long-form ARN too', async () => {
    const web = liveWeb();
    await h.command(`stop ${longArn('task', web.id)}`);
    expect(web.desiredStatus).toBe('STOPPED');
  });

  it('logs takes the id and both ARN forms', async () => {
    const web = liveWeb();
    for (const ref of [web.id, oldArn('task', web.id), longArn('task', web.id)]) {
      const result = await h.command(`logs ${ref}`);
      expect(result.replies.at(-1)?.text).toContain(`task ${web.id.slice(0, 8)} (web:1)`);
    }
  });

  it('instance and start --instance take the id, the first 8 characters and both ARN forms', async () => {
    const [first, second] = instances();
    for (const ref of [
      first!.id,
      first!.id.slice(0, 8),
      oldArn('container-instance', first!.id),
      longArn('container-instance', first!.id),
    ]) {
      const result = await h.command(`instance ${ref}`);
      expect(result.seen).toContain(first!.ec2.id);
      expect(result.seen).not.toContain('There is no container instance');
    }
    for (const ref of [
      second!.id,
      oldArn('container-instance', second!.id),
      longArn('container-instance', second!.id),
    ]) {
      const result = await h.command(`start migrate --instance ${ref}`);
      expect(result.replies[0]?.text).toBe(`Started 1 of 1 task of migrate in prod on ${second!.ec2.id}`);
    }
    expect(h.sandbox.callsTo('ecs:StartTask').map((c) => c.params.containerInstances)).toEqual([
      [second!.id],
      [second!.id],
      [second!.id],
    ]);
  });

  it('the buttons of the task list, the task and the instance list carry ids of that form, and each works', async () => {
    const web = liveWeb();
    const list = await h.command('tasks --service web');
    const details = buttonsOf(list.replies[0]).find((b) => b.action_id.startsWith('cmd:task'))!;
    expect(details.value).toContain(web.id);
    const detail = await h.click(details.action_id, details.value);
    expect(detail.replies.at(-1)?.text).toMatch(new RegExp(`^Task ${web.id.slice(0, 8)} \\(web:1\\) in prod: RUNNING`));

    const instanceButton = buttonsOf(detail.replies.at(-1)).find((b) => b.action_id.startsWith('cmd:instance'))!;
    const instance = await h.click(instanceButton.action_id, instanceButton.value);
    expect(instance.seen).toContain(web.instance!.ec2.id);
    expect(instance.seen).not.toMatch(/There is no container instance|an instance is its/);

    const logsButton = buttonsOf(detail.replies.at(-1)).find((b) => b.action_id.startsWith('cmd:logs'))!;
    const logs = await h.click(logsButton.action_id, logsButton.value);
    expect(logs.replies.at(-1)?.text).toContain(`task ${web.id.slice(0, 8)} (web:1)`);

    const instanceList = await h.command('instances');
    const instanceDetails = buttonsOf(instanceList.replies[0]).filter((b) => b.action_id.startsWith('cmd:instance'));
    expect(instanceDetails).toHaveLength(2);
    for (const button of instanceDetails)
      expect((await h.click(button.action_id, button.value)).seen).not.toContain('There is no container instance');

    const stop = buttonsOf(list.replies[0]).find((b) => b.action_id.startsWith('cmd:stop'))!;
    await h.click(stop.action_id, stop.value);
    expect(web.desiredStatus).toBe('STOPPED');
  });

  it('an ARN of a task in another cluster is named as such, and nothing is stopped', async () => {
    const web = liveWeb();
    const result = await h.command(`stop arn:aws:ecs:${REGION}:${ACCOUNT_ID}:task/staging/${web.id}`);
    expect(result.seen).toContain('is a task of cluster `staging`, not of *prod*');
    expect(h.sandbox.callsTo('ecs:StopTask')).toHaveLength(0);
  });
});

describe('a short id that starts more than one task', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('is refused with the matching ids, and the user is asked to type more of it', async () => {
    // 1,000 tasks, half with UUID ids: some share their first 4 characters (dashes do not count).
    h = await startHarness({
      config: busyClusterConfig(),
      sandbox: { account: busyClusterAccount(1000), legacyIdShare: 0.5 },
    });
    const ids = [...h.sandbox.world.cluster('busy').tasks.values()].map((t) => t.id);
    const byStart = new Map<string, string[]>();
    for (const id of ids) byStart.set(id.slice(0, 4), [...(byStart.get(id.slice(0, 4)) ?? []), id]);
    const [prefix, matching] = [...byStart.entries()].find(([, same]) => same.length > 1)!;

    const result = await h.command(`task ${prefix} -c busy`);

    expect(result.seen).toContain(`\`${prefix}\` matches ${matching.length} tasks in *busy*`);
    expect(result.seen).toContain('Type more of the id.');
    expect(h.sandbox.callsTo('ecs:DescribeTasks')).toHaveLength(0);
  });
});
