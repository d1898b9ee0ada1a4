import { startHarness, type Harness } from '../../testbed/harness';
import { testAccount } from '../../testbed/accounts';
import { CHANNELS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import type { AccountSeed } from '../../src/sandbox/seed';

const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/** testAccount() plus `worker` on prod (2 tasks), whose container is OOM-killed (exit 137) 150 ms after each start. */
function account(): AccountSeed {
  const seed = testAccount();
  seed.taskDefinitions.push({
    family: 'worker',
    containerDefinitions: [{ name: 'worker', image: 'example/worker:3', cpu: 128, memory: 256, essential: true }],
  });
  seed.behaviours = { ...seed.behaviours, worker: { crash: { afterMs: 150, exitCode: 137, reason: OOM_REASON } } };
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push({ name: 'worker', taskDefinition: 'worker', desiredCount: 2 });
  return seed;
}

type Block = {
  type: string;
  text?: { text: string };
  elements?: { action_id: string; value: string; text: { text: string } }[];
};
const buttons = (blocks: unknown[] | undefined) =>
  ((blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []).map((e) => e.text.text);

describe('a crash-looping service is called crash-looping, never settled or steady', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('the live message of a restart whose tasks are OOM-killed soon after starting says crash-looping, with the exit 137 reason and the Why?, Stopped tasks and Logs buttons', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpSteadyMs: 2_000 });
    const result = await h.command('restart worker');
    // The deployment's live message in #alerts is the follow-up: the command's channel gets only the pointer.
    expect(result.replies).toHaveLength(1);
    expect(result.seen).not.toContain('crash-looping');
    const live = liveMessage(h, CHANNELS.alerts);
    const [title, followUp] = live.text.split(' · ');
    expect(title).toMatch(/^worker in prod: restart of worker:1 — /);
    expect(followUp).toMatch(
      /^worker in prod is crash-looping: its tasks stop soon after they start \(\d+ since the change; \d\/2 running now\)\. \d+ tasks stopped: /,
    );
    expect(followUp).not.toMatch(/2\/2 running$/);
    expect(followUp).toContain(`worker exit 137: killed (SIGKILL) — often out of memory (${OOM_REASON})`);
    expect(live.blocks).toContain(':x: *worker* in *prod* is crash-looping');
    const message = h.slack.messages(CHANNELS.alerts).find((m) => m.ts === live.ts)!;
    // The follow-up's own row of buttons (the message may add Roll back in a row of its own while it runs).
    const followUpRow = (message.blocks as (Block & { block_id?: string })[]).filter(
      (b) => b.type === 'actions' && b.block_id === 'follow-up:worker',
    );
    expect(buttons(followUpRow)).toEqual(['Why?', 'Stopped tasks', 'Logs']);
  });

  it('a healthy service still settles once its tasks have stayed up for the steady time', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpSteadyMs: 300 });
    const result = await h.command('scale web 2');
    expect(result.replies[1]?.text).toBe('web in prod: 2/2 running');
  });

  it('`service` of a crash-looping service does not say Steady: it says crash-looping with the reason and a Stopped tasks button', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    // Let it crash a few times (the sandbox restarts the first three at once, then backs off).
    await new Promise((resolve) => setTimeout(resolve, 800));
    const result = await h.command('service worker');
    const reply = result.replies[0]!;
    const shown = JSON.stringify(reply.blocks);
    expect(shown).not.toContain('Steady');
    expect(shown).toMatch(
      /:x: Crash-looping: \*\d\/2\* running, but \d+ tasks stopped soon after starting in the last 15m: Essential container in task exited — worker exit 137/,
    );
    expect(reply.text).toMatch(/^worker in prod: crash-looping, /);
    expect(buttons(reply.blocks)).toEqual(['Scale', 'Restart', 'Tasks', 'Stopped tasks', 'Logs']);
  });

  it('`service` of a healthy service says Steady and reads no tasks', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const result = await h.command('service api');
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain(':white_check_mark: Steady: *2/2* running.');
    expect(h.sandbox.callsTo('ecs:ListTasks')).toHaveLength(0);
  });
});
