import { type ECRClientConfig } from '@aws-sdk/client-ecr';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { awsCall, type AwsCallContext } from './errors';
import { mapLimit } from './concurrency';
import { type EcrOps, type ImageInfo, type RepositorySummary } from './types';
import { escapeText } from '../slack/message';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type EcrModule = typeof import('@aws-sdk/client-ecr');

/** DescribeRepositories, DescribeImages and ListImages return at most 1000 a page. */
const PAGE = 1000;
const PARALLEL_CALLS = 5;

/**
 * ECR repositories and images. ECR belongs to the account and region, not to a cluster: the
 * cluster's role and region are used, so a user sees the registry next to the cluster they may read.
 */
export function createEcrOps(clients: { ecrConfig: ECRClientConfig }, base: Omit<AwsCallContext, 'action'>): EcrOps {
  // Loaded on first use, so jobs that never touch ECR do not pay for it at cold start.
  let loaded: Promise<{ m: EcrModule; client: InstanceType<EcrModule['ECRClient']> }> | undefined;
  const ecr = () =>
    (loaded ??= import('@aws-sdk/client-ecr').then((m) => ({ m, client: new m.ECRClient(clients.ecrConfig) })));
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  async function repositories(): Promise<RepositorySummary[]> {
    const { m, client } = await ecr();
    return awsCall(ctx('ecr:DescribeRepositories'), async () => {
      const all: RepositorySummary[] = [];
      for await (const page of m.paginateDescribeRepositories({ client, pageSize: PAGE }, { maxResults: PAGE })) {
        for (const r of page.repositories ?? []) {
          all.push({
            name: r.repositoryName ?? '?',
            uri: r.repositoryUri ?? '',
            ...(r.createdAt ? { createdAt: r.createdAt.getTime() } : {}),
          });
        }
      }
      return all.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async function repositoryNotFound(name: string, cause: unknown): Promise<never> {
    const names = (await repositories()).map((r) => r.name);
    const listed =
      names.length === 0
        ? `The account of *${base.alias}* has no ECR repositories in ${base.region}.`
        : `Repositories: ${names
            .slice(0, 30)
            .map((n) => `\`${escapeText(n)}\``)
            .join(', ')}${names.length > 30 ? ` and ${names.length - 30} more` : ''}.`;
    throw new NotFoundError(
      `There is no ECR repository \`${escapeText(name)}\` in ${base.region} (the account of *${base.alias}*).${didYouMean(name, names)} ${listed}`,
      { cause },
    );
  }

  return {
    repositories,

    async imageCounts(names) {
      const { m, client } = await ecr();
      const counts = await mapLimit(names, PARALLEL_CALLS, (repositoryName) =>
        awsCall(ctx('ecr:ListImages', `repository ${repositoryName}`), async () => {
          const digests = new Set<string>();
          // ListImages lists an image once per tag; count digests.
          for await (const page of m.paginateListImages(
            { client, pageSize: PAGE },
            { repositoryName, maxResults: PAGE },
          )) {
            for (const id of page.imageIds ?? []) if (id.imageDigest) digests.add(id.imageDigest);
          }
          return digests.size;
        }),
      );
      return new Map(names.map((n, i) => [n, counts[i]!]));
    },

    async images(repository) {
      const { m, client } = await ecr();
      try {
        return await awsCall(ctx('ecr:DescribeImages', `repository ${repository}`), async () => {
          const all: ImageInfo[] = [];
          for await (const page of m.paginateDescribeImages(
            { client, pageSize: PAGE },
            { repositoryName: repository, maxResults: PAGE },
          )) {
            for (const d of page.imageDetails ?? []) {
              const image: ImageInfo = { repository, digest: d.imageDigest ?? '', tags: d.imageTags ?? [] };
              if (d.imageSizeInBytes !== undefined) image.sizeBytes = d.imageSizeInBytes;
              if (d.imagePushedAt) image.pushedAt = d.imagePushedAt.getTime();
              all.push(image);
            }
          }
          // ECR has no order of its own: newest push first, as people look for the last build.
          return all.sort((a, b) => (b.pushedAt ?? 0) - (a.pushedAt ?? 0));
        });
      } catch (err) {
        if (err instanceof AwsActionError && err.awsErrorName === 'RepositoryNotFoundException')
          return repositoryNotFound(repository, err);
        throw err;
      }
    },
  };
}
