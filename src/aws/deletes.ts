import { DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { type ECRClientConfig } from '@aws-sdk/client-ecr';
import { AwsActionError } from '../errors';
import { awsCall, type AwsCallContext } from './errors';
import { type DeleteOps, type ImageInfo } from './types';
import { escapeText } from '../slack/message';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type EcrModule = typeof import('@aws-sdk/client-ecr');

/**
 * The approval-gated deletes other than teardown, and the reads their plans need. ECR is per
 * account and region: the cluster's admin role and region are used, like everything else.
 */
export function createDeleteOps(
  clients: { ecs: ECSClient; ecrConfig: ECRClientConfig },
  base: Omit<AwsCallContext, 'action'>,
): DeleteOps {
  const { ecs } = clients;
  // Loaded on first use, so jobs that never touch ECR do not pay for it at cold start.
  let ecrLoaded: Promise<{ m: EcrModule; client: InstanceType<EcrModule['ECRClient']> }> | undefined;
  const ecr = () =>
    (ecrLoaded ??= import('@aws-sdk/client-ecr').then((m) => ({ m, client: new m.ECRClient(clients.ecrConfig) })));
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  /** Runs a call; undefined when AWS answers with one of the "does not exist" errors. */
  async function unlessMissing<T>(
    action: string,
    resource: string,
    missing: string[],
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await awsCall(ctx(action, resource), call);
    } catch (err) {
      if (err instanceof AwsActionError && missing.includes(err.awsErrorName)) return undefined;
      throw err;
    }
  }

  async function imageCount(repositoryName: string): Promise<number> {
    const { m, client } = await ecr();
    return awsCall(ctx('ecr:ListImages', `repository ${repositoryName}`), async () => {
      let n = 0;
      for await (const page of m.paginateListImages({ client, pageSize: 1000 }, { repositoryName, maxResults: 1000 })) {
        // ListImages lists an image once per tag; count digests.
        n += new Set((page.imageIds ?? []).map((i) => i.imageDigest)).size;
      }
      return n;
    });
  }

  return {
    async repository(name) {
      const out = await unlessMissing(
        'ecr:DescribeRepositories',
        `repository ${name}`,
        ['RepositoryNotFoundException'],
        async () => {
          const { m, client } = await ecr();
          return client.send(new m.DescribeRepositoriesCommand({ repositoryNames: [name] }));
        },
      );
      const repo = out?.repositories?.[0];
      if (!repo) return undefined;
      return { name: repo.repositoryName ?? name, uri: repo.repositoryUri ?? '', imageCount: await imageCount(name) };
    },

    async imageByTag(repository, tag) {
      const out = await unlessMissing(
        'ecr:DescribeImages',
        `image ${repository}:${tag}`,
        ['RepositoryNotFoundException', 'ImageNotFoundException'],
        async () => {
          const { m, client } = await ecr();
          return client.send(
            new m.DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
          );
        },
      );
      const image = out?.imageDetails?.[0];
      if (!image?.imageDigest) return undefined;
      const info: ImageInfo = { repository, digest: image.imageDigest, tags: image.imageTags ?? [] };
      if (image.imageSizeInBytes !== undefined) info.sizeBytes = image.imageSizeInBytes;
      if (image.imagePushedAt) info.pushedAt = image.imagePushedAt.getTime();
      return info;
    },

    async deleteRepository(name) {
      // force: ECR refuses (RepositoryNotEmptyException) to delete a repository that has images otherwise.
      const out = await unlessMissing(
        'ecr:DeleteRepository',
        `repository ${name}`,
        ['RepositoryNotFoundException'],
        async () => {
          const { m, client } = await ecr();
          return client.send(new m.DeleteRepositoryCommand({ repositoryName: name, force: true }));
        },
      );
      return out ? 'deleted' : 'gone';
    },

    async deleteImage(repository, tag) {
      const out = await unlessMissing(
        'ecr:BatchDeleteImage',
        `image ${repository}:${tag}`,
        ['RepositoryNotFoundException'],
        async () => {
          const { m, client } = await ecr();
          return client.send(
            new m.BatchDeleteImageCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
          );
        },
      );
      if (!out) return 'gone';
      const failure = out.failures?.[0];
      if (failure && failure.failureCode !== 'ImageNotFound') {
        throw new AwsActionError(
          failure.failureCode ?? 'BatchDeleteImageFailed',
          `ECR did not delete \`${escapeText(repository)}:${escapeText(tag)}\`: ${escapeText(failure.failureReason ?? failure.failureCode ?? 'unknown reason')}`,
        );
      }
      return (out.imageIds ?? []).length > 0 ? 'deleted' : 'gone';
    },

    async taskDefinition(ref) {
      const out = await unlessMissing('ecs:DescribeTaskDefinition', `task definition ${ref}`, ['ClientException'], () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })),
      );
      const td = out?.taskDefinition;
      if (!td) return undefined;
      return {
        taskDefinition: `${td.family}:${td.revision}`,
        status: td.status ?? 'UNKNOWN',
        images: [...new Set((td.containerDefinitions ?? []).map((c) => c.image ?? '').filter(Boolean))],
      };
    },

    async deregisterTaskDefinition(ref) {
      await awsCall(ctx('ecs:DeregisterTaskDefinition', `task definition ${ref}`), () =>
        ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: ref })),
      );
    },
  };
}
