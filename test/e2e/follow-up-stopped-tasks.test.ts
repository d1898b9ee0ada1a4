import { startHarness, type Harness } from '../../testbed/harness';
import { testAccount } from '../../testbed/accounts';
import type { AccountSeed } from '../../src/sandbox/seed';

const PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nope:latest: not found';
const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/**
 * testAccount() plus, on prod:
 * - `nope`: a family whose image cannot be pulled (its tasks never start);
 * - `guarded`: a service on `api` with the deployment circuit breaker (rollback on);
 * - `worker`: a service whose essential container is OOM-killed (exit 137) as soon as it runs,
 *   so it crash-loops; its task also has a sidecar that exits cleanly.
 */
function account(): AccountSeed {
  const seed = testAccount();
  seed.taskDefinitions.push(
    {
      family: 'nope',
      containerDefinitions: [
        { name: 'app', image: 'docker.io/library/nope:latest', cpu: 128, memory: 128, essential: true },
      ],
    },
    {
      family: 'worker',
      containerDefinitions: [
        { name: 'worker', image: 'example/worker:3', cpu: 128, memory: 256, essential: true },
        { name: 'sidecar', image: 'example/sidecar:1', cpu: 32, memory: 64, essential: false },
      ],
    },
  );
  seed.behaviours = {
    ...seed.behaviours,
    nope: { failToStart: { reason: PULL_ERROR } },
    worker: { crash: { afterMs: 0, exitCode: 137, reason: OOM_REASON } },
  };
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push(
      {
        name: 'guarded',
        taskDefinition: 'api',
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      },
      { name: 'worker', taskDefinition: 'worker', desiredCount: 1 },
    );
  return seed;
}

type Block = {
  type: string;
  text?: { text: string };
  elements?: { action_id: string; value: string; text: { text: string } }[];
};
const buttons = (blocks: unknown[] | undefined) =>
  ((blocks ?? []) as Block[])
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ text: e.text.text, action: e.action_id, value: JSON.parse(e.value) as unknown }));

describe('a follow-up that ends badly says why the tasks stopped', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('a deploy to a revision whose image cannot be pulled ends with a reply naming CannotPullContainerError and how many tasks it stopped', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const result = await h.command('deploy guarded nope:1');
    expect(result.replies[0]?.text).toBe('guarded in prod: deploying api:1 → nope:1');
    const followUp = result.replies[1]!;
    expect(followUp.text).toBe(
      `guarded in prod: the deployment failed — tasks failed to start; ECS rolled back to api:1 (1/1 running). 3 tasks stopped: ${PULL_ERROR}`,
    );
    const shown = JSON.stringify(followUp.blocks);
    expect(shown).toContain(`*3 tasks stopped:* ${PULL_ERROR}`);
    // Why? names one of the tasks that failed to pull (the newest), as the id a typed `why` takes.
    const failedIds = [...h.sandbox.world.cluster('prod').tasks.values()]
      .filter((t) => t.group === 'service:guarded' && t.taskDefinition.family === 'nope')
      .map((t) => t.id);
    const why = buttons(followUp.blocks)[0] as { value: { args: string[] } };
    expect(failedIds).toContain(why.value.args[0]);
    expect(buttons(followUp.blocks)).toEqual([
      { text: 'Why?', action: 'cmd:why', value: { cluster: 'prod', args: [why.value.args[0]] } },
      {
        text: 'Stopped tasks',
        action: 'cmd:tasks',
        value: { cluster: 'prod', args: ['--service', 'guarded', '--stopped'] },
      },
      { text: 'Logs', action: 'cmd:logs', value: { cluster: 'prod', args: ['guarded'] } },
    ]);
    // Read with the command's own role, once the deployment had failed.
    expect(h.sandbox.callsTo('ecs:ListTasks').map((c) => c.params)).toEqual([
      expect.objectContaining({ cluster: 'prod', serviceName: 'guarded', desiredStatus: 'STOPPED' }),
    ]);
  });

  it('a deploy whose tasks keep failing to start, with no circuit breaker, ends once three have failed and says why, without waiting out the follow-up', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 60_000 });
    const result = await h.command('deploy api nope');
    const followUp = result.replies[1]!;
    expect(followUp.text).toMatch(
      /^api in prod: its new tasks of nope:1 fail to start \(\d+ so far; 2\/2 running now\)\. \d+ tasks stopped: CannotPullContainerError: /,
    );
    const count = Number(/(\d+) tasks stopped/.exec(followUp.text!)![1]);
    expect(count).toBeGreaterThanOrEqual(3);
    // Every one of them is a task of the new revision: the old ones kept running.
    const stopped = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.lastStatus === 'STOPPED' && t.group === 'service:api',
    );
    expect(stopped.filter((t) => t.taskDefinition.family === 'nope')).toHaveLength(count);
  });

  it('a restart of a service that crash-loops with exit 137 says crash-looping and names the out-of-memory kill', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 600 });
    const result = await h.command('restart worker');
    expect(result.replies[0]?.text).toBe(
      'worker in prod: restarting — a fresh task of worker:1 replaces the running one',
    );
    const followUp = result.replies[1]!;
    const reason = `Essential container in task exited — worker exit 137: killed (SIGKILL) — often out of memory (${OOM_REASON})`;
    expect(followUp.text).toMatch(/^worker in prod is crash-looping: its tasks stop soon after they start /);
    expect(followUp.text).toContain(`tasks stopped: ${reason}`);
    const count = Number(/(\d+) tasks stopped/.exec(followUp.text!)![1]);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(followUp.blocks)).toContain(`tasks stopped:* ${reason}`);
    // Only the tasks the restart started: the worker crashed many times before it, within the hour ECS keeps them.
    const stoppedBefore = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.lastStatus === 'STOPPED' && t.group === 'service:worker',
    );
    expect(stoppedBefore.length).toBeGreaterThan(count);
    expect(buttons(followUp.blocks).map((b) => b.text)).toEqual(['Why?', 'Stopped tasks', 'Logs']);
  });

  it('a scale that settles reads no tasks: the happy path makes no ListTasks or DescribeTasks call', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const result = await h.command('scale web 2');
    expect(result.replies[1]?.text).toBe('web in prod: 2/2 running');
    expect(result.replies[1]?.blocks).toHaveLength(1);
    expect(h.sandbox.callsTo('ecs:ListTasks')).toHaveLength(0);
    expect(h.sandbox.callsTo('ecs:DescribeTasks')).toHaveLength(0);
  });
});
