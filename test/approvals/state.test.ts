import { randomUUID } from 'node:crypto';
import { type ApprovalRequest } from '../../src/approvals/types';
import {
  claimExecution,
  createApprovalRequest,
  decide,
  expire,
  finishExecution,
  getApprovalRequest,
} from '../../src/approvals/store';
import { startDynalite, type LocalStateTable } from '../../testbed/dynalite';

const alice = { id: 'U0ALICE', teamId: 'T0' };
const bob = { id: 'U0BOB', teamId: 'T0' };
const erin = { id: 'U0ERIN', teamId: 'T0' };
const NOW = Date.UTC(2026, 10, 25, 12, 0);

function newRequest(): ApprovalRequest {
  return {
    id: randomUUID(),
    command: 'repo delete old',
    alias: 'lab',
    clusterName: 'lab',
    region: 'us-east-1',
    channelId: 'C0OPS',
    requester: alice,
    requesterTeam: 'lab-admins',
    createdAt: NOW,
    deadline: NOW + 30 * 60_000,
    status: 'pending',
    plan: {
      kind: 'repo delete',
      repository: 'old',
      uri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/old',
      imageCount: 2,
    },
  };
}

/** The state table alone: each decision is a conditional write, whatever the code in front of it does. */
describe('approval requests in the state table', () => {
  let table: LocalStateTable;
  beforeAll(async () => {
    table = await startDynalite();
  });
  afterAll(async () => {
    await table.stop();
  });

  it('the requester’s own approval is refused by the write itself', async () => {
    const request = newRequest();
    await createApprovalRequest(table.store, request);
    expect(
      await decide(
        table.store,
        request.id,
        { to: 'approved', by: alice, runAs: { user: alice, team: 'lab-admins' } },
        NOW + 1000,
      ),
    ).toBeUndefined();
    expect((await getApprovalRequest(table.store, request.id))?.status).toBe('pending');
  });

  it('of 50 concurrent approvals exactly one is written, and it records who and when', async () => {
    const request = newRequest();
    await createApprovalRequest(table.store, request);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        decide(
          table.store,
          request.id,
          { to: 'approved', by: i % 2 ? bob : erin, runAs: { user: alice, team: 'lab-admins' } },
          NOW + 1000 + i,
        ),
      ),
    );
    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    const stored = await getApprovalRequest(table.store, request.id);
    expect(stored).toEqual(winners[0]);
    expect(stored).toMatchObject({ status: 'approved', runAs: { user: alice }, plan: request.plan });
    expect([bob.id, erin.id]).toContain(stored?.decidedBy?.id);
  });

  it('a decision after the deadline is refused, and only then may the request expire', async () => {
    const request = newRequest();
    await createApprovalRequest(table.store, request);
    expect(await expire(table.store, request.id, request.deadline - 1)).toBeUndefined();
    expect(await decide(table.store, request.id, { to: 'denied', by: bob }, request.deadline)).toBeUndefined();
    expect(await expire(table.store, request.id, request.deadline)).toMatchObject({ status: 'expired' });
    expect(
      await decide(
        table.store,
        request.id,
        { to: 'approved', by: bob, runAs: { user: alice, team: 'x' } },
        request.deadline - 1,
      ),
    ).toBeUndefined();
  });

  it('an approved request is claimed to run once, and finishes once', async () => {
    const request = newRequest();
    await createApprovalRequest(table.store, request);
    await decide(
      table.store,
      request.id,
      { to: 'approved', by: bob, runAs: { user: alice, team: 'lab-admins' } },
      NOW + 1,
    );
    const claims = await Promise.all([
      claimExecution(table.store, request.id, NOW + 2),
      claimExecution(table.store, request.id, NOW + 2),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const steps = [{ label: 'Delete ECR repository `old`', state: 'done' as const }];
    expect(
      await finishExecution(table.store, request.id, {
        status: 'done',
        steps,
        outcome: 'Repository old deleted.',
        now: NOW + 3,
      }),
    ).toMatchObject({ status: 'done', steps });
    expect(
      await finishExecution(table.store, request.id, { status: 'failed', steps, outcome: 'again', now: NOW + 4 }),
    ).toBeUndefined();
  });

  it('a denied request can be neither approved nor cancelled afterwards', async () => {
    const request = newRequest();
    await createApprovalRequest(table.store, request);
    expect(await decide(table.store, request.id, { to: 'denied', by: bob }, NOW + 1)).toMatchObject({
      status: 'denied',
      decidedBy: bob,
    });
    expect(
      await decide(table.store, request.id, { to: 'approved', by: erin, runAs: { user: alice, team: 'x' } }, NOW + 2),
    ).toBeUndefined();
    expect(await decide(table.store, request.id, { to: 'cancelled', by: alice }, NOW + 2)).toBeUndefined();
    expect(await claimExecution(table.store, request.id, NOW + 3)).toBeUndefined();
  });

  it('an unknown id reads as nothing, and no write creates it', async () => {
    const id = randomUUID();
    expect(await getApprovalRequest(table.store, id)).toBeUndefined();
    expect(
      await decide(table.store, id, { to: 'approved', by: bob, runAs: { user: bob, team: 'x' } }, NOW),
    ).toBeUndefined();
    expect(await getApprovalRequest(table.store, id)).toBeUndefined();
  });
});
