import { createHash } from 'node:crypto';
import { AwsError } from './errors';
import type { AuthResource } from './iam';
import { page } from './ecs/paging';
import { defineService, JSON_SERVICE_ERRORS, type ActionContext, type ServiceModuleInit } from './service-module';

/**
 * Amazon ECR over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Action>`):
 * repositories and the images in them, enough for `repos`, `images REPO`, `image delete` and
 * `repo delete` (and the repositories a teardown removes).
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
 *
 * Seed: `account.services.ecr = { repositories: [{ name, images: [{ tags: ['1.0'] }] }] }`.
 */

export interface EcrSeed {
  repositories?: EcrRepositorySeed[];
}

export interface EcrRepositorySeed {
  name: string;
  /** How long before the sandbox started it was created; default: just before its oldest image was pushed. */
  ageMs?: number;
  /** `pushedAt` is absolute; `ageMs` is how long before the sandbox started it was pushed (default: just then). */
  images?: { tags?: string[]; sizeBytes?: number; pushedAt?: number; ageMs?: number }[];
  /**
   * The task execution roles its repository policy lets pull (absent: every role of the account):
   * another role's pull is refused with 403 Forbidden.
   */
  pullers?: string[];
}

export interface EcrImage {
  digest: string;
  /** The manifest PutImage was given (seeded images have none). */
  manifest?: { body: string; mediaType: string };
  tags: string[];
  sizeBytes: number;
  pushedAt: number;
}

export interface EcrRepository {
  name: string;
  arn: string;
  uri: string;
  createdAt: number;
  /** By digest, in push order. */
  images: Map<string, EcrImage>;
  /** See EcrRepositorySeed.pullers. */
  pullers?: string[];
}

export interface EcrState {
  repositories: Map<string, EcrRepository>;
}

type Ctx = ActionContext<EcrState>;

const NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function createState(init: ServiceModuleInit): EcrState {
  const state: EcrState = { repositories: new Map() };
  const seed = (init.account.services?.ecr ?? {}) as EcrSeed;
  const now = init.world.now;
  for (const repo of seed.repositories ?? []) {
    const pushedAt = (image: NonNullable<EcrRepositorySeed['images']>[number]) =>
      image.pushedAt ?? now - (image.ageMs ?? 0);
    // A repository exists before anything is pushed to it.
    const oldestPush = Math.min(now, ...(repo.images ?? []).map(pushedAt));
    const record = newRepository(
      init.account.accountId,
      init.account.region,
      repo.name,
      Math.min(repo.ageMs !== undefined ? now - repo.ageMs : oldestPush - 60 * 60 * 1000, oldestPush),
    );
    for (const [i, image] of (repo.images ?? []).entries()) {
      const digest = digestOf(`${repo.name}:${i}:${(image.tags ?? []).join(',')}`);
      record.images.set(digest, {
        digest,
        tags: [...(image.tags ?? [])],
        sizeBytes: image.sizeBytes ?? 50_000_000 + i * 1_000_000,
        pushedAt: pushedAt(image),
      });
    }
    if (repo.pullers) record.pullers = [...repo.pullers];
    state.repositories.set(repo.name, record);
  }
  init.world.setImagePull((image, executionRoleArn) =>
    imagePullFailure(state, init.account.accountId, init.account.region, image, executionRoleArn),
  );
  init.world.setRepositoryNames(() => [...state.repositories.keys()].sort());
  return state;
}

/**
 * The image pull of a task's container, as the ECS agent would see it: an image of this account's
 * registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST], tag `latest` by default)
 * whose repository, tag or digest does not exist fails with containerd's "not found", in the
 * words ECS puts in the stopped reason ("CannotPullContainer task errors", Amazon ECS Developer
 * Guide); one whose repository policy does not let the task's execution role pull gets 403
 * Forbidden (seed `pullers`). Other registries (Docker Hub, ECR Public, other accounts) are assumed to have the image.
 */
export function imagePullFailure(
  state: EcrState,
  accountId: string,
  region: string,
  image: string,
  executionRoleArn?: string,
): string | undefined {
  const registry = `${accountId}.dkr.ecr.${region}.amazonaws.com/`;
  if (!image.startsWith(registry)) return undefined;
  const rest = image.slice(registry.length);
  const at = rest.indexOf('@');
  const colon = at >= 0 ? -1 : rest.lastIndexOf(':');
  const name = at >= 0 ? rest.slice(0, at) : colon >= 0 ? rest.slice(0, colon) : rest;
  const digest = at >= 0 ? rest.slice(at + 1) : undefined;
  const tag = at >= 0 ? undefined : colon >= 0 ? rest.slice(colon + 1) : 'latest';
  const repo = state.repositories.get(name);
  const found =
    repo !== undefined &&
    [...repo.images.values()].some((i) => (digest !== undefined ? i.digest === digest : i.tags.includes(tag!)));
  if (found && repo.pullers && !(executionRoleArn && repo.pullers.includes(executionRoleArn))) {
    // The registry answers the manifest request with 403 (containerd's words for it).
    return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: pulling from host ${registry.slice(0, -1)} failed with status code [manifests ${tag ?? digest}]: 403 Forbidden`;
  }
  if (found) return undefined;
  const ref = tag !== undefined && colon < 0 && at < 0 ? `${image}:latest` : image;
  return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: ${ref}: not found`;
}

function newRepository(accountId: string, region: string, name: string, now: number): EcrRepository {
  return {
    name,
    arn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
    uri: `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`,
    createdAt: now,
    images: new Map(),
  };
}

function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function repoResource(ctx: Ctx, name: string): AuthResource {
  return { arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}` };
}

function repositoryNotFound(ctx: Ctx, name: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${ctx.accountId}'`,
  );
}

function requireRepository(ctx: Ctx, name: string): EcrRepository {
  const repo = ctx.state.repositories.get(name);
  if (!repo) throw repositoryNotFound(ctx, name);
  return repo;
}

function checkRegistry(ctx: Ctx): void {
  const registryId = ctx.params.optString('registryId');
  if (registryId !== undefined && registryId !== ctx.accountId) {
    throw new AwsError('RegistryNotFoundException', `The registry with id '${registryId}' does not exist`);
  }
}

function renderRepository(repo: EcrRepository) {
  return {
    repositoryArn: repo.arn,
    registryId: repo.arn.split(':')[4],
    repositoryName: repo.name,
    repositoryUri: repo.uri,
    createdAt: repo.createdAt / 1000,
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}

function createRepository(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  if (!NAME.test(name) || name.length < 2 || name.length > 256) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${NAME.source}''`,
    );
  }
  if (ctx.state.repositories.has(name)) {
    throw new AwsError(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`,
    );
  }
  const repo = newRepository(ctx.accountId, ctx.region, name, ctx.world.now);
  ctx.state.repositories.set(name, repo);
  return { repository: renderRepository(repo) };
}

function describeRepositories(ctx: Ctx) {
  const names = ctx.params.optStringList('repositoryNames');
  ctx.authorize(names === undefined ? [] : names.map((n) => repoResource(ctx, n)));
  checkRegistry(ctx);
  if (names !== undefined) {
    if (ctx.params.has('maxResults'))
      throw new AwsError('InvalidParameterException', 'maxResults cannot be used with repositoryNames.');
    return { repositories: names.map((n) => renderRepository(requireRepository(ctx, n))) };
  }
  const all = [...ctx.state.repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextToken } = page(all, ctx.params, { default: 100, max: 1000 });
  return { repositories: items.map(renderRepository), nextToken };
}

function deleteRepository(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  const repo = requireRepository(ctx, name);
  const force = ctx.params.optBool('force') ?? false;
  if (repo.images.size > 0 && !force) {
    throw new AwsError(
      'RepositoryNotEmptyException',
      `The repository with name '${name}' in registry with id '${ctx.accountId}' cannot be deleted because it still contains images`,
    );
  }
  ctx.state.repositories.delete(name);
  return { repository: renderRepository(repo) };
}

interface ImageIdentifier {
  imageDigest?: string;
  imageTag?: string;
}

function imageIds(ctx: Ctx): ImageIdentifier[] | undefined {
  return ctx.params.optList('imageIds')?.map((i) => ({
    ...(typeof i.imageDigest === 'string' ? { imageDigest: i.imageDigest } : {}),
    ...(typeof i.imageTag === 'string' ? { imageTag: i.imageTag } : {}),
  }));
}

function findImage(repo: EcrRepository, id: ImageIdentifier): EcrImage | undefined {
  if (id.imageDigest !== undefined) {
    const image = repo.images.get(id.imageDigest);
    return image && (id.imageTag === undefined || image.tags.includes(id.imageTag)) ? image : undefined;
  }
  return [...repo.images.values()].find((i) => id.imageTag !== undefined && i.tags.includes(id.imageTag));
}

function tagStatusFilter(ctx: Ctx): 'TAGGED' | 'UNTAGGED' | 'ANY' {
  const filter = ctx.params.optObject('filter');
  const status = filter?.tagStatus;
  if (status === undefined) return 'ANY';
  if (status !== 'TAGGED' && status !== 'UNTAGGED' && status !== 'ANY')
    throw new AwsError('InvalidParameterException', 'tagStatus must be TAGGED, UNTAGGED or ANY.');
  return status;
}

function matchesTagStatus(image: EcrImage, status: 'TAGGED' | 'UNTAGGED' | 'ANY'): boolean {
  return status === 'ANY' || (status === 'TAGGED') === image.tags.length > 0;
}

function renderImage(repo: EcrRepository, image: EcrImage) {
  return {
    registryId: repo.arn.split(':')[4],
    repositoryName: repo.name,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeBytes,
    imagePushedAt: image.pushedAt / 1000,
    imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
  };
}

function describeImages(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  const repo = requireRepository(ctx, name);
  const ids = imageIds(ctx);
  if (ids !== undefined) {
    const details = ids.map((id) => {
      const image = findImage(repo, id);
      if (!image) {
        const what = id.imageTag !== undefined ? `imageTag=${id.imageTag}` : `imageDigest=${id.imageDigest ?? ''}`;
        throw new AwsError(
          'ImageNotFoundException',
          `The image with imageId {${what}} does not exist within the repository with name '${name}' in the registry with id '${ctx.accountId}'`,
        );
      }
      return renderImage(repo, image);
    });
    return { imageDetails: details };
  }
  const status = tagStatusFilter(ctx);
  const all = [...repo.images.values()].filter((i) => matchesTagStatus(i, status));
  const { items, nextToken } = page(all, ctx.params, { default: 100, max: 1000 });
  return { imageDetails: items.map((i) => renderImage(repo, i)), nextToken };
}

function listImages(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  const repo = requireRepository(ctx, name);
  const status = tagStatusFilter(ctx);
  // One entry per tag, and one (digest only) per untagged image, as ECR lists them.
  const ids = [...repo.images.values()]
    .filter((i) => matchesTagStatus(i, status))
    .flatMap((i) =>
      i.tags.length > 0 ? i.tags.map((tag) => ({ imageDigest: i.digest, imageTag: tag })) : [{ imageDigest: i.digest }],
    );
  const { items, nextToken } = page(ids, ctx.params, { default: 100, max: 1000 });
  return { imageIds: items, nextToken };
}

/**
 * By tag, BatchDeleteImage removes that tag and deletes the image only with its last tag; by
 * digest it deletes the image and every tag on it. What cannot be found is a failure, not an error.
 */
function batchDeleteImage(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  const repo = requireRepository(ctx, name);
  const ids = imageIds(ctx) ?? [];
  if (ids.length < 1 || ids.length > 100)
    throw new AwsError('InvalidParameterException', 'imageIds must have between 1 and 100 items.');
  const deleted: ImageIdentifier[] = [];
  const failures: { imageId: ImageIdentifier; failureCode: string; failureReason: string }[] = [];
  for (const id of ids) {
    if (id.imageDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(id.imageDigest)) {
      failures.push({
        imageId: id,
        failureCode: 'InvalidImageDigest',
        failureReason:
          "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
      });
      continue;
    }
    const image = findImage(repo, id);
    if (!image) {
      const tagged = id.imageDigest !== undefined && id.imageTag !== undefined && repo.images.has(id.imageDigest);
      failures.push(
        tagged
          ? {
              imageId: id,
              failureCode: 'ImageTagDoesNotMatchDigest',
              failureReason: 'Invalid request parameters: given tag does not map to the given digest',
            }
          : { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      );
      continue;
    }
    if (id.imageDigest === undefined && id.imageTag !== undefined) {
      image.tags = image.tags.filter((t) => t !== id.imageTag);
      if (image.tags.length === 0) repo.images.delete(image.digest);
      deleted.push({ imageDigest: image.digest, imageTag: id.imageTag });
    } else {
      repo.images.delete(image.digest);
      if (image.tags.length === 0) deleted.push({ imageDigest: image.digest });
      for (const tag of image.tags) deleted.push({ imageDigest: image.digest, imageTag: tag });
    }
  }
  return { imageIds: deleted, failures };
}

const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

/** The bytes a manifest's layers and config add up to, or the manifest's own size when it names none. */
function manifestSize(body: string): number {
  try {
    const parsed = JSON.parse(body) as { config?: { size?: unknown }; layers?: { size?: unknown }[] };
    const sizes = [parsed.config?.size, ...(parsed.layers ?? []).map((l) => l.size)].filter(
      (n): n is number => typeof n === 'number',
    );
    if (sizes.length > 0) return sizes.reduce((a, b) => a + b, 0);
  } catch {
    // not JSON: fall through
  }
  return Buffer.byteLength(body, 'utf8');
}

/**
 * PutImage (ECR API Reference): the manifest's sha256 is the image digest; a tag moves to it from
 * any other image (tags are MUTABLE here); the same manifest and tag again is
 * ImageAlreadyExistsException.
 */
function putImage(ctx: Ctx) {
  const name = ctx.params.string('repositoryName');
  ctx.authorize(repoResource(ctx, name));
  checkRegistry(ctx);
  const body = ctx.params.string('imageManifest');
  if (body.length < 1 || body.length > 4_194_304)
    throw new AwsError(
      'InvalidParameterException',
      "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length between 1 and 4194304'",
    );
  const tag = ctx.params.optString('imageTag');
  if (tag !== undefined && (tag.length < 1 || tag.length > 300))
    throw new AwsError(
      'InvalidParameterException',
      "Invalid parameter at 'imageTag' failed to satisfy constraint: 'Member must have length between 1 and 300'",
    );
  let mediaType = ctx.params.optString('imageManifestMediaType');
  try {
    const declared = (JSON.parse(body) as { mediaType?: unknown }).mediaType;
    if (typeof declared === 'string') mediaType ??= declared;
  } catch {
    throw new AwsError(
      'InvalidParameterException',
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
  }
  const repo = requireRepository(ctx, name);
  const digest = digestOf(body);
  const given = ctx.params.optString('imageDigest');
  if (given !== undefined && given !== digest) {
    throw new AwsError(
      'ImageDigestDoesNotMatchException',
      `Invalid parameter at 'ImageDigest' failed to satisfy constraint: 'The digest ${given} does not match the digest ${digest} calculated for the image manifest'`,
    );
  }
  let image = repo.images.get(digest);
  if (image && (tag === undefined || image.tags.includes(tag))) {
    throw new AwsError(
      'ImageAlreadyExistsException',
      `Image with digest '${digest}'${tag !== undefined ? ` and tag '${tag}'` : ''} already exists in the repository with name '${name}' in registry with id '${ctx.accountId}'`,
    );
  }
  if (tag !== undefined) for (const other of repo.images.values()) other.tags = other.tags.filter((t) => t !== tag);
  if (!image) {
    image = {
      digest,
      tags: [],
      sizeBytes: manifestSize(body),
      pushedAt: ctx.world.now,
      manifest: { body, mediaType: mediaType ?? DOCKER_V2 },
    };
    repo.images.set(digest, image);
  }
  if (tag !== undefined) image.tags.push(tag);
  return {
    image: {
      registryId: ctx.accountId,
      repositoryName: name,
      imageId: { imageDigest: digest, ...(tag !== undefined ? { imageTag: tag } : {}) },
      imageManifest: body,
      imageManifestMediaType: image.manifest?.mediaType ?? mediaType ?? DOCKER_V2,
    },
  };
}

/** ECR's authorization tokens are valid for 12 hours (API_AuthorizationData). */
const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

/**
 * GetAuthorizationToken (what `aws ecr get-login-password` calls): one token for this account's
 * registry, base64 of `AWS:PASSWORD`, valid 12 hours, with the registry URL for `docker login`.
 * The sandbox has no registry to log in to; the token is made up and checks nothing.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
 */
function getAuthorizationToken(ctx: Ctx) {
  ctx.authorize();
  const password = createHash('sha256').update(`${ctx.accountId}:${ctx.region}:${ctx.world.now}`).digest('base64');
  return {
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${password}`, 'utf8').toString('base64'),
        expiresAt: (ctx.world.now + TOKEN_LIFETIME_MS) / 1000,
        proxyEndpoint: `https://${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com`,
      },
    ],
  };
}

export const ecrService = defineService<EcrState>({
  name: 'ecr',
  protocol: { kind: 'json', targetPrefix: 'AmazonEC2ContainerRegistry_V20150921' },
  errors: JSON_SERVICE_ERRORS,
  createState,
  actions: {
    CreateRepository: createRepository,
    DescribeRepositories: describeRepositories,
    DeleteRepository: deleteRepository,
    DescribeImages: describeImages,
    ListImages: listImages,
    BatchDeleteImage: batchDeleteImage,
    PutImage: putImage,
    GetAuthorizationToken: getAuthorizationToken,
  },
});
