import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  StopTaskCommand,
  DescribeContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListImagesCommand,
} from '@aws-sdk/client-ecr';
import { type ManualClock, type Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, emptyAccount, startTestSandbox } from '../../testbed/sandbox';

const ADMIN = 'arn:aws:iam::111111111111:role/chatops-lab-admin';
const READ = 'arn:aws:iam::111111111111:role/chatops-lab-read';

/**
 * Everything a teardown asks of AWS, through the unmodified SDK clients against the sandbox:
 * the ECS/EC2 parts the sandbox already had, and ECR (src/sandbox/ecr.ts).
 */
describe('the sandbox supports a whole teardown through the real AWS SDK', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  let ecs: ECSClient;
  let ec2: EC2Client;
  let ecr: ECRClient;

  beforeEach(async () => {
    sandbox = await startTestSandbox({
      timings: { taskStartMs: 0, taskStopMs: 1000, instanceShutdownMs: 5000 },
      account: emptyAccount({
        taskDefinitions: [
          {
            family: 'app',
            containerDefinitions: [{ name: 'app', image: 'example/app:1', cpu: 128, memory: 128, essential: true }],
          },
        ],
        clusters: [
          { name: 'lab', instances: [{}, {}], services: [{ name: 'app', taskDefinition: 'app', desiredCount: 2 }] },
        ],
        services: {
          ecr: { repositories: [{ name: 'lab/app', images: [{ tags: ['1.0', 'latest'] }, { tags: ['0.9'] }, {}] }] },
        },
      }),
    });
    const credentials = await assumeRole(sandbox, ADMIN);
    ecs = new ECSClient(clientConfig(sandbox, credentials));
    ec2 = new EC2Client(clientConfig(sandbox, credentials));
    ecr = new ECRClient(clientConfig(sandbox, credentials));
  });
  afterEach(() => sandbox.stop());

  it('DeleteCluster refuses while a service remains (a deleted one drains first), then while container instances remain', async () => {
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'lab' }))).rejects.toMatchObject({
      name: 'ClusterContainsServicesException',
    });
    await ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'app', force: true }));
    // Its tasks stop as the service drains; until then the cluster still holds tasks.
    const draining = await ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['app'] }));
    expect(draining.services?.[0]?.status).toBe('DRAINING');
    sandbox.clock.advance(1000);
    const inactive = await ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['app'] }));
    expect(inactive.services?.[0]?.status).toBe('INACTIVE');
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'lab' }))).rejects.toMatchObject({
      name: 'ClusterContainsContainerInstancesException',
    });
  });

  it('a service above 0 is deleted only with force', async () => {
    await expect(ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'app' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const out = await ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'app', force: true }));
    expect(out.service?.status).toBe('DRAINING');
  });

  it('container instances deregister, their EC2 instances terminate, and then the cluster deletes', async () => {
    await ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'app', force: true }));
    sandbox.clock.advance(1000);
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'lab' }))).containerInstanceArns ?? [];
    expect(arns).toHaveLength(2);
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'lab', containerInstances: arns }),
    );
    const ec2Ids = described.containerInstances!.map((c) => c.ec2InstanceId!);
    for (const arn of arns)
      await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'lab', containerInstance: arn, force: true }));
    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ec2Ids }));
    expect(terminated.TerminatingInstances?.map((i) => i.CurrentState?.Name)).toEqual([
      'shutting-down',
      'shutting-down',
    ]);

    await ecs.send(new DeleteClusterCommand({ cluster: 'lab' }));

    sandbox.clock.advance(5000);
    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ['lab'] }));
    expect(clusters.clusters?.[0]?.status).toBe('INACTIVE');
    const states = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ec2Ids }));
    expect(states.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual([
      'terminated',
      'terminated',
    ]);
  });

  it('standalone tasks stop with StopTask, and then DeleteCluster no longer counts them', async () => {
    sandbox.world.runTask('lab', { taskDefinition: 'app', count: 1 });
    await ecs.send(new DeleteServiceCommand({ cluster: 'lab', service: 'app', force: true }));
    sandbox.clock.advance(1000);
    const running = (await ecs.send(new ListTasksCommand({ cluster: 'lab' }))).taskArns ?? [];
    expect(running).toHaveLength(1);
    await ecs.send(new StopTaskCommand({ cluster: 'lab', task: running[0], reason: 'teardown' }));
    sandbox.clock.advance(1000);
    expect((await ecs.send(new ListTasksCommand({ cluster: 'lab' }))).taskArns).toEqual([]);
  });

  it('DeregisterTaskDefinition makes a revision INACTIVE', async () => {
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'app:1' }));
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'app:1' }));
    expect(out.taskDefinition?.status).toBe('INACTIVE');
  });

  it('ECR lists repositories and images (one ListImages entry per tag) with their digests', async () => {
    const repos = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(repos.repositories?.map((r) => [r.repositoryName, r.repositoryUri])).toEqual([
      ['lab/app', '111111111111.dkr.ecr.us-east-1.amazonaws.com/lab/app'],
    ]);
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'lab/app' }));
    expect(images.imageDetails?.map((i) => i.imageTags ?? [])).toEqual([['1.0', 'latest'], ['0.9'], []]);
    expect(images.imageDetails?.[0]?.imagePushedAt).toBeInstanceOf(Date);
    const listed = await ecr.send(new ListImagesCommand({ repositoryName: 'lab/app' }));
    expect(listed.imageIds).toHaveLength(4);
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'lab/app', imageIds: [{ imageTag: 'nope' }] })),
    ).rejects.toMatchObject({ name: 'ImageNotFoundException' });
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
  });

  it('BatchDeleteImage by tag removes the tag, and the image with its last tag; a missing tag is a failure, not an error', async () => {
    const first = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'lab/app',
        imageIds: [{ imageTag: 'latest' }, { imageTag: 'nope' }],
      }),
    );
    expect(first.imageIds?.map((i) => i.imageTag)).toEqual(['latest']);
    expect(first.failures).toEqual([
      expect.objectContaining({ failureCode: 'ImageNotFound', imageId: { imageTag: 'nope' } }),
    ]);
    let images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'lab/app' }));
    expect(images.imageDetails?.map((i) => i.imageTags ?? [])).toEqual([['1.0'], ['0.9'], []]);

    await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'lab/app', imageIds: [{ imageTag: '0.9' }] }));
    images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'lab/app' }));
    expect(images.imageDetails).toHaveLength(2);
  });

  it('DeleteRepository refuses a repository with images unless forced', async () => {
    await expect(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'lab/app' }))).rejects.toMatchObject({
      name: 'RepositoryNotEmptyException',
    });
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'lab/app', force: true }));
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['lab/app'] }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lab/empty' }));
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'lab/empty' }));
  });

  it('a read role may list ECR but not delete from it; an injected AccessDenied hits one call', async () => {
    const read = new ECRClient(clientConfig(sandbox, await assumeRole(sandbox, READ)));
    await read.send(new DescribeRepositoriesCommand({}));
    await expect(
      read.send(new DeleteRepositoryCommand({ repositoryName: 'lab/app', force: true })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    sandbox.inject({ kind: 'accessDenied', action: 'ecr:DeleteRepository', times: 1 });
    await expect(
      ecr.send(new DeleteRepositoryCommand({ repositoryName: 'lab/app', force: true })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'lab/app', force: true }));
  });
});
