import { runJob } from '../../src/worker/run-job';
import { sweepExpiredApprovals } from '../../src/approvals/sweep';
import { claimExecution, listPending } from '../../src/approvals/store';
import { type Harness } from '../../testbed/harness';
import {
  APPROVAL_USERS as U,
  OPS,
  buttonsOf,
  channelMessages,
  clusterStatus,
  requestMessage,
  shiftableClock,
  shown,
  startApprovalHarness,
  storedRequest,
} from '../../testbed/approvals';

/**
 * Nothing stays stuck: an approved request whose job never started, or whose worker never
 * finished, is found by the sweep and marked failed, and its message says so and what to do; a
 * teardown about to reach the worker's time limit stops cleanly between steps.
 */

async function askAndApprove(h: Harness): Promise<string> {
  await h.command('teardown lab', { user: U.alice, channel: OPS });
  const { requestId } = requestMessage(h);
  await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
  return requestId;
}

describe('an approval whose work never started or never finished', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('an approved teardown whose job never reached the worker is marked failed by the sweep, its message says so, and the late job runs nothing', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock, lostJobs: (job) => job.kind === 'approval' });
    const id = await askAndApprove(h);
    expect((await storedRequest(h, id))?.status).toBe('approved');
    const sweep = () =>
      sweepExpiredApprovals({ state: h.state.store, slack: h.worker.slack!, clock, logger: h.logs.logger });

    clock.advance(5 * 60_000);
    expect(await sweep()).toEqual({ expired: 0, failed: 0 }); // the job may still start
    clock.advance(2 * 60_000);
    expect(await sweep()).toEqual({ expired: 0, failed: 1 });
    expect(await sweep()).toEqual({ expired: 0, failed: 0 }); // and only once

    const [message] = channelMessages(h);
    expect(message?.text).toBe(
      'Teardown of lab: Not started: the approved work never started: the worker did not pick it up within 7m (it could not be invoked, or was held back too long). Nothing was changed. Run /ecs teardown lab again for a fresh plan to approve.',
    );
    expect(buttonsOf(message!)).toEqual([]);
    expect(await storedRequest(h, id)).toMatchObject({ status: 'failed' });
    expect(await listPending(h.state.store)).toEqual([]);

    // The lost job turns up after all: it runs nothing.
    const late = h.jobs.find((j) => j.kind === 'approval');
    expect(late).toMatchObject({ kind: 'approval', requestId: id });
    await runJob(late, h.worker);
    expect(h.logs.lines().some((l) => l.msg === 'approval job skipped: it waited longer than the job max age')).toBe(
      true,
    );
    expect(h.sandbox.mutations()).toEqual([]);
    expect(await clusterStatus(h)).toBe('ACTIVE');
  });

  it('a teardown whose worker died after it started is marked failed once the worker’s time limit has passed, and the message says to run it again', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock, lostJobs: (job) => job.kind === 'approval' });
    const id = await askAndApprove(h);
    // A worker claims the request, then crashes before it records anything.
    await claimExecution(h.state.store, id, clock.now());
    const sweep = () =>
      sweepExpiredApprovals({ state: h.state.store, slack: h.worker.slack!, clock, logger: h.logs.logger });

    clock.advance(15 * 60_000);
    expect(await sweep()).toEqual({ expired: 0, failed: 0 }); // a worker may run for 15 minutes
    clock.advance(2 * 60_000);
    expect(await sweep()).toEqual({ expired: 0, failed: 1 });

    const [message] = channelMessages(h);
    expect(message?.text).toBe(
      'Teardown of lab: Stopped without finishing: the worker ended without saying how it went (it crashed, or ran out of time) and has not been heard of for 17m since it started, so some steps may have run and others not. Run /ecs teardown lab again: it plans from what is left.',
    );
    expect(shown(message)).toContain(':x: Stopped without finishing');
    expect(await storedRequest(h, id)).toMatchObject({ status: 'failed' });
    expect(await listPending(h.state.store)).toEqual([]);
    const audit = h.logs
      .lines()
      .map((l) => l.audit as { outcome?: string; detail?: string } | undefined)
      .find((a) => a?.detail?.startsWith('never finished'));
    expect(audit).toMatchObject({ outcome: 'error' });
  });

  it('an approval job that reaches the worker more than five minutes after the click runs nothing, and the message says so', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock, lostJobs: (job) => job.kind === 'approval' });
    const id = await askAndApprove(h);
    clock.advance(6 * 60_000);

    await runJob(
      h.jobs.find((j) => j.kind === 'approval'),
      h.worker,
    );

    expect(h.sandbox.mutations()).toEqual([]);
    expect(await storedRequest(h, id)).toMatchObject({ status: 'failed' });
    expect(channelMessages(h)[0]?.text).toBe(
      'Teardown of lab: Not started: the approved work waited 6m before the worker could start it, so it did not run. Nothing was changed. Run /ecs teardown lab again for a fresh plan to approve.',
    );
    expect(await listPending(h.state.store)).toEqual([]);
  });

  it('a request that ran to the end is no longer watched by the sweep', async () => {
    h = await startApprovalHarness();
    const id = await askAndApprove(h);
    expect(await storedRequest(h, id)).toMatchObject({ status: 'done' });
    expect(await listPending(h.state.store)).toEqual([]);
  });
});

describe('a teardown near the worker’s time limit', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('stops cleanly while its tasks are still stopping, says what was done, and tells to run teardown again to continue', async () => {
    // Tasks take an hour to stop, so the teardown waits; its time runs out while it does.
    h = await startApprovalHarness({
      sandbox: { timings: { taskStartMs: 0, taskStopMs: 3_600_000, instanceShutdownMs: 0 } },
      approvalTiming: { stopMarginMs: 200, pollMs: 20 },
    });
    let deadline = Number.POSITIVE_INFINITY;
    h.worker.remainingTimeMs = () => {
      // The clock starts once the two standalone tasks have been asked to stop (the step before the wait).
      if (deadline === Number.POSITIVE_INFINITY && h.sandbox.callsTo('ecs:StopTask').length >= 2)
        deadline = Date.now() + 300;
      return deadline - Date.now();
    };
    const id = await askAndApprove(h);

    const message = channelMessages(h)[0]!;
    expect(message.text).toMatch(
      /^Teardown of lab: Paused at step 6 of 13 after (under a second|\ds), before the worker's time limit\. Done: 5 steps\. Not done: Wait for the services to drain and the tasks to stop; Deregister container instance [0-9a-f]{12} \(i-[0-9a-f]+\); Deregister container instance [0-9a-f]{12} \(i-[0-9a-f]+\); Terminate EC2 instance i-[0-9a-f]+ \(t3\.large\); Terminate EC2 instance i-[0-9a-f]+ \(t3\.large\) and 3 more\. Run teardown again to continue: \/ecs teardown lab plans from what is left\.$/,
    );
    expect(shown(message)).toContain(':white_check_mark: Stop task');
    expect(shown(message)).toContain(':white_small_square: Wait for the services to drain and the tasks to stop\n');
    expect(h.sandbox.callsTo('ecs:DeregisterContainerInstance')).toHaveLength(0);
    expect(h.sandbox.callsTo('ecs:DeleteCluster')).toHaveLength(0);
    expect(await clusterStatus(h)).toBe('ACTIVE');
    expect(await storedRequest(h, id)).toMatchObject({ status: 'failed' });
  });

  it('with less time left than one step needs, it starts no step at all', async () => {
    h = await startApprovalHarness();
    h.worker.remainingTimeMs = () => 30_000; // under the 60 s a step may need
    const id = await askAndApprove(h);

    expect(channelMessages(h)[0]!.text).toMatch(
      /^Teardown of lab: Paused at step 1 of 13 after (under a second|\ds), before the worker's time limit\. Done: 0 steps\. .* Run teardown again to continue: \/ecs teardown lab plans from what is left\.$/,
    );
    expect(h.sandbox.mutations()).toEqual([]);
    expect(await storedRequest(h, id)).toMatchObject({ status: 'failed' });
  });
});
