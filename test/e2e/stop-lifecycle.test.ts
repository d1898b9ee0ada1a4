import { ManualClock, type TaskRecord } from '../../src/sandbox';
import { startHarness, type Harness } from '../../testbed/harness';
import { sandboxTimeClock } from '../../testbed/sandbox-time';
import { tasksAccount } from '../../testbed/tasks-fixtures';

/**
 * StopTask is not instant on ECS: the agent sends SIGTERM, and SIGKILL once the container's
 * stopTimeout has passed (StopTask, ECS API Reference), so a container that ignores SIGTERM ends
 * with exit 137 after that long. The bot's clock is the sandbox's, so its follow-up polls move
 * the simulated account on.
 */
describe('stop, as ECS stops a task: SIGTERM, then SIGKILL after the stopTimeout', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    const account = tasksAccount();
    // PID 1 without a SIGTERM handler: the signal does nothing, the agent kills it after 2 s.
    account.taskDefinitions.push({
      family: 'stubborn',
      containerDefinitions: [
        { name: 'app', image: 'example/app:1', cpu: 64, memory: 64, essential: true, stopTimeout: 2 },
      ],
    });
    account.behaviours = { ...account.behaviours, stubborn: { sigterm: { response: 'ignores' } } };
    h = await startHarness({
      clock: sandboxTimeClock(clock),
      sandbox: { account, clock, timings: { taskStartMs: 0, taskStopMs: 1000 } },
      followUpTimeoutMs: 60_000,
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a container that ignores SIGTERM is reported killed with exit 137 after its stopTimeout, only once ECS says STOPPED', async () => {
    // Prepare
    const task: TaskRecord = h.sandbox.world.runTask('prod', { taskDefinition: 'stubborn' }).tasks[0]!;
    clock.advance(60_000);
    h.sandbox.tick();
    expect(task.lastStatus).toBe('RUNNING');

    // Act
    const result = await h.command(`stop ${task.id}`);

    // Assess
    expect(result.replies[0]?.text).toBe(`Stopping task ${task.id.slice(0, 8)} (stubborn:1) in prod`);
    expect(result.replies[1]?.text).toMatch(
      new RegExp(
        `^Task ${task.id.slice(0, 8)} \\(stubborn:1\\) in prod is STOPPED after running 1m( \\d+s)? \\(app exit 137: killed after its stopTimeout, it did not exit on SIGTERM\\)\\.$`,
      ),
    );
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
    // SIGTERM went unanswered for the whole stopTimeout before the SIGKILL.
    expect(task.stoppedAt! - task.stoppingAt!).toBeGreaterThanOrEqual(2_000);
  });

  it('while ECS is still stopping a task, task shows it STOPPING (desired STOPPED) without a Stop button, and stop changes nothing', async () => {
    // Prepare: SIGTERM sent (STOPPING), the stopTimeout not yet over.
    const task: TaskRecord = h.sandbox.world.runTask('prod', { taskDefinition: 'stubborn' }).tasks[0]!;
    clock.advance(60_000);
    h.sandbox.world.stopTask('prod', task.id, 'someone else');
    clock.advance(1_000);
    h.sandbox.tick();
    expect(task.lastStatus).toBe('STOPPING');

    // Act
    const detail = await h.command(`task ${task.id}`);
    const again = await h.command(`stop ${task.id.slice(0, 8)}`);

    // Assess
    expect(detail.replies.at(-1)?.text).toBe(`Task ${task.id.slice(0, 8)} (stubborn:1) in prod: STOPPING`);
    expect(detail.seen).toContain('STOPPING (desired STOPPED)');
    expect(detail.seen).toContain('*Stopping*: someone stopped it');
    expect(JSON.stringify(detail.replies.at(-1)?.blocks)).not.toContain('cmd:stop');
    expect(again.replies).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        text: `Task ${task.id.slice(0, 8)} (stubborn:1) in prod is already stopping: someone stopped it. Nothing was changed.`,
      }),
    ]);
    expect(h.sandbox.callsTo('ecs:StopTask')).toHaveLength(0);
  });
});

describe('stop, when the task outlasts the follow-up', () => {
  it('says the task is still STOPPING and how to look at it, instead of claiming it stopped', async () => {
    // Prepare: the container ignores SIGTERM for its whole 30 s stopTimeout; the follow-up waits 5 s.
    const clock = new ManualClock(Date.now());
    const account = tasksAccount();
    account.taskDefinitions.push({
      family: 'stubborn',
      containerDefinitions: [
        { name: 'app', image: 'example/app:1', cpu: 64, memory: 64, essential: true, stopTimeout: 30 },
      ],
    });
    account.behaviours = { ...account.behaviours, stubborn: { sigterm: { response: 'ignores' } } };
    const h = await startHarness({
      clock: sandboxTimeClock(clock),
      sandbox: { account, clock, timings: { taskStartMs: 0, taskStopMs: 1000 } },
      followUpTimeoutMs: 5_000,
    });
    try {
      const task: TaskRecord = h.sandbox.world.runTask('prod', { taskDefinition: 'stubborn' }).tasks[0]!;
      clock.advance(60_000);
      h.sandbox.tick();

      // Act
      const result = await h.command(`stop ${task.id}`);

      // Assess
      expect(result.replies[1]?.text).toMatch(
        new RegExp(
          `^Task ${task.id.slice(0, 8)} in prod is still STOPPING after 5s \\(desired STOPPED\\)\\. ECS stops it once its containers exit; /ecs task ${task.id} -c prod shows where it is\\.$`,
        ),
      );
      expect(task.lastStatus).toBe('STOPPING');
    } finally {
      await h.stop();
    }
  });
});
