import { z } from 'zod';
import { type ClusterOps } from '../../aws/access';
import { NotFoundError } from '../../errors';
import { escapeText } from '../../slack/message';
import { sliceWhole } from '../../unicode';
import { type GatedOperation } from '../gated-operation';
import { count } from '../../text/words';
import { tookText } from '../../text/times';
import { PlanUsage, type UsageReader } from './usage';

/** `image delete REPO:TAG`: removes the tag, and the image with it when it was its only tag. */

export const ImageDeletePlan = z.object({
  kind: z.literal('image delete'),
  repository: z.string(),
  tag: z.string(),
  digest: z.string(),
  /** Other tags on the same image: BatchDeleteImage by tag removes only this tag while they remain. */
  otherTags: z.array(z.string()),
  sizeBytes: z.number().optional(),
  pushedAt: z.number().optional(),
  usage: PlanUsage.optional(),
});
export type ImageDeletePlan = z.infer<typeof ImageDeletePlan>;

export async function readImageDeletePlan(
  aws: ClusterOps,
  repository: string,
  tag: string,
  usage: UsageReader,
): Promise<ImageDeletePlan> {
  const image = await aws.ecr.imageByTag(repository, tag);
  if (!image) {
    const repo = await aws.ecr.repository(repository);
    throw new NotFoundError(
      repo
        ? `ECR repository \`${escapeText(repository)}\` has no image tagged \`${escapeText(tag)}\`. Run \`/ecs images ${escapeText(repository)}\` to see its tags.`
        : `There is no ECR repository \`${escapeText(repository)}\` in ${aws.region}. Run \`/ecs repos\` to see the repositories.`,
    );
  }
  const plan: ImageDeletePlan = {
    kind: 'image delete',
    repository,
    tag,
    digest: image.digest,
    otherTags: image.tags.filter((t) => t !== tag),
  };
  if (image.sizeBytes !== undefined) plan.sizeBytes = image.sizeBytes;
  if (image.pushedAt !== undefined) plan.pushedAt = image.pushedAt;
  plan.usage = await usage.ofImage(repository, { tag, digest: image.digest });
  return plan;
}

export const imageDeleteOperation: GatedOperation<ImageDeletePlan> = {
  async checkOwnership(plan, ownership) {
    ownership.repository(plan.repository, 'image delete');
  },
  async prepare(env, plan) {
    const image = await env.aws.ecr.imageByTag(plan.repository, plan.tag);
    // The tag was pushed again since: that is another image than the one approved.
    if (image && image.digest !== plan.digest) {
      return {
        ok: false,
        reason: `\`${escapeText(plan.repository)}:${escapeText(plan.tag)}\` now points to another image (\`${escapeText(sliceWhole(image.digest, 19))}…\`) than the one approved (\`${escapeText(sliceWhole(plan.digest, 19))}…\`).`,
      };
    }
    return {
      ok: true,
      steps: [
        {
          kind: 'delete image',
          label: `Delete tag \`${escapeText(plan.tag)}\` from \`${escapeText(plan.repository)}\`${plan.otherTags.length === 0 ? ' (and the image with it)' : ''}`,
          async run() {
            if (!image) return 'already gone';
            return (await env.aws.ecr.deleteImage(plan.repository, plan.tag)) === 'gone' ? 'already gone' : undefined;
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return plan.otherTags.length === 0
      ? `Image \`${escapeText(plan.repository)}:${escapeText(plan.tag)}\` deleted (${tookText(tookMs)}).`
      : `Tag \`${escapeText(plan.tag)}\` removed from \`${escapeText(plan.repository)}\` (${tookText(tookMs)}); the image keeps ${count(plan.otherTags.length, 'other tag')}.`;
  },
};
