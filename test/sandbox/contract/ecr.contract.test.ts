import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListImagesCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import {
  contractSandbox,
  jsonProtocolChecks,
  list,
  oneOf,
  type RawAnswer,
  recordRaw,
  type Shape,
  tablesPerAction,
} from './support';

/**
 * Amazon ECR (AWS JSON 1.1) against the Amazon ECR API Reference
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/): the actions behind `repos`,
 * `images`, `image delete`, `repo delete` and a teardown's repositories, plus PutImage. Shapes
 * from the data types Repository, ImageDetail, ImageIdentifier, ImageFailure and Image.
 */

const ImageIdentifier: Shape = { name: 'ImageIdentifier', fields: { imageDigest: 'string', imageTag: 'string' } };
const Repository: Shape = {
  name: 'Repository',
  fields: {
    repositoryArn: 'string',
    registryId: 'string',
    repositoryName: 'string',
    repositoryUri: 'string',
    createdAt: 'timestamp',
    imageTagMutability: oneOf('MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'),
    imageTagMutabilityExclusionFilters: 'any',
    imageScanningConfiguration: { name: 'ImageScanningConfiguration', fields: { scanOnPush: 'boolean' } },
    encryptionConfiguration: {
      name: 'EncryptionConfiguration',
      fields: { encryptionType: oneOf('AES256', 'KMS', 'KMS_DSSE'), kmsKey: 'string' },
      present: ['encryptionType'],
    },
  },
  present: ['repositoryArn', 'registryId', 'repositoryName', 'repositoryUri', 'createdAt'],
};
const ImageDetail: Shape = {
  name: 'ImageDetail',
  fields: {
    registryId: 'string',
    repositoryName: 'string',
    imageDigest: 'string',
    imageTags: list('string'),
    imageSizeInBytes: 'long',
    imagePushedAt: 'timestamp',
    imageScanStatus: 'any',
    imageScanFindingsSummary: 'any',
    imageManifestMediaType: 'string',
    artifactMediaType: 'string',
    lastRecordedPullTime: 'timestamp',
    subjectManifestDigest: 'string',
    imageStatus: 'string',
    lastArchivedAt: 'timestamp',
    lastActivatedAt: 'timestamp',
  },
  present: ['registryId', 'repositoryName', 'imageDigest', 'imageSizeInBytes', 'imagePushedAt'],
};
const Responses = {
  CreateRepository: { name: 'CreateRepositoryResponse', fields: { repository: Repository }, present: ['repository'] },
  DescribeRepositories: {
    name: 'DescribeRepositoriesResponse',
    fields: { repositories: list(Repository), nextToken: 'string' },
    present: ['repositories'],
  },
  DeleteRepository: { name: 'DeleteRepositoryResponse', fields: { repository: Repository }, present: ['repository'] },
  DescribeImages: {
    name: 'DescribeImagesResponse',
    fields: { imageDetails: list(ImageDetail), nextToken: 'string' },
    present: ['imageDetails'],
  },
  ListImages: {
    name: 'ListImagesResponse',
    fields: { imageIds: list(ImageIdentifier), nextToken: 'string' },
    present: ['imageIds'],
  },
  BatchDeleteImage: {
    name: 'BatchDeleteImageResponse',
    fields: {
      imageIds: list(ImageIdentifier),
      failures: list({
        name: 'ImageFailure',
        fields: { imageId: ImageIdentifier, failureCode: 'string', failureReason: 'string' },
      }),
    },
    present: ['imageIds', 'failures'],
  },
  PutImage: {
    name: 'PutImageResponse',
    fields: {
      image: {
        name: 'Image',
        fields: {
          registryId: 'string',
          repositoryName: 'string',
          imageId: ImageIdentifier,
          imageManifest: 'string',
          imageManifestMediaType: 'string',
        },
        present: ['registryId', 'repositoryName', 'imageId', 'imageManifest'],
      },
    },
    present: ['image'],
  },
} satisfies Record<string, Shape>;

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 1469,
    digest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
  },
  layers: [
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 3_370_628,
      digest: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
    },
  ],
});

let sandbox: Sandbox & { clock: ManualClock };
let ecr: ECRClient;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  ecr = new ECRClient(env.config);
  raw = recordRaw(ecr);
});
afterAll(() => sandbox?.stop());

describe('ECR, as the API reference answers it', () => {
  tablesPerAction(
    [
      {
        name: 'DescribeRepositories',
        shape: Responses.DescribeRepositories,
        send: () => ecr.send(new DescribeRepositoriesCommand({})),
      },
      {
        name: 'DescribeImages',
        shape: Responses.DescribeImages,
        send: () => ecr.send(new DescribeImagesCommand({ repositoryName: 'worker' })),
      },
      {
        name: 'ListImages',
        shape: Responses.ListImages,
        send: () => ecr.send(new ListImagesCommand({ repositoryName: 'worker' })),
      },
      {
        name: 'CreateRepository',
        shape: Responses.CreateRepository,
        send: () => ecr.send(new CreateRepositoryCommand({ repositoryName: 'contract/app' })),
      },
      {
        name: 'PutImage',
        shape: Responses.PutImage,
        send: () =>
          ecr.send(new PutImageCommand({ repositoryName: 'contract/app', imageManifest: MANIFEST, imageTag: '1.0' })),
      },
      {
        name: 'BatchDeleteImage, a tag that exists and one that does not',
        shape: Responses.BatchDeleteImage,
        send: () =>
          ecr.send(
            new BatchDeleteImageCommand({
              repositoryName: 'cron',
              imageIds: [{ imageTag: '1.0.2' }, { imageTag: 'nope' }],
            }),
          ),
      },
      {
        name: 'DeleteRepository with force',
        shape: Responses.DeleteRepository,
        send: () => ecr.send(new DeleteRepositoryCommand({ repositoryName: 'contract/app', force: true })),
      },
    ],
    [
      {
        name: 'DescribeRepositories of one that does not exist',
        error: 'RepositoryNotFoundException',
        status: 400,
        send: () => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })),
      },
      {
        name: 'DescribeImages of a tag that does not exist',
        error: 'ImageNotFoundException',
        status: 400,
        send: () => ecr.send(new DescribeImagesCommand({ repositoryName: 'worker', imageIds: [{ imageTag: 'nope' }] })),
      },
      {
        name: 'DeleteRepository of one with images, without force',
        error: 'RepositoryNotEmptyException',
        status: 400,
        send: () => ecr.send(new DeleteRepositoryCommand({ repositoryName: 'worker' })),
      },
      {
        name: 'PutImage into a repository that does not exist',
        error: 'RepositoryNotFoundException',
        status: 400,
        send: () => ecr.send(new PutImageCommand({ repositoryName: 'nope', imageManifest: MANIFEST })),
      },
      {
        name: 'PutImage of the same manifest and tag again',
        error: 'ImageAlreadyExistsException',
        status: 400,
        send: async () => {
          await ecr.send(new PutImageCommand({ repositoryName: 'worker', imageManifest: MANIFEST, imageTag: 'same' }));
          return ecr.send(new PutImageCommand({ repositoryName: 'worker', imageManifest: MANIFEST, imageTag: 'same' }));
        },
      },
      {
        name: 'PutImage with a digest that is not the manifest’s',
        error: 'ImageDigestDoesNotMatchException',
        status: 400,
        send: () =>
          ecr.send(
            new PutImageCommand({
              repositoryName: 'worker',
              imageManifest: MANIFEST,
              imageDigest: `sha256:${'0'.repeat(64)}`,
            }),
          ),
      },
    ],
    jsonProtocolChecks(() => raw),
  );

  it('PutImage moves a tag to the new image and lists it by the manifest’s sha256 digest, sized by its layers', async () => {
    const other = MANIFEST.replace('"size":1469', '"size":1470');
    const first = await ecr.send(
      new PutImageCommand({ repositoryName: 'cron', imageManifest: MANIFEST, imageTag: 'moving' }),
    );
    const second = await ecr.send(
      new PutImageCommand({ repositoryName: 'cron', imageManifest: other, imageTag: 'moving' }),
    );
    const details = (await ecr.send(new DescribeImagesCommand({ repositoryName: 'cron' }))).imageDetails!;

    expect(first.image?.imageId?.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second.image?.imageId?.imageDigest).not.toBe(first.image?.imageId?.imageDigest);
    expect(details.find((d) => d.imageDigest === first.image?.imageId?.imageDigest)?.imageTags ?? []).toEqual([]);
    expect(details.find((d) => d.imageDigest === second.image?.imageId?.imageDigest)).toMatchObject({
      imageTags: ['moving'],
      imageSizeInBytes: 1470 + 3_370_628,
    });
  });
});
