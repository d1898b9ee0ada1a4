import { explainPlacement, explainStop } from '../../src/text/stop-causes';

describe('the Fargate and awsvpc causes of a stop, in words', () => {
  it('a pull that times out points at the private subnet without a NAT gateway or VPC endpoints', () => {
    const why = explainStop({
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111111111111.dkr.ecr.us-east-1.amazonaws.com/web:7: failed to do request: Head "https://111111111111.dkr.ecr.us-east-1.amazonaws.com/v2/web/manifests/7": dial tcp 52.0.0.1:443: i/o timeout',
    });
    expect(why).toContain('private subnet needs a NAT gateway or VPC endpoints');
  });

  it('a missing log group and an ENI that could not be set up each get their own fix', () => {
    expect(
      explainStop({
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'ResourceInitializationError: failed to validate logger args: The specified log group does not exist.',
      }),
    ).toContain('create the log group');
    expect(
      explainStop({
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'ResourceInitializationError: failed to configure ENI: subnet has no free IP address',
      }),
    ).toContain('out of free IP addresses');
  });

  it('a Spot interruption of a standalone task says it is not replaced', () => {
    expect(explainStop({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' })).toContain(
      'A standalone task is not replaced',
    );
  });

  it('an ordinary crash or user stop gets no Fargate explanation', () => {
    expect(
      explainStop({
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        reasons: ['OutOfMemoryError: Container killed due to memory usage'],
      }),
    ).toBeUndefined();
    expect(explainStop({ stopCode: 'UserInitiated', stoppedReason: 'Stopped by @alice via Slack' })).toBeUndefined();
  });

  it('placement failures for lack of ENIs or Fargate capacity are explained', () => {
    expect(explainPlacement('RESOURCE:ENI')).toContain('ENI trunking');
    expect(
      explainPlacement(
        '(service web) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.',
      ),
    ).toContain('Fargate had no capacity');
    expect(explainPlacement('RESOURCE:MEMORY')).toBeUndefined();
  });
});
