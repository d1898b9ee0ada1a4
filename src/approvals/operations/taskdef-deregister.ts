import { z } from 'zod';
import { type ClusterOps } from '../../aws/access';
import { NotFoundError } from '../../errors';
import { escapeText } from '../../slack/message';
import { type GatedOperation } from '../gated-operation';
import { count } from '../../text/words';
import { tookText } from '../../text/times';
import { PlanUsage, type UsageReader } from './usage';

/** `taskdef deregister FAMILY:REV`: one revision becomes INACTIVE; services that run it keep running. */

export const TaskdefDeregisterPlan = z.object({
  kind: z.literal('taskdef deregister'),
  taskDefinition: z.string(),
  images: z.array(z.string()),
  /** Services of this cluster whose current deployment uses it: they keep running, but cannot scale out on it after. */
  usedBy: z.array(z.string()),
  usage: PlanUsage.optional(),
});
export type TaskdefDeregisterPlan = z.infer<typeof TaskdefDeregisterPlan>;

export async function readTaskdefDeregisterPlan(
  aws: ClusterOps,
  ref: string,
  usage: UsageReader,
): Promise<TaskdefDeregisterPlan | { nothingToDo: string }> {
  // Who uses it (every cluster of the account) is read while the revision is: one round trip
  // fewer when it is ACTIVE. `ref` is FAMILY:REV, the form services name revisions in.
  const reading = usage.ofTaskDefinition(ref);
  reading.catch(() => undefined);
  const info = await aws.taskDefinitions.find(ref);
  if (!info)
    throw new NotFoundError(
      `ECS has no task definition \`${escapeText(ref)}\` in ${aws.region}. Run \`/ecs taskdefs -c ${aws.alias}\` to see the families there.`,
    );
  if (info.status !== 'ACTIVE')
    return {
      nothingToDo: `\`${escapeText(info.taskDefinition)}\` is already ${escapeText(info.status)}; there is nothing to deregister.`,
    };
  const used = await reading;
  const usedBy = used.checked.find((u) => u.cluster === aws.alias)?.services ?? [];
  return { kind: 'taskdef deregister', taskDefinition: info.taskDefinition, images: info.images, usedBy, usage: used };
}

export const taskdefDeregisterOperation: GatedOperation<TaskdefDeregisterPlan> = {
  async checkOwnership(plan, ownership) {
    await ownership.family(plan.taskDefinition, 'taskdef deregister');
  },
  async prepare(env, plan) {
    const info = await env.aws.taskDefinitions.find(plan.taskDefinition);
    return {
      ok: true,
      steps: [
        {
          kind: 'deregister task definition',
          label: `Deregister task definition \`${escapeText(plan.taskDefinition)}\``,
          async run() {
            if (!info || info.status !== 'ACTIVE') return 'already inactive';
            await env.aws.taskDefinitions.deregister(plan.taskDefinition);
            return undefined;
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    // Services of every cluster of the account that used it, when the plan knows them.
    const using = plan.usage ? plan.usage.checked.reduce((n, u) => n + u.services.length, 0) : plan.usedBy.length;
    return `Task definition \`${escapeText(plan.taskDefinition)}\` is INACTIVE (${tookText(tookMs)}).${using > 0 ? ` ${count(using, 'service')} still ran it when it was planned.` : ''}`;
  },
};
