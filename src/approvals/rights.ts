import { atLeast, type Level } from '../levels';
import { type UserAccess } from '../auth/policy';
import { type Config } from '../config/schema';
import { type ApprovalRequest, type Decision } from './types';

export type Rights = { ok: true; team?: string } | { ok: false; reason: string };

/**
 * Who may click which button, decided from the config alone (pure, like src/auth/policy.ts).
 * - Approve: a member of an `approvals.approvers` team who has admin on that cluster in that
 *   channel, and is not the requester (the two-person rule).
 * - Deny: the same people; the requester withdraws with Cancel instead.
 * - Cancel: only the requester.
 * `access` is the clicker's, computed for the request's channel.
 */
export function mayDecide(config: Config, access: UserAccess, request: ApprovalRequest, decision: Decision): Rights {
  const isRequester = access.userId === request.requester.id;
  if (decision === 'cancel') {
    return isRequester
      ? { ok: true }
      : {
          ok: false,
          reason: `Only <@${request.requester.id}>, who asked for this, can cancel it. Approvers can Deny it instead. Nothing was changed.`,
        };
  }
  if (isRequester) {
    return decision === 'approve'
      ? {
          ok: false,
          reason:
            'You asked for this, so someone else has to approve it: approvals take a second person. Nothing was changed.',
        }
      : { ok: false, reason: 'You asked for this: use Cancel to withdraw it. Nothing was changed.' };
  }
  const approvers = config.approvals.approvers;
  const verb = decision === 'approve' ? 'approve' : 'deny';
  const inTeam = approvers.filter((t) => access.teams.includes(t));
  if (inTeam.length === 0) {
    const teams =
      approvers.length > 0 ? approvers.map((t) => `*${t}*`).join(' or ') : 'an approver team (the config names none)';
    const yours = access.teams.length > 0 ? `you are in ${access.teams.join(', ')}` : 'you are in no team';
    return { ok: false, reason: `Only members of ${teams} can ${verb} this; ${yours}. Nothing was changed.` };
  }
  const here = access.clusters[request.alias];
  if (!atLeast(here?.level, 'admin') || !here?.team) {
    const have = here?.level ? `you have *${here.level}* there` : 'you have no access there';
    const elsewhere = here?.elsewhere.some((g) => atLeast(g.level, 'admin')) ? ' in this channel' : '';
    return {
      ok: false,
      reason: `To ${verb} this you also need *admin* on *${request.alias}*${elsewhere}; ${have}. Nothing was changed.`,
    };
  }
  return { ok: true, team: here.team };
}

/** Whether the requester still holds admin on the cluster (a team change since the request counts). */
export function requesterStillAdmin(
  access: UserAccess,
  request: ApprovalRequest,
  level: Level = 'admin',
): { ok: true; team: string } | { ok: false } {
  const here = access.clusters[request.alias];
  return atLeast(here?.level, level) && here?.team ? { ok: true, team: here.team } : { ok: false };
}
