import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
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
 * Application Auto Scaling (AWS JSON 1.1, `AnyScaleFrontendService`) against its API reference
 * (https://docs.aws.amazon.com/autoscaling/application/APIReference/): RegisterScalableTarget,
 * DescribeScalableTargets and DescribeScalingPolicies, which `scale` and `service` call, and
 * PutScalingPolicy, which seeds a policy. Shapes from ScalableTarget, SuspendedState,
 * ScalingPolicy, TargetTrackingScalingPolicyConfiguration and Alarm.
 */

const ECS = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

const Responses = {
  RegisterScalableTarget: {
    name: 'RegisterScalableTargetResponse',
    fields: { ScalableTargetARN: 'string' },
  },
  DescribeScalableTargets: {
    name: 'DescribeScalableTargetsResponse',
    fields: {
      ScalableTargets: list({
        name: 'ScalableTarget',
        fields: {
          ServiceNamespace: 'string',
          ResourceId: 'string',
          ScalableDimension: 'string',
          MinCapacity: 'integer',
          MaxCapacity: 'integer',
          PredictedCapacity: 'integer',
          RoleARN: 'string',
          CreationTime: 'timestamp',
          SuspendedState: {
            name: 'SuspendedState',
            fields: {
              DynamicScalingInSuspended: 'boolean',
              DynamicScalingOutSuspended: 'boolean',
              ScheduledScalingSuspended: 'boolean',
            },
          },
          ScalableTargetARN: 'string',
        },
        present: [
          'ServiceNamespace',
          'ResourceId',
          'ScalableDimension',
          'MinCapacity',
          'MaxCapacity',
          'RoleARN',
          'CreationTime',
        ],
      }),
      NextToken: 'string',
    },
    present: ['ScalableTargets'],
  },
  DescribeScalingPolicies: {
    name: 'DescribeScalingPoliciesResponse',
    fields: {
      ScalingPolicies: list({
        name: 'ScalingPolicy',
        fields: {
          PolicyARN: 'string',
          PolicyName: 'string',
          ServiceNamespace: 'string',
          ResourceId: 'string',
          ScalableDimension: 'string',
          PolicyType: oneOf('StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'),
          StepScalingPolicyConfiguration: 'any',
          TargetTrackingScalingPolicyConfiguration: {
            name: 'TargetTrackingScalingPolicyConfiguration',
            fields: {
              TargetValue: 'double',
              PredefinedMetricSpecification: {
                name: 'PredefinedMetricSpecification',
                fields: { PredefinedMetricType: 'string', ResourceLabel: 'string' },
              },
              CustomizedMetricSpecification: 'any',
              ScaleOutCooldown: 'integer',
              ScaleInCooldown: 'integer',
              DisableScaleIn: 'boolean',
            },
          },
          PredictiveScalingPolicyConfiguration: 'any',
          Alarms: list({ name: 'Alarm', fields: { AlarmName: 'string', AlarmARN: 'string' } }),
          CreationTime: 'timestamp',
        },
        present: [
          'PolicyARN',
          'PolicyName',
          'ServiceNamespace',
          'ResourceId',
          'ScalableDimension',
          'PolicyType',
          'CreationTime',
        ],
      }),
      NextToken: 'string',
    },
    present: ['ScalingPolicies'],
  },
  PutScalingPolicy: {
    name: 'PutScalingPolicyResponse',
    fields: {
      PolicyARN: 'string',
      Alarms: list({ name: 'Alarm', fields: { AlarmName: 'string', AlarmARN: 'string' } }),
    },
    present: ['PolicyARN'],
  },
} satisfies Record<string, Shape>;

let sandbox: Sandbox & { clock: ManualClock };
let aas: ApplicationAutoScalingClient;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  aas = new ApplicationAutoScalingClient(env.config);
  raw = recordRaw(aas);
});
afterAll(() => sandbox?.stop());

describe('Application Auto Scaling, as the API reference answers it', () => {
  tablesPerAction(
    [
      {
        name: 'RegisterScalableTarget of a new target',
        shape: Responses.RegisterScalableTarget,
        send: () =>
          aas.send(
            new RegisterScalableTargetCommand({
              ...ECS,
              ResourceId: 'service/demo-prod/web',
              MinCapacity: 1,
              MaxCapacity: 2,
            }),
          ),
      },
      {
        name: 'RegisterScalableTarget updating only the minimum of one',
        shape: Responses.RegisterScalableTarget,
        send: () =>
          aas.send(
            new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/worker', MinCapacity: 2 }),
          ),
      },
      {
        name: 'DescribeScalableTargets of the ecs namespace',
        shape: Responses.DescribeScalableTargets,
        send: () => aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' })),
      },
      {
        name: 'DescribeScalableTargets of one service',
        shape: Responses.DescribeScalableTargets,
        send: () => aas.send(new DescribeScalableTargetsCommand({ ...ECS, ResourceIds: ['service/demo-prod/worker'] })),
      },
      {
        name: 'PutScalingPolicy with target tracking on memory',
        shape: Responses.PutScalingPolicy,
        send: () =>
          aas.send(
            new PutScalingPolicyCommand({
              ...ECS,
              ResourceId: 'service/demo-prod/worker',
              PolicyName: 'worker-memory-75',
              PolicyType: 'TargetTrackingScaling',
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: 75,
                PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
              },
            }),
          ),
      },
      {
        name: 'DescribeScalingPolicies of one service',
        shape: Responses.DescribeScalingPolicies,
        send: () => aas.send(new DescribeScalingPoliciesCommand({ ...ECS, ResourceId: 'service/demo-prod/worker' })),
      },
    ],
    [
      {
        name: 'RegisterScalableTarget of a service that does not exist',
        error: 'ValidationException',
        status: 400,
        send: () =>
          aas.send(
            new RegisterScalableTargetCommand({
              ...ECS,
              ResourceId: 'service/demo-prod/nope',
              MinCapacity: 1,
              MaxCapacity: 2,
            }),
          ),
      },
      {
        name: 'RegisterScalableTarget of a new target without a maximum',
        error: 'ValidationException',
        status: 400,
        send: () =>
          aas.send(new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/cron', MinCapacity: 1 })),
      },
      {
        name: 'RegisterScalableTarget with the minimum above the maximum',
        error: 'ValidationException',
        status: 400,
        send: () =>
          aas.send(
            new RegisterScalableTargetCommand({
              ...ECS,
              ResourceId: 'service/demo-prod/worker',
              MinCapacity: 5,
              MaxCapacity: 3,
            }),
          ),
      },
      {
        name: 'DescribeScalableTargets of an unknown namespace',
        error: 'ValidationException',
        status: 400,
        send: () => aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'nope' as 'ecs' })),
      },
      {
        name: 'DescribeScalableTargets with a token it did not give',
        error: 'InvalidNextTokenException',
        status: 400,
        send: () => aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: 'bogus' })),
      },
      {
        name: 'DescribeScalingPolicies with MaxResults over 50',
        error: 'ValidationException',
        status: 400,
        send: () => aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', MaxResults: 51 })),
      },
      {
        name: 'PutScalingPolicy on a service without a scalable target',
        error: 'ObjectNotFoundException',
        status: 400,
        send: () =>
          aas.send(
            new PutScalingPolicyCommand({
              ...ECS,
              ResourceId: 'service/demo-prod/cron',
              PolicyName: 'cron-cpu',
              PolicyType: 'TargetTrackingScaling',
              TargetTrackingScalingPolicyConfiguration: { TargetValue: 50 },
            }),
          ),
      },
    ],
    jsonProtocolChecks(() => raw, 'application/x-amz-json-1.1'),
  );
});

describe('a scalable target keeps its service within its range', () => {
  it('registering a range moves the desired count into it at once, as the reference says', async () => {
    await aas.send(
      new RegisterScalableTargetCommand({
        ...ECS,
        ResourceId: 'service/demo-prod/worker',
        MinCapacity: 3,
        MaxCapacity: 4,
      }),
    );
    expect(sandbox.world.service('demo-prod', 'worker').desiredCount).toBe(3);
    await aas.send(
      new RegisterScalableTargetCommand({ ...ECS, ResourceId: 'service/demo-prod/worker', MinCapacity: 2 }),
    );
    expect(sandbox.world.service('demo-prod', 'worker').desiredCount).toBe(3);
  });

  it('a desired count set outside the range is pulled back at the scheduler’s next pass', () => {
    sandbox.world.updateService('demo-prod', 'worker', { desiredCount: 9 });
    sandbox.tick();
    expect(sandbox.world.service('demo-prod', 'worker').desiredCount).toBe(4);
    sandbox.world.updateService('demo-prod', 'worker', { desiredCount: 0 });
    sandbox.tick();
    expect(sandbox.world.service('demo-prod', 'worker').desiredCount).toBe(2);
  });
});
