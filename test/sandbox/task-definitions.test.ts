import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { demoAccount, type ManualClock, type Sandbox } from '../../src/sandbox';
import { assumeRole, clientConfig, roleOf, startTestSandbox } from '../../testbed/sandbox';

describe('sandbox ECS task definitions', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  let ecs: ECSClient;

  beforeEach(async () => {
    sandbox = await startTestSandbox({ account: demoAccount() });
    ecs = new ECSClient(clientConfig(sandbox, await assumeRole(sandbox, roleOf(sandbox, 'demo-prod', 'admin'))));
  });
  afterEach(() => sandbox.stop());

  it('gives each registration of a family the next revision, with the defaults ECS fills in', async () => {
    const out = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'public.ecr.aws/nginx/nginx:1.28',
            memory: 512,
            portMappings: [{ containerPort: 80, hostPort: 80 }],
          },
        ],
      }),
    );

    expect(out.taskDefinition).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:2',
      family: 'web',
      revision: 2,
      status: 'ACTIVE',
      networkMode: 'bridge',
      containerDefinitions: [
        expect.objectContaining({
          cpu: 0,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
          environment: [],
        }),
      ],
    });
    expect(out.taskDefinition?.registeredBy).toBe(roleOf(sandbox, 'demo-prod', 'admin'));
  });

  it('describes the awslogs configuration of the demo task definitions', async () => {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'worker' }));

    expect(out.taskDefinition?.containerDefinitions?.[0]?.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/worker', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
    });
  });

  it('refuses a container without memory, as ECS does for EC2 tasks', async () => {
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'bad',
          containerDefinitions: [{ name: 'app', image: 'example/app:1' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message:
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    });
  });

  it('deregisters a revision to INACTIVE: it leaves the ACTIVE list, stays describable and can no longer be run', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'cron',
        containerDefinitions: [{ name: 'cron', image: 'example/cron:2', memory: 128 }],
      }),
    );

    const out = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'cron:1' }));
    const active = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'cron' }));
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'cron', status: 'INACTIVE' }));
    const newestFirst = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'cron', status: 'ACTIVE', sort: 'DESC' }),
    );

    expect(out.taskDefinition).toMatchObject({ status: 'INACTIVE', revision: 1 });
    expect(active.taskDefinitionArns).toEqual(['arn:aws:ecs:us-east-1:111111111111:task-definition/cron:2']);
    expect(inactive.taskDefinitionArns).toEqual(['arn:aws:ecs:us-east-1:111111111111:task-definition/cron:1']);
    expect(newestFirst.taskDefinitionArns).toEqual(active.taskDefinitionArns);
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'demo-prod', taskDefinition: 'cron:1' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'TaskDefinition is inactive',
    });
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'demo-prod', taskDefinition: 'nope:1' })),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message: 'TaskDefinition not found.',
    });
    await expect(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' }))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Unable to describe task definition.',
    });
  });

  it('lists task definition families by prefix', async () => {
    const all = await ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    const web = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'web' }));

    expect(all.families).toEqual(['cron', 'web', 'web-staging', 'worker', 'worker-staging']);
    expect(web.families).toEqual(['web', 'web-staging']);
  });
});
