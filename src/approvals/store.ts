import { type StateStore, ttlSeconds } from '../state/table';
import { type StepRecord } from './gated-operation';
import { ApprovalRequest, type ApprovalStatus, type ApprovalUser } from './types';

/**
 * Approval requests in the state table. Every change of status is one conditional write, so of
 * any number of concurrent clicks (or a job delivered twice) exactly one wins, and a replayed
 * or late click finds the request no longer in the state it needs.
 *
 * Keys (the layout of the whole table is in src/state/table.ts): `approval#<request id>` /
 * `request` holds the request, kept 90 days after its deadline as the record of who approved
 * what; `approval#pending` / `<request id>` marks a request not yet finished (waiting for a
 * decision, or approved and not yet done), with `deadline` the time the sweep next looks at it.
 *
 * The plan and the steps are stored as JSON strings: they are only ever read whole.
 */

/** Requests are kept this long after their deadline, as the record of who approved what. */
export const REQUEST_RETENTION_MS = 90 * 24 * 3_600_000;
const SK = 'request';
/**
 * One small partition: only requests still waiting for a decision or for their run to end, so
 * the sweep reads them with one Query.
 */
const PENDING_PK = 'approval#pending';

interface StoredRequest extends Omit<ApprovalRequest, 'plan' | 'steps'> {
  pk: string;
  sk: string;
  plan: string;
  steps?: string;
  expiresAt: number;
}

export function requestKey(id: string): { pk: string; sk: string } {
  return { pk: `approval#${id}`, sk: SK };
}

/** Stores a new request; false if the id is taken (never, for a random UUID, but the write says so). */
export async function createApprovalRequest(store: StateStore, request: ApprovalRequest): Promise<boolean> {
  const created = await store.put({ ...toStored(request) }, { condition: 'attribute_not_exists(#pk)' });
  if (created && request.status === 'pending') await watchRequest(store, request.id, request.deadline);
  return created;
}

/**
 * Asks the sweep to look at the request at `dueAt`: its deadline while it waits for a decision;
 * once approved, the time by which its run must have started (or ended) or it is stuck.
 */
export async function watchRequest(store: StateStore, id: string, dueAt: number): Promise<void> {
  await store.put({ pk: PENDING_PK, sk: id, deadline: dueAt, expiresAt: ttlSeconds(dueAt + 24 * 3_600_000) });
}

/** Requests the sweep watches, with when each is due (some may have moved on since: read each one). */
export async function listPending(store: StateStore): Promise<{ id: string; deadline: number }[]> {
  const items = await store.query<{ sk: string; deadline: number }>(PENDING_PK);
  return items.map((i) => ({ id: i.sk, deadline: i.deadline }));
}

/** The sweep need not look at the request any more (decided against, or finished). */
export async function forgetPending(store: StateStore, id: string): Promise<void> {
  await store.delete({ pk: PENDING_PK, sk: id });
}

/** The request, or undefined when there is none with that id (a forged or very old button). */
export async function getApprovalRequest(store: StateStore, id: string): Promise<ApprovalRequest | undefined> {
  const item = await store.get<StoredRequest>(requestKey(id));
  return item ? fromStored(item) : undefined;
}

/** Records where the request was posted. */
export async function setRequestMessage(store: StateStore, id: string, messageTs: string): Promise<void> {
  await store.update(requestKey(id), 'SET #messageTs = :ts', {
    condition: 'attribute_exists(#pk)',
    values: { ':ts': messageTs },
  });
}

export type DecisionWrite =
  | { to: 'approved'; by: ApprovalUser; runAs: { user: ApprovalUser; team: string } }
  | { to: 'denied' | 'cancelled'; by: ApprovalUser };

/**
 * pending → approved / denied / cancelled, only while the deadline has not passed. An approval
 * also requires, in the same write, that the approver is not the requester. Returns the request
 * as written, or undefined when another decision (or the deadline) got there first.
 */
export async function decide(
  store: StateStore,
  id: string,
  write: DecisionWrite,
  now: number,
): Promise<ApprovalRequest | undefined> {
  const values: Record<string, unknown> = { ':to': write.to, ':pending': 'pending', ':now': now, ':by': write.by };
  let update = 'SET #status = :to, #decidedBy = :by, #decidedAt = :now';
  let condition = '#status = :pending AND #deadline > :now';
  if (write.to === 'approved') {
    update += ', #runAs = :runAs';
    values[':runAs'] = write.runAs;
    values[':byId'] = write.by.id;
    condition += ' AND #requester.#id <> :byId';
  }
  const item = await store.update<StoredRequest>(requestKey(id), update, { condition, values });
  return item ? fromStored(item) : undefined;
}

/** pending → expired, once the deadline has passed; undefined if it was no longer pending. */
export async function expire(store: StateStore, id: string, now: number): Promise<ApprovalRequest | undefined> {
  const item = await store.update<StoredRequest>(requestKey(id), 'SET #status = :expired, #decidedAt = :now', {
    condition: '#status = :pending AND #deadline <= :now',
    values: { ':expired': 'expired', ':pending': 'pending', ':now': now },
  });
  return item ? fromStored(item) : undefined;
}

/** pending / approved (not yet running) → cancelled: a request whose message could not be posted. */
export async function withdraw(store: StateStore, id: string, by: ApprovalUser, now: number): Promise<boolean> {
  const item = await store.update<StoredRequest>(
    requestKey(id),
    'SET #status = :cancelled, #decidedBy = :by, #decidedAt = :now',
    {
      condition: '#status IN (:pending, :approved)',
      values: { ':cancelled': 'cancelled', ':pending': 'pending', ':approved': 'approved', ':by': by, ':now': now },
    },
  );
  return item !== undefined;
}

/** approved → pending again, when the worker could not be started (the approver may click again). */
export async function undoApproval(store: StateStore, id: string): Promise<boolean> {
  const item = await store.update<StoredRequest>(
    requestKey(id),
    'SET #status = :pending REMOVE #decidedBy, #decidedAt, #runAs',
    {
      condition: '#status = :approved',
      values: { ':pending': 'pending', ':approved': 'approved' },
    },
  );
  return item !== undefined;
}

/** approved → running: the worker claims the execution; a second delivery of the job gets undefined. */
export async function claimExecution(store: StateStore, id: string, now: number): Promise<ApprovalRequest | undefined> {
  const item = await store.update<StoredRequest>(requestKey(id), 'SET #status = :running, #startedAt = :now', {
    condition: '#status = :approved',
    values: { ':running': 'running', ':approved': 'approved', ':now': now },
  });
  return item ? fromStored(item) : undefined;
}

/** running → done / failed / stale, with the steps as they ended and the closing sentence. */
export async function finishExecution(
  store: StateStore,
  id: string,
  result: {
    status: Extract<ApprovalStatus, 'done' | 'failed' | 'stale'>;
    steps: StepRecord[];
    outcome: string;
    now: number;
  },
): Promise<ApprovalRequest | undefined> {
  const item = await store.update<StoredRequest>(
    requestKey(id),
    'SET #status = :to, #finishedAt = :now, #steps = :steps, #outcome = :outcome',
    {
      condition: '#status = :running',
      values: {
        ':to': result.status,
        ':running': 'running',
        ':now': result.now,
        ':steps': JSON.stringify(result.steps),
        ':outcome': result.outcome,
      },
    },
  );
  return item ? fromStored(item) : undefined;
}

/**
 * approved (its job never started) or running (its worker never finished: crashed or killed at
 * its time limit) → failed, with the sentence that says so. Conditional on the status the sweep
 * saw, so a worker that does get there first wins and this changes nothing.
 */
export async function failUnfinished(
  store: StateStore,
  id: string,
  from: Extract<ApprovalStatus, 'approved' | 'running'>,
  outcome: string,
  now: number,
): Promise<ApprovalRequest | undefined> {
  const item = await store.update<StoredRequest>(
    requestKey(id),
    'SET #status = :failed, #finishedAt = :now, #outcome = :outcome',
    {
      condition: '#status = :from',
      values: { ':failed': 'failed', ':from': from, ':now': now, ':outcome': outcome },
    },
  );
  return item ? fromStored(item) : undefined;
}

function toStored(request: ApprovalRequest): StoredRequest {
  const { plan, steps, ...rest } = request;
  return {
    ...requestKey(request.id),
    ...rest,
    plan: JSON.stringify(plan),
    ...(steps ? { steps: JSON.stringify(steps) } : {}),
    expiresAt: ttlSeconds(request.deadline + REQUEST_RETENTION_MS),
  };
}

/** A stored item read back; undefined if it does not parse (never written by this code). */
function fromStored(item: StoredRequest): ApprovalRequest | undefined {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, plan, steps, ...rest } = item;
  try {
    const parsed = ApprovalRequest.safeParse({
      ...rest,
      plan: JSON.parse(plan),
      ...(steps ? { steps: JSON.parse(steps) } : {}),
    });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
