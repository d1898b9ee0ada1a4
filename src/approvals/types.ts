import { z } from 'zod';
import { StepRecord } from './gated-operation';
import { Plan } from './plan';

/**
 * What an approval request is about and what it went through. Requests live in the state table
 * (./store.ts) and are read back with these schemas: a button carries only the id.
 */

export const ApprovalUser = z.object({ id: z.string().min(1), name: z.string().optional(), teamId: z.string().min(1) });
export type ApprovalUser = z.infer<typeof ApprovalUser>;

/**
 * pending → approved → running → done | failed | stale, or pending → denied | cancelled | expired.
 * Each arrow is one conditional write, so exactly one click or one worker wins it.
 */
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'running',
  'done',
  'failed',
  'stale',
] as const;
export const ApprovalStatus = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const ApprovalRequest = z.object({
  id: z.uuid(),
  /** The command as typed, verb first (`teardown staging`). */
  command: z.string(),
  alias: z.string(),
  clusterName: z.string(),
  region: z.string(),
  channelId: z.string(),
  /** The channel message that shows the request (set once it is posted). */
  messageTs: z.string().optional(),
  requester: ApprovalUser,
  /** The team whose grant gave the requester admin (a session tag when the requester's role runs it). */
  requesterTeam: z.string(),
  createdAt: z.number(),
  /** When the request stops accepting decisions (epoch ms). */
  deadline: z.number(),
  status: ApprovalStatus,
  decidedBy: ApprovalUser.optional(),
  decidedAt: z.number().optional(),
  /** Whose admin role runs it (`approvals.runAs`), fixed when it is approved. */
  runAs: z.object({ user: ApprovalUser, team: z.string() }).optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  steps: z.array(StepRecord).optional(),
  /** The last sentence of the run: the summary, or why it stopped. */
  outcome: z.string().optional(),
  plan: Plan,
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export type Decision = 'approve' | 'deny' | 'cancel';
