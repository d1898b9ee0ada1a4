import { randomUUID } from 'node:crypto';
import { type StepRecord } from '../../src/approvals/gated-operation';
import { type TeardownPlan } from '../../src/approvals/operations/teardown';
import { type ApprovalRequest } from '../../src/approvals/types';
import { blockKitProblems } from '../../src/slack/limits';
import { approvalRequestMessage, decidedMessage, progressMessage, staleMessage } from '../../src/approvals/view';

/** A cluster far bigger than anyone tears down from Slack: every list must still fit one message. */
function hugePlan(): TeardownPlan {
  return {
    kind: 'teardown',
    clusterActive: true,
    services: Array.from({ length: 1000 }, (_, i) => ({
      name: `service-with-a-rather-long-name-${i}`,
      status: i % 10 ? 'ACTIVE' : 'DRAINING',
      desired: 3,
      running: 3,
    })),
    tasks: Array.from({ length: 500 }, (_, i) => ({
      id: `${i}`.padStart(32, 'a'),
      taskDefinition: `batch-job-family:${i}`,
      lastStatus: 'RUNNING',
    })),
    containerInstances: Array.from({ length: 300 }, (_, i) => ({
      id: `${i}`.padStart(32, 'c'),
      ec2InstanceId: `i-${`${i}`.padStart(17, '0')}`,
      status: 'ACTIVE',
      runningTasks: 2,
    })),
    ec2Instances: Array.from({ length: 300 }, (_, i) => ({
      id: `i-${`${i}`.padStart(17, '0')}`,
      type: 'm5.xlarge',
      state: 'running',
      leftover: i === 0,
    })),
    repositories: Array.from({ length: 40 }, (_, i) => ({ name: `team/repository-${i}`, imageCount: 1000 + i })),
  };
}

function request(plan: TeardownPlan, status: ApprovalRequest['status'] = 'pending'): ApprovalRequest {
  const now = Date.UTC(2026, 10, 25, 12, 0);
  return {
    id: randomUUID(),
    command: 'teardown big',
    alias: 'big',
    clusterName: 'big',
    region: 'us-east-1',
    channelId: 'C0OPS',
    messageTs: '1.2',
    requester: { id: 'U0ALICE', teamId: 'T0' },
    requesterTeam: 'lab-admins',
    createdAt: now,
    deadline: now + 30 * 60_000,
    status,
    decidedBy: { id: 'U0BOB', teamId: 'T0' },
    decidedAt: now + 60_000,
    runAs: { user: { id: 'U0ALICE', teamId: 'T0' }, team: 'lab-admins' },
    plan,
  };
}

describe('approval messages stay within Slack’s limits, whatever the size of the cluster', () => {
  it('a request for a cluster of 1,000 services, 500 tasks and 300 instances fits one message and says how many more', () => {
    const message = approvalRequestMessage(request(hugePlan()), { approvers: ['platform'], runAs: 'requester' });
    expect(blockKitProblems(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*900 services* to scale to 0 and delete');
    expect(text).toContain('and 875 more');
    expect(text).toContain('*40 ECR repositories*');
  });

  it.each(['approved', 'denied', 'cancelled', 'expired'] as const)(
    'the %s message of that request fits too, without buttons',
    (status) => {
      const message = decidedMessage(request(hugePlan(), status));
      expect(blockKitProblems(message)).toEqual([]);
      expect(message.blocks?.some((b) => b.type === 'actions')).toBe(false);
    },
  );

  it('a progress list of 2,000 steps folds the finished ones and fits', () => {
    const steps: StepRecord[] = Array.from({ length: 2000 }, (_, i) => ({
      label: `Scale \`service-with-a-rather-long-name-${i}\` to 0 and delete it`,
      state: i < 1500 ? 'done' : i === 1500 ? 'failed' : 'pending',
      ...(i === 1500 ? { note: 'AWS denied `ecs:DeleteService` '.repeat(20) } : {}),
    }));
    const message = progressMessage(request(hugePlan(), 'running'), steps, {
      ok: false,
      text: 'Stopped at step 1501 of 2000.',
    });
    expect(blockKitProblems(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('earlier steps done');
    expect(text).toContain(':x: Scale `service-with-a-rather-long-name-1500`');
    expect(text).toContain('… and 442 more steps (not done)');
  });

  it('a stale request’s message fits', () => {
    expect(
      blockKitProblems(
        staleMessage(request(hugePlan(), 'stale'), 'the cluster changed since the plan was approved: new service `x`.'),
      ),
    ).toEqual([]);
  });
});
