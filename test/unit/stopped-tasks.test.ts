import { blockKitProblems } from '../../src/slack/limits';
import { settlementMessage } from '../../src/slack/views/services';
import { stopReason, stopReasons } from '../../src/slack/views/stopped-tasks';
import { type ServiceDetail } from '../../src/aws/services';
import { type TaskInfo } from '../../src/aws/tasks';

const service: ServiceDetail = {
  name: 'web',
  arn: 'arn:web',
  status: 'ACTIVE',
  desired: 2,
  running: 0,
  pending: 0,
  taskDefinition: 'web:7',
  deployments: [],
  events: [],
};

function task(id: string, fields: Partial<TaskInfo>): TaskInfo {
  return {
    id,
    arn: `arn:${id}`,
    taskDefinition: 'web:7',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    containers: [],
    ...fields,
  };
}

const oom = (id: string) =>
  task(id, {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      {
        name: 'worker',
        lastStatus: 'STOPPED',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
      { name: 'sidecar', lastStatus: 'STOPPED', exitCode: 0 },
    ],
  });
const pull = (id: string) => {
  const reason =
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nope:latest: not found';
  return task(id, {
    stopCode: 'TaskFailedToStart',
    stoppedReason: reason,
    containers: [{ name: 'app', lastStatus: 'STOPPED', reason }],
  });
};

describe('why stopped tasks stopped, as a follow-up says it', () => {
  it('an OOM kill names the container, its exit code, what 137 means and the reason; a sidecar that exited cleanly is left out', () => {
    expect(stopReason(oom('a'))).toBe(
      'Essential container in task exited — worker exit 137: killed (SIGKILL) — often out of memory (OutOfMemoryError: Container killed due to memory usage)',
    );
  });

  it('a sidecar the agent stopped with SIGTERM (exit 143) after the essential container exited is not named as a cause', () => {
    const t = task('a', {
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'app', lastStatus: 'STOPPED', exitCode: 1 },
        { name: 'envoy', lastStatus: 'STOPPED', exitCode: 143 },
      ],
    });
    expect(stopReason(t)).toBe('Essential container in task exited — app exit 1: application error');
  });

  it('a stop someone asked for ends in 143 or 137 (SIGTERM, then SIGKILL after stopTimeout): the reason alone, no failed container', () => {
    const scaledIn = task('a', {
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)',
      containers: [
        { name: 'app', lastStatus: 'STOPPED', exitCode: 143 },
        { name: 'slow', lastStatus: 'STOPPED', exitCode: 137 },
      ],
    });
    expect(stopReason(scaledIn)).toBe('Scaling activity initiated by (deployment ecs-svc/1)');
  });

  it('a pull error is said once, not again for the container that carries the same reason', () => {
    expect(stopReason(pull('a'))).toBe(
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nope:latest: not found',
    );
  });

  it('tasks that stopped the same way are counted together, in the order of their newest stop', () => {
    expect(
      stopReasons([pull('a'), oom('b'), pull('c'), oom('d'), oom('e')]).map((r) => [r.count, r.text.slice(0, 24)]),
    ).toEqual([
      [2, 'CannotPullContainerError'],
      [3, 'Essential container in t'],
    ]);
  });

  it('a failed deployment says how many tasks stopped and why, with buttons to why the newest stopped, the stopped tasks and the logs', () => {
    const message = settlementMessage(
      'prod',
      { kind: 'failed', service, reason: 'tasks failed to start', stopped: [oom('a'), pull('b'), oom('c')] },
      60_000,
    );
    expect(message.text).toMatch(
      /^web in prod: the deployment failed — tasks failed to start \(0\/2 running\)\. 3 tasks stopped: 2 × Essential container .*; 1 × CannotPullContainerError/,
    );
    const actions = message.blocks!.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements.map((e) => [e.action_id, JSON.parse(e.value)])).toEqual([
      ['cmd:why', { cluster: 'prod', args: ['a'] }],
      ['cmd:tasks', { cluster: 'prod', args: ['--service', 'web', '--stopped'] }],
      ['cmd:logs', { cluster: 'prod', args: ['web'] }],
    ]);
  });

  it('a timeout with no stopped tasks reads as it did before: no extra section, no buttons', () => {
    const message = settlementMessage('prod', { kind: 'timeout', service, stopped: [] }, 60_000);
    expect(message.blocks).toHaveLength(1);
    expect(message.text).toBe('web in prod: still 0/2 running (0 pending) after 1m. Check `/ecs service web -c prod`.');
  });

  it('hundreds of stops for dozens of long, different reasons stay within Slack’s limits: five reasons, then how many more', () => {
    const stopped = Array.from({ length: 300 }, (_, i) =>
      task(`t${i}`, {
        stopCode: 'TaskFailedToStart',
        stoppedReason: `CannotStartContainerError: <${i % 40}> ${'x'.repeat(3000)}`,
      }),
    );
    const message = settlementMessage('prod', { kind: 'timeout', service, stopped }, 60_000);
    expect(blockKitProblems(message)).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('&lt;0&gt;');
    expect(shown).toContain('260 more for 35 other reasons');
    expect(message.text).toContain('300 tasks stopped: 8 × CannotStartContainerError: &lt;0&gt;');
  });
});
