import { type ImageDetail } from '@aws-sdk/client-ecr';
import { AwsActionError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { escapeText } from '../text/escape';
import { type AwsClients } from './clients';
import { awsCall, awsCallUnlessMissing, callContext, type AwsCallBase } from './errors';
import { mapLimit } from './concurrency';

export interface RepositorySummary {
  name: string;
  uri: string;
  createdAt?: number;
}

/** A repository as a delete's plan shows it. */
export interface RepositoryInfo {
  name: string;
  uri: string;
  imageCount: number;
}

export interface ImageInfo {
  repository: string;
  digest: string;
  tags: string[];
  sizeBytes?: number;
  pushedAt?: number;
}

export interface EcrOps {
  /** Every repository of the cluster's account and region (DescribeRepositories, 1000 a page), by name. */
  repositories(): Promise<RepositorySummary[]>;
  /** How many images each named repository holds (ListImages, counted by digest). */
  imageCounts(names: string[]): Promise<Map<string, number>>;
  /** Every image of a repository, newest push first (DescribeImages, 1000 a page); NotFoundError with "did you mean". */
  images(repository: string): Promise<ImageInfo[]>;
  /** The repository with its image count, or undefined when it does not exist. */
  repository(name: string): Promise<RepositoryInfo | undefined>;
  /** The image that carries this tag, or undefined. */
  imageByTag(repository: string, tag: string): Promise<ImageInfo | undefined>;
  /** DeleteRepository with force (its images go with it); 'gone' when it did not exist. */
  deleteRepository(name: string): Promise<'deleted' | 'gone'>;
  /** BatchDeleteImage by tag; 'gone' when the tag was not there. */
  deleteImage(repository: string, tag: string): Promise<'deleted' | 'gone'>;
}

/** DescribeRepositories, DescribeImages and ListImages return at most 1000 a page. */
const PAGE = 1000;
const PARALLEL_CALLS = 5;

/**
 * ECR repositories and images. ECR belongs to the account and region, not to a cluster: the
 * cluster's role and region are used, so a user sees the registry next to the cluster they may read.
 */
export function createEcrOps(clients: Pick<AwsClients, 'ecr'>, base: AwsCallBase): EcrOps {
  const ecr = clients.ecr;
  const ctx = callContext(base);
  const missing =
    (...names: string[]) =>
    (name: string) =>
      names.includes(name);

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

  async function imageCounts(names: string[]): Promise<Map<string, number>> {
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
  }

  return {
    repositories,
    imageCounts,

    async images(repository) {
      const { m, client } = await ecr();
      try {
        return await awsCall(ctx('ecr:DescribeImages', `repository ${repository}`), async () => {
          const all: ImageInfo[] = [];
          for await (const page of m.paginateDescribeImages(
            { client, pageSize: PAGE },
            { repositoryName: repository, maxResults: PAGE },
          )) {
            for (const d of page.imageDetails ?? []) all.push(toImageInfo(repository, d));
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

    async repository(name) {
      const { m, client } = await ecr();
      const out = await awsCallUnlessMissing(
        ctx('ecr:DescribeRepositories', `repository ${name}`),
        missing('RepositoryNotFoundException'),
        () => client.send(new m.DescribeRepositoriesCommand({ repositoryNames: [name] })),
      );
      const repo = out?.repositories?.[0];
      if (!repo) return undefined;
      const imageCount = (await imageCounts([name])).get(name) ?? 0;
      return { name: repo.repositoryName ?? name, uri: repo.repositoryUri ?? '', imageCount };
    },

    async imageByTag(repository, tag) {
      const { m, client } = await ecr();
      const out = await awsCallUnlessMissing(
        ctx('ecr:DescribeImages', `image ${repository}:${tag}`),
        missing('RepositoryNotFoundException', 'ImageNotFoundException'),
        () => client.send(new m.DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] })),
      );
      const image = out?.imageDetails?.[0];
      return image?.imageDigest ? toImageInfo(repository, image) : undefined;
    },

    async deleteRepository(name) {
      const { m, client } = await ecr();
      // force: ECR refuses (RepositoryNotEmptyException) to delete a repository that has images otherwise.
      const out = await awsCallUnlessMissing(
        ctx('ecr:DeleteRepository', `repository ${name}`),
        missing('RepositoryNotFoundException'),
        () => client.send(new m.DeleteRepositoryCommand({ repositoryName: name, force: true })),
      );
      return out ? 'deleted' : 'gone';
    },

    async deleteImage(repository, tag) {
      const { m, client } = await ecr();
      const out = await awsCallUnlessMissing(
        ctx('ecr:BatchDeleteImage', `image ${repository}:${tag}`),
        missing('RepositoryNotFoundException'),
        () => client.send(new m.BatchDeleteImageCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] })),
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
  };
}

function toImageInfo(repository: string, d: ImageDetail): ImageInfo {
  const image: ImageInfo = { repository, digest: d.imageDigest ?? '', tags: d.imageTags ?? [] };
  if (d.imageSizeInBytes !== undefined) image.sizeBytes = d.imageSizeInBytes;
  if (d.imagePushedAt) image.pushedAt = d.imagePushedAt.getTime();
  return image;
}
