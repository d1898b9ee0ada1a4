import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig } from '../../../testbed/sandbox';
import { Responses } from './ecs-shapes';
import {
  conformance,
  contractSandbox,
  jsonErrorType,
  recordRaw,
  tablesPerAction,
  type ErrorCase,
  type RawAnswer,
  type SuccessCase,
} from './support';

/**
 * Amazon ECS, action by action, against the Amazon ECS API Reference
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Operations.html): every action
 * the bot sends (src/aws), and the few a CLI user reaches for beside them. Each table holds the
 * action's answers: a success checked member by member against the reference's response syntax,
 * and the errors the reference lists for it with their HTTP status (AWS JSON 1.1: client errors
 * are 400, the code in `__type`).
 */

let sandbox: Sandbox & { clock: ManualClock };
let ecs: ECSClient;
let raw: { last(): RawAnswer };
let readOnly: ECSClient;

const PROD = 'demo-prod';
const firstTask = async (service: string) =>
  (await ecs.send(new ListTasksCommand({ cluster: PROD, serviceName: service }))).taskArns![0]!;
const firstInstance = async (cluster = PROD) =>
  (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns![0]!;

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  ecs = new ECSClient(env.config);
  raw = recordRaw(ecs);
  readOnly = new ECSClient({
    ...clientConfig(sandbox, await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/chatops-demo-prod-read')),
    maxAttempts: 1,
  });
});
afterAll(() => sandbox?.stop());

async function expectConforms(c: SuccessCase<unknown>): Promise<void> {
  await c.send();
  const answer = raw.last();
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(conformance(JSON.parse(answer.body), c.shape)).toEqual([]);
}

async function expectError(c: ErrorCase, client: () => { last(): RawAnswer } = () => raw): Promise<void> {
  const error = await c.send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: c.error, $metadata: { httpStatusCode: c.status } });
  const answer = client().last();
  expect(answer.status).toBe(c.status);
  expect(jsonErrorType(answer)).toBe(c.error);
  expect(JSON.parse(answer.body)).toEqual({ __type: c.error, message: expect.any(String) });
}

describe('ECS clusters, as the API reference answers them', () => {
  tablesPerAction(
    [
      {
        name: 'CreateCluster',
        shape: Responses.CreateCluster,
        send: () => ecs.send(new CreateClusterCommand({ clusterName: 'contract', tags: [{ key: 'k', value: 'v' }] })),
      },
      {
        name: 'DescribeClusters, a cluster and a missing one',
        shape: Responses.DescribeClusters,
        send: () => ecs.send(new DescribeClustersCommand({ clusters: [PROD, 'ghost'] })),
      },
      {
        name: 'DescribeClusters with include STATISTICS, TAGS, SETTINGS',
        shape: Responses.DescribeClusters,
        send: () =>
          ecs.send(new DescribeClustersCommand({ clusters: [PROD], include: ['STATISTICS', 'TAGS', 'SETTINGS'] })),
      },
      {
        name: 'DeleteCluster of an empty cluster',
        shape: Responses.DeleteCluster,
        send: () => ecs.send(new DeleteClusterCommand({ cluster: 'contract' })),
      },
    ],
    [
      {
        name: 'DescribeClusters with an include value ECS does not have',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new DescribeClustersCommand({ clusters: [PROD], include: ['ALL' as 'TAGS'] })),
      },
      {
        name: 'DeleteCluster of a cluster with services',
        error: 'ClusterContainsServicesException',
        status: 400,
        send: () => ecs.send(new DeleteClusterCommand({ cluster: PROD })),
      },
      {
        name: 'DeleteCluster of a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () => ecs.send(new DeleteClusterCommand({ cluster: 'ghost' })),
      },
    ],
    { ok: expectConforms, error: (c) => expectError(c) },
  );

  it('DescribeClusters leaves tags and statistics out unless include asks for them', async () => {
    await ecs.send(new DescribeClustersCommand({ clusters: [PROD] }));
    const cluster = (JSON.parse(raw.last().body) as { clusters: Record<string, unknown>[] }).clusters[0]!;
    expect(Object.keys(cluster)).not.toEqual(expect.arrayContaining(['tags']));
    expect(Object.keys(cluster)).not.toEqual(expect.arrayContaining(['statistics']));
  });
});

describe('ECS container instances, as the API reference answers them', () => {
  tablesPerAction(
    [
      {
        name: 'ListContainerInstances',
        shape: Responses.ListContainerInstances,
        send: () => ecs.send(new ListContainerInstancesCommand({ cluster: PROD })),
      },
      {
        name: 'DescribeContainerInstances, one that exists and one that does not',
        shape: Responses.DescribeContainerInstances,
        send: async () =>
          ecs.send(
            new DescribeContainerInstancesCommand({
              cluster: PROD,
              containerInstances: [await firstInstance(), '0123456789abcdef0123456789abcdef'],
            }),
          ),
      },
      {
        name: 'RegisterContainerInstance',
        shape: Responses.RegisterContainerInstance,
        send: () => ecs.send(new RegisterContainerInstanceCommand({ cluster: 'demo-staging' })),
      },
      {
        name: 'DeregisterContainerInstance of an instance without tasks',
        shape: Responses.DeregisterContainerInstance,
        send: async () => {
          const registered = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'demo-staging' }));
          return ecs.send(
            new DeregisterContainerInstanceCommand({
              cluster: 'demo-staging',
              containerInstance: registered.containerInstance!.containerInstanceArn!,
            }),
          );
        },
      },
    ],
    [
      {
        name: 'ListContainerInstances of a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () => ecs.send(new ListContainerInstancesCommand({ cluster: 'ghost' })),
      },
      {
        name: 'DescribeContainerInstances of none',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new DescribeContainerInstancesCommand({ cluster: PROD, containerInstances: [] })),
      },
      {
        name: 'DeregisterContainerInstance, without force, of an instance that runs tasks',
        error: 'InvalidParameterException',
        status: 400,
        send: async () =>
          ecs.send(new DeregisterContainerInstanceCommand({ cluster: PROD, containerInstance: await firstInstance() })),
      },
    ],
    { ok: expectConforms, error: (c) => expectError(c) },
  );
});

describe('ECS task definitions, as the API reference answers them', () => {
  const container = { name: 'app', image: 'example/app:1', cpu: 128, memory: 128, essential: true, stopTimeout: 10 };
  tablesPerAction(
    [
      {
        name: 'RegisterTaskDefinition',
        shape: Responses.RegisterTaskDefinition,
        send: () =>
          ecs.send(
            new RegisterTaskDefinitionCommand({
              family: 'contract',
              containerDefinitions: [container],
              tags: [{ key: 'team', value: 'qa' }],
            }),
          ),
      },
      {
        name: 'DescribeTaskDefinition with tags',
        shape: Responses.DescribeTaskDefinition,
        send: () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web', include: ['TAGS'] })),
      },
      {
        name: 'ListTaskDefinitions',
        shape: Responses.ListTaskDefinitions,
        send: () => ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' })),
      },
      {
        name: 'ListTaskDefinitionFamilies',
        shape: Responses.ListTaskDefinitionFamilies,
        send: () => ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE' })),
      },
      {
        name: 'DeregisterTaskDefinition',
        shape: Responses.DeregisterTaskDefinition,
        send: async () => {
          const td = await ecs.send(
            new RegisterTaskDefinitionCommand({ family: 'contract', containerDefinitions: [container] }),
          );
          return ecs.send(
            new DeregisterTaskDefinitionCommand({ taskDefinition: td.taskDefinition!.taskDefinitionArn! }),
          );
        },
      },
    ],
    [
      {
        name: 'DescribeTaskDefinition of one that does not exist',
        error: 'ClientException',
        status: 400,
        send: () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' })),
      },
      {
        name: 'DeregisterTaskDefinition without a revision',
        error: 'ClientException',
        status: 400,
        send: () => ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web' })),
      },
    ],
    { ok: expectConforms, error: (c) => expectError(c) },
  );
});

describe('ECS services, as the API reference answers them', () => {
  tablesPerAction(
    [
      {
        name: 'CreateService',
        shape: Responses.CreateService,
        send: () =>
          ecs.send(
            new CreateServiceCommand({
              cluster: PROD,
              serviceName: 'contract',
              taskDefinition: 'cron',
              desiredCount: 1,
            }),
          ),
      },
      {
        name: 'UpdateService',
        shape: Responses.UpdateService,
        send: () => ecs.send(new UpdateServiceCommand({ cluster: PROD, service: 'contract', desiredCount: 0 })),
      },
      {
        name: 'DescribeServices, a service and a missing one',
        shape: Responses.DescribeServices,
        send: () => ecs.send(new DescribeServicesCommand({ cluster: PROD, services: ['web', 'ghost'] })),
      },
      {
        name: 'ListServices',
        shape: Responses.ListServices,
        send: () => ecs.send(new ListServicesCommand({ cluster: PROD })),
      },
      {
        name: 'DeleteService',
        shape: Responses.DeleteService,
        send: () => ecs.send(new DeleteServiceCommand({ cluster: PROD, service: 'contract', force: true })),
      },
    ],
    [
      {
        name: 'CreateService with a task definition ECS does not know',
        error: 'ClientException',
        status: 400,
        send: () =>
          ecs.send(
            new CreateServiceCommand({ cluster: PROD, serviceName: 'x', taskDefinition: 'nope', desiredCount: 1 }),
          ),
      },
      {
        name: 'CreateService in a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () =>
          ecs.send(
            new CreateServiceCommand({ cluster: 'ghost', serviceName: 'x', taskDefinition: 'web', desiredCount: 1 }),
          ),
      },
      {
        name: 'UpdateService of a service that does not exist',
        error: 'ServiceNotFoundException',
        status: 400,
        send: () => ecs.send(new UpdateServiceCommand({ cluster: PROD, service: 'ghost', desiredCount: 1 })),
      },
      {
        name: 'UpdateService to a task definition ECS does not know',
        error: 'ClientException',
        status: 400,
        send: () => ecs.send(new UpdateServiceCommand({ cluster: PROD, service: 'web', taskDefinition: 'nope:9' })),
      },
      {
        name: 'DeleteService of a service that does not exist',
        error: 'ServiceNotFoundException',
        status: 400,
        send: () => ecs.send(new DeleteServiceCommand({ cluster: PROD, service: 'ghost' })),
      },
      {
        name: 'DescribeServices in a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () => ecs.send(new DescribeServicesCommand({ cluster: 'ghost', services: ['web'] })),
      },
    ],
    { ok: expectConforms, error: (c) => expectError(c) },
  );

  it('UpdateService by a role that may not is AccessDeniedException, HTTP 400', async () => {
    const rawRead = recordRaw(readOnly);
    await expectError(
      {
        name: 'read role',
        error: 'AccessDeniedException',
        status: 400,
        send: () => readOnly.send(new UpdateServiceCommand({ cluster: PROD, service: 'web', desiredCount: 3 })),
      },
      () => rawRead,
    );
  });

  it('the unknown task definition is "TaskDefinition not found."', async () => {
    await expect(
      ecs.send(new CreateServiceCommand({ cluster: PROD, serviceName: 'x', taskDefinition: 'nope', desiredCount: 1 })),
    ).rejects.toMatchObject({ message: 'TaskDefinition not found.' });
  });
});

describe('ECS placement constraints, as the developer guide describes them', () => {
  it('a memberOf constraint no instance meets: the service event says the closest instance is missing an attribute required by the task', async () => {
    await ecs.send(
      new CreateServiceCommand({
        cluster: PROD,
        serviceName: 'pinned',
        taskDefinition: 'cron',
        desiredCount: 1,
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == p3.2xlarge' }],
      }),
    );
    sandbox.tick();
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: PROD, services: ['pinned'] })))
      .services![0]!;
    expect(service.placementConstraints).toEqual([
      { type: 'memberOf', expression: 'attribute:ecs.instance-type == p3.2xlarge' },
    ]);
    expect(service.runningCount! + service.pendingCount!).toBe(0);
    expect(service.events?.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^\(service pinned\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) is missing an attribute required by your task\./,
      ),
    );
    await ecs.send(new UpdateServiceCommand({ cluster: PROD, service: 'pinned', desiredCount: 0 }));
    await ecs.send(new DeleteServiceCommand({ cluster: PROD, service: 'pinned' }));
  });
});

describe('ECS tasks, as the API reference answers them', () => {
  tablesPerAction(
    [
      {
        name: 'RunTask',
        shape: Responses.RunTask,
        send: () => ecs.send(new RunTaskCommand({ cluster: PROD, taskDefinition: 'cron', startedBy: 'contract' })),
      },
      {
        name: 'StartTask',
        shape: Responses.StartTask,
        send: async () =>
          ecs.send(
            new StartTaskCommand({
              cluster: PROD,
              taskDefinition: 'cron',
              containerInstances: [await firstInstance()],
            }),
          ),
      },
      {
        name: 'ListTasks',
        shape: Responses.ListTasks,
        send: () => ecs.send(new ListTasksCommand({ cluster: PROD, serviceName: 'web' })),
      },
      {
        name: 'ListTasks of stopped tasks',
        shape: Responses.ListTasks,
        send: () => ecs.send(new ListTasksCommand({ cluster: PROD, desiredStatus: 'STOPPED' })),
      },
      {
        name: 'DescribeTasks, a running task and a missing one',
        shape: Responses.DescribeTasks,
        send: async () =>
          ecs.send(
            new DescribeTasksCommand({
              cluster: PROD,
              tasks: [await firstTask('web'), '0123456789abcdef0123456789abcdef'],
            }),
          ),
      },
      {
        name: 'StopTask',
        shape: Responses.StopTask,
        send: async () =>
          ecs.send(new StopTaskCommand({ cluster: PROD, task: await firstTask('worker'), reason: 'contract' })),
      },
      {
        name: 'DescribeTasks of a stopped task',
        shape: Responses.DescribeTasks,
        send: async () => {
          const task = await firstTask('cron');
          await ecs.send(new StopTaskCommand({ cluster: PROD, task }));
          const out = await ecs.send(new DescribeTasksCommand({ cluster: PROD, tasks: [task] }));
          expect(out.tasks?.[0]).toMatchObject({
            lastStatus: 'STOPPED',
            stopCode: 'UserInitiated',
            containers: [{ exitCode: 143 }],
          });
          return out;
        },
      },
    ],
    [
      {
        name: 'RunTask with a task definition ECS does not know',
        error: 'ClientException',
        status: 400,
        send: () => ecs.send(new RunTaskCommand({ cluster: PROD, taskDefinition: 'nope' })),
      },
      {
        name: 'RunTask with an INACTIVE revision',
        error: 'InvalidParameterException',
        status: 400,
        send: async () => {
          const td = await ecs.send(
            new RegisterTaskDefinitionCommand({
              family: 'retired',
              containerDefinitions: [{ name: 'a', image: 'a:1', memory: 64 }],
            }),
          );
          await ecs.send(
            new DeregisterTaskDefinitionCommand({ taskDefinition: td.taskDefinition!.taskDefinitionArn! }),
          );
          return ecs.send(new RunTaskCommand({ cluster: PROD, taskDefinition: td.taskDefinition!.taskDefinitionArn! }));
        },
      },
      {
        name: 'RunTask in a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () => ecs.send(new RunTaskCommand({ cluster: 'ghost', taskDefinition: 'cron' })),
      },
      {
        name: 'StopTask of a malformed task id',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new StopTaskCommand({ cluster: PROD, task: 'not-a-task' })),
      },
      {
        name: 'StopTask of a task that does not exist',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new StopTaskCommand({ cluster: PROD, task: '0123456789abcdef0123456789abcdef' })),
      },
      {
        name: 'DescribeTasks of none',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new DescribeTasksCommand({ cluster: PROD, tasks: [] })),
      },
      {
        name: 'ListTasks of a cluster that does not exist',
        error: 'ClusterNotFoundException',
        status: 400,
        send: () => ecs.send(new ListTasksCommand({ cluster: 'ghost' })),
      },
    ],
    { ok: expectConforms, error: (c) => expectError(c) },
  );

  it('the messages are ECS’s own: "Task Identifier is invalid", "The referenced task was not found.", "TaskDefinition is inactive"', async () => {
    await expect(ecs.send(new StopTaskCommand({ cluster: PROD, task: 'not-a-task' }))).rejects.toMatchObject({
      message: 'Task Identifier is invalid',
    });
    await expect(
      ecs.send(new StopTaskCommand({ cluster: PROD, task: '0123456789abcdef0123456789abcdef' })),
    ).rejects.toMatchObject({ message: 'The referenced task was not found.' });
    await expect(ecs.send(new RunTaskCommand({ cluster: PROD, taskDefinition: 'retired:1' }))).rejects.toMatchObject({
      message: 'TaskDefinition is inactive',
    });
  });

  it('a task id in the older UUID form, or an ARN without the cluster, is a well-formed identifier', async () => {
    const out = await ecs.send(
      new DescribeTasksCommand({
        cluster: PROD,
        tasks: [
          '9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c',
          'arn:aws:ecs:us-east-1:111111111111:task/9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c',
        ],
      }),
    );
    expect(out.failures?.map((f) => f.reason)).toEqual(['MISSING', 'MISSING']);
  });
});
