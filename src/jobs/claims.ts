import { type StateStore, ttlSeconds } from '../state/table';

/**
 * Jobs the worker has claimed. Lambda may deliver one async invocation more than once, and a
 * replayed Slack request makes the same job again (its id comes from the request's signature), so
 * the worker claims each job id with one conditional put before it runs anything: the first
 * delivery wins, every later one finds the claim and does nothing.
 *
 * Key: `job#<id>` / `claim`, kept a day (the table's whole key layout is in src/state/table.ts).
 *
 * A claim outlives every way a duplicate can still arrive: a job older than JOB_MAX_AGE_MS is not
 * run anyway, and Slack's request signatures are good for 5 minutes.
 */
export const JOB_CLAIM_TTL_MS = 24 * 3_600_000;

/** True when this delivery is the first to claim the job; false when another one already did. */
export async function claimJob(
  store: StateStore,
  jobId: string,
  nowMs: number,
  what: { kind: string; verb?: string },
): Promise<boolean> {
  return store.put(
    {
      pk: jobPk(jobId),
      sk: 'claim',
      claimedAt: nowMs,
      kind: what.kind,
      ...(what.verb ? { verb: what.verb } : {}),
      expiresAt: ttlSeconds(nowMs + JOB_CLAIM_TTL_MS),
    },
    // An expired claim DynamoDB has not deleted yet counts as absent (as everywhere in the table).
    { condition: 'attribute_not_exists(#pk) OR #expiresAt <= :now', values: { ':now': ttlSeconds(nowMs) } },
  );
}

function jobPk(id: string): string {
  // Ids come from our own Slack function (a UUID or a hash), but bound them before they become a key.
  return `job#${id.slice(0, 200)}`;
}
