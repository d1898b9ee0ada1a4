import { z } from 'zod';
import { type ClusterOps } from '../../aws/access';
import { NotFoundError } from '../../errors';
import { escapeText } from '../../slack/message';
import { type GatedOperation } from '../gated-operation';
import { tookText } from '../../text/times';
import { PlanUsage, type UsageReader } from './usage';

/** `repo delete REPO`: the ECR repository and every image in it (force). */

export const RepoDeletePlan = z.object({
  kind: z.literal('repo delete'),
  repository: z.string(),
  uri: z.string(),
  imageCount: z.number(),
  usage: PlanUsage.optional(),
});
export type RepoDeletePlan = z.infer<typeof RepoDeletePlan>;

export async function readRepoDeletePlan(
  aws: ClusterOps,
  repository: string,
  usage: UsageReader,
): Promise<RepoDeletePlan> {
  // Who pulls from it is read while the repository is: two round trips fewer than one after the other.
  const using = usage.ofImage(repository);
  using.catch(() => undefined);
  const repo = await aws.ecr.repository(repository);
  if (!repo)
    throw new NotFoundError(
      `There is no ECR repository \`${escapeText(repository)}\` in ${aws.region}. Run \`/ecs repos\` to see the repositories.`,
    );
  return { kind: 'repo delete', repository: repo.name, uri: repo.uri, imageCount: repo.imageCount, usage: await using };
}

export const repoDeleteOperation: GatedOperation<RepoDeletePlan> = {
  async checkOwnership(plan, ownership) {
    ownership.repository(plan.repository, 'repo delete');
  },
  async prepare(env, plan) {
    return {
      ok: true,
      steps: [
        {
          kind: 'delete repository',
          label: `Delete ECR repository \`${escapeText(plan.repository)}\` and its images`,
          async run() {
            // Images pushed since the plan go with it: deleting the repository is what was approved.
            return (await env.aws.ecr.deleteRepository(plan.repository)) === 'gone' ? 'already gone' : undefined;
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return `Repository \`${escapeText(plan.repository)}\` deleted with its images (${tookText(tookMs)}).`;
  },
};
