import { z } from 'zod';
import { escapeText } from '../../slack/message';
import { tookText } from '../../text/times';
import { type GatedOperation } from '../gated-operation';

/**
 * `deployment rollback` when `approvals.verbs` lists it: roll a service deployment back
 * (StopServiceDeployment ROLLBACK, or a paused hook's ContinueServiceDeployment ROLLBACK) once a
 * second person approves. An operate-level change, so it runs on the operate role.
 */

export const DeploymentRollbackPlan = z.object({
  kind: z.literal('deployment rollback'),
  service: z.string(),
  /** The service deployment's ARN, and `SVC/ID` as people see it. */
  arn: z.string(),
  ref: z.string(),
  /** Its status when the request was made (IN_PROGRESS, …). */
  status: z.string(),
  /** What it deploys, when known (`web:4 → web:5`). */
  revisions: z.string().optional(),
});
export type DeploymentRollbackPlan = z.infer<typeof DeploymentRollbackPlan>;

/** Statuses a rollback can still stop (developer guide, "Stopping Amazon ECS service deployments"). */
const STOPPABLE = new Set(['PENDING', 'IN_PROGRESS']);

export const deploymentRollbackOperation: GatedOperation<DeploymentRollbackPlan> = {
  level: 'operate',
  async prepare(env, plan) {
    const [now] = await env.aws.serviceDeployments.describe([plan.arn]);
    if (!now) return { ok: false, reason: `ECS no longer knows deployment \`${escapeText(plan.ref)}\`.` };
    if (!STOPPABLE.has(now.status)) {
      return {
        ok: false,
        reason: `Deployment \`${escapeText(plan.ref)}\` is ${escapeText(now.status)} now, so there is nothing to roll back.`,
      };
    }
    const paused = now.hooks.find((h) => h.status === 'AWAITING_ACTION');
    return {
      ok: true,
      steps: [
        {
          kind: 'roll back deployment',
          label: `Roll back deployment \`${escapeText(plan.ref)}\` of \`${escapeText(plan.service)}\``,
          async run() {
            if (paused) await env.aws.serviceDeployments.resume(plan.arn, paused.id, 'ROLLBACK');
            else await env.aws.serviceDeployments.rollback(plan.arn);
            return paused ? 'at its paused hook' : 'StopServiceDeployment ROLLBACK';
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return `Deployment \`${escapeText(plan.ref)}\` of \`${escapeText(plan.service)}\` is rolling back (asked in ${tookText(tookMs)}); its message in the service's channel follows it.`;
  },
};
