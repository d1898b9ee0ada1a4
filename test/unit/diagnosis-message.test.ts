import fc from 'fast-check';
import { diagnose } from '../../src/diagnosis/diagnose';
import { type Evidence } from '../../src/diagnosis/evidence';
import { diagnosisMessage } from '../../src/diagnosis/message';
import { blockKitProblems } from '../../src/slack/limits';
import { type TaskInfo } from '../../src/aws/tasks';

const HOSTILE = '<!channel> <@U0BOSS> <https://evil.example|click> & ';

function stoppedTask(reason: string, exitCode: number | undefined, containerReason?: string): TaskInfo {
  return {
    id: '4f6e2a1c9d8b4e7fa0b1c2d3e4f5a6b7',
    arn: 'arn:aws:ecs:us-east-1:111111111111:task/prod/4f6e2a1c9d8b4e7fa0b1c2d3e4f5a6b7',
    taskDefinition: 'web:3',
    service: 'web',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    startedAt: 1_000,
    stoppingAt: 4_000,
    stoppedAt: 5_000,
    stopCode: 'EssentialContainerExited',
    stoppedReason: reason,
    containers: [
      {
        name: 'web',
        lastStatus: 'STOPPED',
        ...(exitCode !== undefined ? { exitCode } : {}),
        ...(containerReason ? { reason: containerReason } : {}),
      },
    ],
  };
}

function evidenceOf(task: TaskInfo, logLines: string[] = []): Evidence {
  return {
    subject: { kind: 'task', name: task.id },
    task,
    logs: [
      {
        container: 'web',
        kind: 'events',
        group: '/ecs/web',
        stream: 'ecs/web/x',
        region: 'us-east-1',
        events: logLines.map((message, i) => ({ timestamp: i, message })),
      },
    ],
    checked: ['task 4f6e2a1c: its stop code and reason'],
    unread: [],
  };
}

describe('the why reply, whatever AWS says', () => {
  it('text from AWS (reasons, log lines) never becomes a mention, a channel ping or a link', () => {
    const task = stoppedTask(`${HOSTILE}Essential container in task exited`, 1, `${HOSTILE}boom`);
    const message = diagnosisMessage('prod', evidenceOf(task), diagnose(evidenceOf(task, [`${HOSTILE}fatal`])));
    const all = JSON.stringify(message);
    expect(all).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil/);
    expect(all).toContain('&lt;!channel&gt;');
  });

  it('any reasons and log lines, however long or many, stay within Slack’s Block Kit limits', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 5000 }),
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 5000 }), { nil: undefined }),
        fc.array(fc.string({ maxLength: 2000 }), { maxLength: 60 }),
        (reason, exitCode, containerReason, lines) => {
          const task = stoppedTask(reason, exitCode, containerReason);
          const evidence = evidenceOf(task, lines);
          const message = diagnosisMessage('prod', evidence, diagnose(evidence));
          expect(blockKitProblems(message)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stop no rule recognises gets "not recognised" and its raw reason, not a guess', () => {
    const task = stoppedTask('Something odd happened', undefined);
    task.stopCode = 'TaskFailedToStart';
    const d = diagnose(evidenceOf(task));
    expect(d.rule).toBe('unknown');
    expect(d.quotes).toContain('stop code TaskFailedToStart: Something odd happened');
  });
});
