import { type ClusterOps } from '../aws/types';
import { ChatopsError, NotFoundError } from '../errors';
import { count } from '../text/words';
import { tookText } from '../text/times';
import { drainText } from '../teardown/steps';
import { type GatedOperation } from './operations';
import { type UsageReader } from './usage';
import { type ImageDeletePlan, type RepoDeletePlan, type ServiceDeletePlan, type TaskdefDeregisterPlan } from './types';
import { escapeText } from '../slack/message';
import { sliceWhole } from '../unicode';

/**
 * The approval-gated deletes other than teardown: what each plan reads, and the steps that run
 * once it is approved. Each re-reads the live state first, like teardown does.
 */

// ---- service delete ------------------------------------------------------------------------------

export async function readServiceDeletePlan(aws: ClusterOps, name: string): Promise<ServiceDeletePlan> {
  const service = await aws.services.describe(name);
  return {
    kind: 'service delete',
    service: {
      name: service.name,
      desired: service.desired,
      running: service.running,
      taskDefinition: service.taskDefinition,
    },
  };
}

export const serviceDeleteOperation: GatedOperation<ServiceDeletePlan> = {
  async prepare(env, plan) {
    const name = plan.service.name;
    return {
      ok: true,
      steps: [
        {
          label: `Scale \`${escapeText(name)}\` to 0 and delete it`,
          async run() {
            return (await env.aws.teardown.deleteService(name)) === 'gone' ? 'already deleted' : undefined;
          },
        },
        {
          label: `Wait for \`${escapeText(name)}\` to drain`,
          async run(progress) {
            const started = env.clock.now();
            for (;;) {
              // DescribeServices until INACTIVE and its tasks until STOPPED: ListServices stops
              // listing a service as soon as it is DRAINING, so it cannot tell when one is gone.
              const left = await env.aws.teardown.drainState([name], { service: name });
              if (left.services.length === 0 && left.tasks === 0) return `took ${tookText(env.clock.now() - started)}`;
              if (env.clock.now() - started >= env.timing.waitTimeoutMs) {
                throw new ChatopsError(
                  'service_drain_timeout',
                  `\`${escapeText(name)}\` is still draining after ${tookText(env.timing.waitTimeoutMs)} (${drainText(left, 'DRAINING', 'stopping')}); ECS will finish deleting it by itself.`,
                );
              }
              await progress.note(
                left.services.length > 0
                  ? `draining${left.tasks > 0 ? `, ${count(left.tasks, 'task')} stopping` : ''}`
                  : `INACTIVE, ${count(left.tasks, 'task')} stopping`,
              );
              await env.clock.sleep(env.timing.pollMs);
            }
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return `Service \`${escapeText(plan.service.name)}\` deleted in ${tookText(tookMs)}; its tasks have stopped.`;
  },
};

// ---- taskdef deregister --------------------------------------------------------------------------

export async function readTaskdefDeregisterPlan(
  aws: ClusterOps,
  ref: string,
  usage: UsageReader,
): Promise<TaskdefDeregisterPlan | { nothingToDo: string }> {
  // Who uses it (every cluster of the account) is read while the revision is: one round trip
  // fewer when it is ACTIVE. `ref` is FAMILY:REV, the form services name revisions in.
  const reading = usage.ofTaskDefinition(ref);
  reading.catch(() => undefined);
  const info = await aws.deletes.taskDefinition(ref);
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
  async prepare(env, plan) {
    const info = await env.aws.deletes.taskDefinition(plan.taskDefinition);
    return {
      ok: true,
      steps: [
        {
          label: `Deregister task definition \`${escapeText(plan.taskDefinition)}\``,
          async run() {
            if (!info || info.status !== 'ACTIVE') return 'already inactive';
            await env.aws.deletes.deregisterTaskDefinition(plan.taskDefinition);
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

// ---- image delete --------------------------------------------------------------------------------

export async function readImageDeletePlan(
  aws: ClusterOps,
  repository: string,
  tag: string,
  usage: UsageReader,
): Promise<ImageDeletePlan> {
  const image = await aws.deletes.imageByTag(repository, tag);
  if (!image) {
    const repo = await aws.deletes.repository(repository);
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
  async prepare(env, plan) {
    const image = await env.aws.deletes.imageByTag(plan.repository, plan.tag);
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
          label: `Delete tag \`${escapeText(plan.tag)}\` from \`${escapeText(plan.repository)}\`${plan.otherTags.length === 0 ? ' (and the image with it)' : ''}`,
          async run() {
            if (!image) return 'already gone';
            return (await env.aws.deletes.deleteImage(plan.repository, plan.tag)) === 'gone'
              ? 'already gone'
              : undefined;
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

// ---- repo delete ---------------------------------------------------------------------------------

export async function readRepoDeletePlan(
  aws: ClusterOps,
  repository: string,
  usage: UsageReader,
): Promise<RepoDeletePlan> {
  // Who pulls from it is read while the repository is: two round trips fewer than one after the other.
  const using = usage.ofImage(repository);
  using.catch(() => undefined);
  const repo = await aws.deletes.repository(repository);
  if (!repo)
    throw new NotFoundError(
      `There is no ECR repository \`${escapeText(repository)}\` in ${aws.region}. Run \`/ecs repos\` to see the repositories.`,
    );
  return { kind: 'repo delete', repository: repo.name, uri: repo.uri, imageCount: repo.imageCount, usage: await using };
}

export const repoDeleteOperation: GatedOperation<RepoDeletePlan> = {
  async prepare(env, plan) {
    return {
      ok: true,
      steps: [
        {
          label: `Delete ECR repository \`${escapeText(plan.repository)}\` and its images`,
          async run() {
            // Images pushed since the plan go with it: deleting the repository is what was approved.
            return (await env.aws.deletes.deleteRepository(plan.repository)) === 'gone' ? 'already gone' : undefined;
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return `Repository \`${escapeText(plan.repository)}\` deleted with its images (${tookText(tookMs)}).`;
  },
};
