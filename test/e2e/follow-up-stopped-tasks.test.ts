import { startHarness, type Harness } from '../../testbed/harness';
import { testAccount } from '../../testbed/accounts';
import { CHANNELS } from '../../testbed/config';
import { liveMessage, threadReplies } from '../../testbed/deployments';
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
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ text: e.text.text, action: e.action_id, value: JSON.parse(e.value) as unknown }));

describe('a follow-up that ends badly says why the tasks stopped', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('a deploy to a revision whose image cannot be pulled ends with a live message naming CannotPullContainerError and how many tasks it stopped, each named in its thread', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const result = await h.command('deploy guarded nope:1');
    // The live message in #alerts is the follow-up: the command's channel gets only the announcement.
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]?.text).toBe('guarded in prod: deploying api:1 → nope:1');
    expect(JSON.stringify(result.replies[0]?.blocks)).toContain(`Followed live in <#${CHANNELS.alerts}>`);
    const live = liveMessage(h);
    expect(live.text).toBe(
      `guarded in prod: deploy api:1 → nope:1 — rolled back after under a minute: ECS deployment circuit breaker: task failed to start; 3 tasks stopped: ${PULL_ERROR}`,
    );
    // ECS rolled back to api:1, which runs its one task again.
    const guarded = h.sandbox.world.service('prod', 'guarded');
    expect(guarded.taskDefinition.family).toBe('api');
    expect([...guarded.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(1);
    // Its thread names each task that failed to pull, by the start of its id, with the reason.
    const failedIds = [...h.sandbox.world.cluster('prod').tasks.values()]
      .filter((t) => t.group === 'service:guarded' && t.taskDefinition.family === 'nope')
      .map((t) => t.id);
    const thread = threadReplies(h, CHANNELS.alerts, live.ts);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('3 tasks stopped during the deployment');
    const named = [...thread[0]!.matchAll(/• (\w+) \(nope:1\): (.+?)(?=\\n|")/g)];
    expect(named).toHaveLength(3);
    for (const [, id, why] of named) {
      expect(failedIds.some((failed) => failed.startsWith(id!))).toBe(true);
      expect(why).toBe(PULL_ERROR);
    }
    // What to look at next: Why? on the newest of those tasks, the stopped tasks, the logs.
    const blocks = h.slack.messages(CHANNELS.alerts).find((m) => m.ts === live.ts)!.blocks;
    const next = buttons(blocks);
    expect(next.map((b) => b.text)).toEqual(['Why?', 'Stopped tasks', 'Logs']);
    expect(next[0]!.value).toEqual({ cluster: 'prod', args: [expect.any(String)] });
    const why = (next[0]!.value as { args: string[] }).args[0]!;
    expect(failedIds).toContain(why);
    // Read with the command's own role, once the deployment had failed, and only once.
    expect(h.sandbox.callsTo('ecs:ListTasks').map((c) => c.params)).toEqual([
      expect.objectContaining({ cluster: 'prod', serviceName: 'guarded', desiredStatus: 'STOPPED' }),
    ]);
  });

  it('a deploy whose tasks keep failing to start, with no circuit breaker, ends once three have failed and says why, without waiting out the follow-up', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 60_000 });
    const result = await h.command('deploy api nope');
    expect(result.replies.map((r) => r.text)).toEqual(['api in prod: deploying api:1 → nope:1']);
    // The deployment runs on (no circuit breaker): the live message shows what the follow-up found.
    const live = liveMessage(h);
    expect(live.text).toMatch(/^api in prod: deploy api:1 → nope:1 — in progress.* · /);
    const followUp = live.text.slice(live.text.indexOf(' · ') + ' · '.length);
    expect(followUp).toMatch(
      /^api in prod: its new tasks of nope:1 fail to start \(\d+ so far; 2\/2 running now\)\. \d+ tasks stopped: CannotPullContainerError: /,
    );
    const count = Number(/(\d+) tasks stopped/.exec(followUp)![1]);
    expect(count).toBeGreaterThanOrEqual(3);
    // Every one of them is a task of the new revision: the old ones kept running.
    const stopped = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.lastStatus === 'STOPPED' && t.group === 'service:api',
    );
    expect(stopped.filter((t) => t.taskDefinition.family === 'nope')).toHaveLength(count);
  });

  it('a restart of a service that crash-loops with exit 137: the live message says crash-looping and names the out-of-memory kill, though ECS calls the deployment completed', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 600 });
    const result = await h.command('restart worker');
    expect(result.replies.map((r) => r.text)).toEqual([
      'worker in prod: restarting — a fresh task of worker:1 replaces the running one',
    ]);
    const live = liveMessage(h);
    // Each task ran before it was killed, so the deployment reached a steady state and completed.
    expect(live.text).toMatch(/^worker in prod: restart of worker:1 — completed in under a minute · /);
    const followUp = live.text.slice(live.text.indexOf(' · ') + ' · '.length);
    const reason = `Essential container in task exited — worker exit 137: killed (SIGKILL) — often out of memory (${OOM_REASON})`;
    expect(followUp).toMatch(/^worker in prod is crash-looping: its tasks stop soon after they start /);
    expect(followUp).toContain(`tasks stopped: ${reason}`);
    const count = Number(/(\d+) tasks stopped/.exec(followUp)![1]);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(live.blocks).toContain(`tasks stopped:* ${reason}`);
    // Only the tasks the restart started: the worker crashed many times before it, within the hour ECS keeps them.
    const stoppedBefore = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.lastStatus === 'STOPPED' && t.group === 'service:worker',
    );
    expect(stoppedBefore.length).toBeGreaterThan(count);
    // The follow-up's buttons; no Roll back, as the deployment has ended.
    const blocks = JSON.parse(live.blocks) as unknown[];
    expect(buttons(blocks).map((b) => b.text)).toEqual(['Why?', 'Stopped tasks', 'Logs']);
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
