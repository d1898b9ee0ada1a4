import fc from 'fast-check';
import { type ServiceDeploymentInfo } from '../../src/aws/service-deployments';
import { blockKitProblems } from '../../src/slack/limits';
import {
  deploymentDetailMessage,
  deploymentsListMessage,
  liveDeploymentMessage,
  phaseOf,
  type DeploymentView,
} from '../../src/slack/views/deployments';
import { foreignControlsIn, HOSTILE } from '../../testbed/mrkdwn';

const T0 = Date.parse('2026-03-02T12:00:00Z');

function info(overrides: Partial<ServiceDeploymentInfo> = {}): ServiceDeploymentInfo {
  return {
    arn: 'arn:aws:ecs:us-east-1:111111111111:service-deployment/prod/web/abc123',
    id: 'abc123',
    service: 'web',
    status: 'IN_PROGRESS',
    lifecycleStage: 'SCALE_UP',
    createdAt: T0,
    startedAt: T0,
    updatedAt: T0 + 60_000,
    target: {
      arn: 'arn:aws:ecs:us-east-1:111111111111:service-revision/prod/web/2',
      requested: 4,
      running: 2,
      pending: 1,
    },
    sources: [
      { arn: 'arn:aws:ecs:us-east-1:111111111111:service-revision/prod/web/1', requested: 0, running: 2, pending: 0 },
    ],
    circuitBreaker: { status: 'MONITORING', failures: 1, threshold: 3 },
    alarms: { status: 'MONITORING', names: ['web-5xx'], triggered: [] },
    hooks: [],
    ...overrides,
  };
}

function view(overrides: Partial<DeploymentView> = {}): DeploymentView {
  return {
    alias: 'prod',
    service: 'web',
    ecsId: 'ecs-svc/1',
    startedBy: { kind: 'user', id: 'U0ALICE', verb: 'deploy' },
    from: 'web:4',
    to: 'web:5',
    startedAt: T0,
    snapshot: info(),
    ...overrides,
  };
}

describe('the live deployment message', () => {
  it('shows the tasks against the circuit breaker, the alarms, the stage and the elapsed time while it runs, with Roll back', () => {
    const message = liveDeploymentMessage(view(), T0 + 3 * 60_000);
    const blocks = JSON.stringify(message.blocks);
    expect(message.text).toBe('web in prod: deploy web:4 → web:5 — in progress (SCALE_UP), 3 min so far');
    expect(blocks).toContain('2 running · 1 pending of 4');
    expect(blocks).toContain('1 failed of 3 allowed');
    expect(blocks).toContain('`web-5xx`');
    expect(blocks).toContain('cmd:deployment rollback');
    expect(blocks).not.toContain('cmd:deployment continue');
    expect(message.ended).toBe(false);
  });

  it('ends in one line once the deployment has ended, without buttons', () => {
    const done = info({ status: 'SUCCESSFUL', finishedAt: T0 + 6 * 60_000 });
    const message = liveDeploymentMessage(view({ snapshot: done }), T0 + 7 * 60_000);
    expect(message.text).toBe('web in prod: deploy web:4 → web:5 — completed in 6 min');
    expect(JSON.stringify(message.blocks)).not.toContain('cmd:deployment');
    expect(message.ended).toBe(true);
  });

  it('a deployment ECS calls completed still shows a follow-up that found its tasks crash-looping, but not one that found them settled', () => {
    const done = info({ status: 'SUCCESSFUL', finishedAt: T0 + 60_000 });
    const crash = { kind: 'crashLooping', text: 'web in prod is crash-looping', blocks: [] };
    const looping = liveDeploymentMessage(view({ snapshot: done, verdict: crash }), T0 + 2 * 60_000);
    expect(looping.text).toBe('web in prod: deploy web:4 → web:5 — completed in 1 min · web in prod is crash-looping');
    expect(JSON.stringify(looping.blocks)).toContain('web in prod is crash-looping');
    // Not a green tick beside a crash loop.
    expect(JSON.stringify(looping.blocks[0])).toContain(':warning:');
    // A wait that ran out says nothing once ECS has completed it.
    const waited = { kind: 'timeout', text: 'web in prod: still 3/4 running', blocks: [] };
    expect(liveDeploymentMessage(view({ snapshot: done, verdict: waited }), T0 + 2 * 60_000).text).toBe(
      'web in prod: deploy web:4 → web:5 — completed in 1 min',
    );
    const settled = { kind: 'settled', text: 'web in prod: 4/4 running web:5', blocks: [] };
    const fine = liveDeploymentMessage(view({ snapshot: done, verdict: settled }), T0 + 2 * 60_000);
    expect(fine.text).toBe('web in prod: deploy web:4 → web:5 — completed in 1 min');
    expect(JSON.stringify(fine.blocks[0])).toContain(':white_check_mark:');
    // A deployment that rolled back says why in its one line: the finding is not repeated.
    const back = info({ status: 'ROLLBACK_SUCCESSFUL', finishedAt: T0 + 60_000, rollback: { reason: 'alarm' } });
    const rolledBack = liveDeploymentMessage(view({ snapshot: back, verdict: crash }), T0 + 2 * 60_000);
    expect(rolledBack.text).not.toContain('crash-looping');
  });

  it('a service’s first deployment (`service create`) has no Roll back: there is nothing to go back to', () => {
    const created = { kind: 'user' as const, id: 'U0ALICE', verb: 'service create' };
    const first = liveDeploymentMessage(
      view({ from: undefined, startedBy: created, snapshot: info({ sources: [] }) }),
      T0 + 60_000,
    );
    expect(JSON.stringify(first.blocks)).not.toContain('Roll back');
    const paused = info({
      sources: [],
      hooks: [{ id: 'h1', type: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' }],
    });
    const waiting = liveDeploymentMessage(view({ from: undefined, startedBy: created, snapshot: paused }), T0 + 60_000);
    expect(JSON.stringify(waiting.blocks)).toContain('"text":"Continue"');
    expect(JSON.stringify(waiting.blocks)).not.toContain('"text":"Roll back"');
    // An empty sourceServiceRevisions alone does not make a first deployment (ECS keeps revisions since Oct 2024).
    const older = liveDeploymentMessage(view({ snapshot: info({ sources: [] }) }), T0 + 60_000);
    expect(JSON.stringify(older.blocks)).toContain('"text":"Roll back"');
  });

  it('a follow-up that found the deployment paused shows it only while the message has no read of its own', () => {
    const found = {
      kind: 'paused',
      text: 'web in prod: the deployment is paused at the PAUSE lifecycle hook',
      blocks: [],
    };
    const unread = liveDeploymentMessage(view({ snapshot: undefined, verdict: found }), T0 + 60_000);
    expect(unread.text).toContain('— starting · web in prod: the deployment is paused');
    const read = liveDeploymentMessage(view({ verdict: found }), T0 + 60_000);
    expect(read.text).not.toContain('is paused');
  });

  it('a newer event wins over an older read: a COMPLETED event ends a message whose last read was in progress', () => {
    const phase = phaseOf(view({ event: { name: 'SERVICE_DEPLOYMENT_COMPLETED', at: T0 + 5 * 60_000 } }));
    expect(phase).toEqual({ kind: 'completed', at: T0 + 5 * 60_000 });
  });

  it('an older event does not undo a newer read', () => {
    const done = info({ status: 'ROLLBACK_SUCCESSFUL', finishedAt: T0 + 4 * 60_000, rollback: { reason: 'alarm' } });
    const phase = phaseOf(view({ snapshot: done, event: { name: 'SERVICE_DEPLOYMENT_IN_PROGRESS', at: T0 } }));
    expect(phase).toMatchObject({ kind: 'rolledBack', reason: 'alarm' });
  });

  it('whatever AWS or a user put in names and reasons reaches Slack escaped, and the message keeps within Block Kit limits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HOSTILE),
        fc.string({ maxLength: 3000 }),
        fc.constantFrom('IN_PROGRESS', 'SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'STOPPED', 'ROLLBACK_FAILED'),
        (hostile, noise, status) => {
          const reason = `${hostile} ${noise}`;
          const snapshot = info({
            status,
            service: hostile,
            statusReason: reason,
            lifecycleStage: hostile,
            alarms: { status: 'MONITORING', names: [hostile, noise.slice(0, 255)], triggered: [] },
            hooks: [{ id: hostile, type: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: T0 + 3600_000 }],
            rollback: { reason },
          });
          const live = view({
            service: hostile,
            from: hostile,
            to: noise.slice(0, 300),
            snapshot,
            event: { name: 'SERVICE_DEPLOYMENT_FAILED', reason, at: T0 },
            stopped: { summary: '2 tasks stopped', reasons: [reason.slice(0, 1000)], details: [reason.slice(0, 600)] },
          });
          for (const message of [
            liveDeploymentMessage(live, T0 + 60_000),
            deploymentDetailMessage('prod', snapshot, T0 + 60_000),
            deploymentsListMessage(
              'prod',
              hostile,
              [{ arn: snapshot.arn, id: hostile, status, statusReason: reason }],
              T0,
            ),
          ]) {
            expect(foreignControlsIn(message, { users: ['U0ALICE'] })).toEqual([]);
            expect(blockKitProblems(message)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
