import { Task } from './ecs-shapes';
import { conformance } from './support';

describe('the contract checker itself', () => {
  it('names a member the reference does not have, a member of the wrong type, a missing member and a value outside its enum', () => {
    const task = {
      taskArn: 'arn:aws:ecs:us-east-1:1:task/c/0123',
      clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/c',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:1',
      lastStatus: 'STOPPING',
      desiredStatus: 'STOPPED',
      containers: [{ containerArn: 'a', taskArn: 'b', name: 'web', lastStatus: 'STOPPED', exitCode: '143' }],
      createdAt: '2026-01-01T00:00:00Z',
      launchType: 'EC2',
      stopCode: 'Stopped',
      exitCode: 0,
    };

    expect(conformance(task, Task)).toEqual([
      '$.containers[0].exitCode: expected an integer, got "143"',
      '$.createdAt: expected a number, got "2026-01-01T00:00:00Z"',
      '$.stopCode: "Stopped" is not one of TaskFailedToStart | EssentialContainerExited | UserInitiated | ServiceSchedulerInitiated | SpotInterruption | TerminationNotice',
      '$.exitCode: not a member of Task',
      '$.version: missing from Task',
    ]);
  });
});
