import { LEVEL_ACTIONS } from './iam';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { AutoscalingSeed } from './autoscaling';
import type { EcrSeed } from './ecr';
import type { AccessLevel, AccountSeed, ClusterSeed, RoleSeed, TaskDefinitionSeed } from './seed';

const ACCOUNT = '111111111111';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const REGION = 'us-east-1';

/** A long-lived key for people using the AWS CLI against the demo account: admin on every cluster. */
export const DEMO_OPERATOR_KEY = { accessKeyId: 'AKIASANDBOXOPERATOR1', secretAccessKey: 'any-secret-works' };
export const DEMO_OPERATOR_ROLE = `arn:aws:iam::${ACCOUNT}:role/sandbox-operator`;

/**
 * The demo account the playground and the CLI start with: `demo-prod` (web on fixed host port 80,
 * a worker that is OOM-killed now and then, a cron runner; two instances) and `demo-staging`
 * (one instance), and with `fargate` (the playground) `demo-fargate` (no instances: `api` on
 * FARGATE and FARGATE_SPOT, and a Fargate one-off family `report`), with chatops-<cluster>-<level> roles scoped to each cluster, an operator
 * key (DEMO_OPERATOR_KEY) for the AWS CLI, and ECR repositories for the worker and cron images.
 * Every container logs through awslogs to /ecs/<family>.
 */
/**
 * The CLI operator: admin everywhere, and may write CloudWatch Logs (create groups and streams, put
 * events), Application Auto Scaling policies and security groups.
 */
const OPERATOR_ACTIONS = [
  ...LEVEL_ACTIONS.admin,
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'application-autoscaling:PutScalingPolicy',
  'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
];

export function demoAccount(options: { fargate?: boolean } = {}): AccountSeed {
  const clusters: ClusterSeed[] = [
    {
      name: 'demo-prod',
      tags: [{ key: 'env', value: 'prod' }],
      // The first instance doubles as the team's SSH jump host: port 22 open to the world (`/ecs audit` flags it).
      instances: [
        { instanceType: 't3.large', securityGroups: ['default', 'ssh-anywhere'] },
        { instanceType: 't3.large' },
      ],
      services: [
        { name: 'web', taskDefinition: 'web', desiredCount: 1 },
        { name: 'worker', taskDefinition: 'worker', desiredCount: 2 },
        { name: 'cron', taskDefinition: 'cron', desiredCount: 1 },
      ],
    },
    {
      name: 'demo-staging',
      tags: [{ key: 'env', value: 'staging' }],
      instances: [{ instanceType: 't3.medium' }],
      services: [
        {
          name: 'web',
          taskDefinition: 'web-staging',
          desiredCount: 1,
          // Blue/green with a PAUSE hook once test traffic is on green: a deploy or restart waits for
          // Continue (or rolls back by itself after an hour).
          deploymentConfiguration: {
            strategy: 'BLUE_GREEN',
            lifecycleHooks: [
              {
                targetType: 'PAUSE',
                lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
                timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
              },
            ],
          },
        },
        { name: 'worker', taskDefinition: 'worker-staging', desiredCount: 1 },
      ],
    },
  ];
  if (options.fargate) {
    clusters.push({
      // No instances: FARGATE and FARGATE_SPOT, one task on FARGATE and the rest three to one on Spot.
      name: 'demo-fargate',
      tags: [{ key: 'env', value: 'prod' }],
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
      services: [
        {
          name: 'api',
          taskDefinition: 'api',
          desiredCount: 4,
          networkConfiguration: {
            awsvpcConfiguration: { subnets: [...DEMO_PRIVATE_SUBNETS], securityGroups: [DEMO_APP_SG] },
          },
        },
      ],
    });
  }
  return {
    accountId: ACCOUNT,
    region: REGION,
    roles: [
      ...clusters.flatMap((c) => rolesFor(c.name)),
      { arn: DEMO_OPERATOR_ROLE, level: 'admin', clusters: '*', actions: OPERATOR_ACTIONS },
    ],
    accessKeys: [{ accessKeyId: DEMO_OPERATOR_KEY.accessKeyId, roleArn: DEMO_OPERATOR_ROLE, sessionName: 'operator' }],
    taskDefinitions: [
      taskDefinition('web', {
        image: 'public.ecr.aws/nginx/nginx:1.27',
        cpu: 256,
        memory: 512,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      }),
      taskDefinition('worker', {
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/worker:2.4.1`,
        cpu: 512,
        memory: 1024,
        command: ['bin/worker'],
      }),
      taskDefinition('cron', {
        // `latest` (the same image as 1.0.3 today): `/ecs audit` says why a moving tag is a risk.
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/cron:latest`,
        cpu: 128,
        memory: 256,
        command: ['bin/cron'],
      }),
      taskDefinition('web-staging', {
        image: 'public.ecr.aws/nginx/nginx:1.27',
        cpu: 256,
        memory: 256,
        portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
      }),
      taskDefinition('worker-staging', {
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/worker:2.5.0-rc1`,
        cpu: 256,
        memory: 512,
        command: ['bin/worker'],
      }),
      ...(options.fargate
        ? [
            fargate(
              taskDefinition('api', {
                image: 'public.ecr.aws/nginx/nginx:1.27',
                portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
              }),
              '512',
              '1024',
            ),
            fargate(
              taskDefinition('report', {
                image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/worker:2.4.1`,
                command: ['bin/report'],
              }),
              '1024',
              '2048',
            ),
          ]
        : []),
    ],
    clusters,
    securityGroups: [
      {
        name: 'ssh-anywhere',
        description: 'SSH for on-call, added in a hurry',
        ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'ssh' }],
      },
    ],
    services: {
      // ECS does not create an awslogs group: it must exist before a task starts.
      logs: {
        groups: [
          'web',
          'worker',
          'cron',
          'web-staging',
          'worker-staging',
          ...(options.fargate ? ['api', 'report'] : []),
        ].map((family) => ({ name: `/ecs/${family}`, retentionInDays: 30 })),
      },
      // The images the demo's own task definitions pull from this account's registry.
      ecr: {
        repositories: [
          {
            name: 'worker',
            ageMs: 60 * DAY,
            images: [
              { tags: ['2.4.0'], sizeBytes: 187_695_104, ageMs: 9 * DAY },
              { tags: ['2.4.1'], sizeBytes: 188_743_680, ageMs: 2 * DAY },
              { tags: [], sizeBytes: 189_267_968, ageMs: 1 * DAY },
              { tags: ['2.5.0-rc1', 'next'], sizeBytes: 190_840_832, ageMs: 3 * HOUR },
            ],
          },
          {
            name: 'cron',
            ageMs: 90 * DAY,
            images: [
              { tags: ['1.0.2'], sizeBytes: 41_943_040, ageMs: 30 * DAY },
              { tags: ['1.0.3', 'latest'], sizeBytes: 42_467_328, ageMs: 6 * DAY },
            ],
          },
        ],
      } satisfies EcrSeed,
      // The worker is behind Application Auto Scaling: 2 to 4 tasks, tracking 60 % CPU.
      'application-autoscaling': {
        targets: [
          {
            cluster: 'demo-prod',
            service: 'worker',
            min: 2,
            max: 4,
            policies: [{ name: 'worker-cpu-60', targetValue: 60, metric: 'cpu' }],
          },
        ],
      } satisfies AutoscalingSeed,
    },
    behaviours: {
      // Each worker task is OOM-killed somewhere between 10 and 50 minutes after it starts; one
      // was killed four minutes before the account starts (its logs, its stopped task and the
      // replacement are there to look at), and the next one a minute after (#alerts has it at once).
      worker: {
        crash: {
          atMs: [-4 * MINUTE, 1 * MINUTE],
          afterMs: 10 * MINUTE,
          jitterMs: 40 * MINUTE,
          exitCode: 137,
          reason: 'OutOfMemoryError: Container killed due to memory usage',
        },
      },
    },
  };
}

/** The simulated VPC's private subnets and app security group (src/sandbox/world/vpc.ts). */
export const DEMO_PRIVATE_SUBNETS = ['subnet-0a1f3c5e7b9d2e401', 'subnet-0a1f3c5e7b9d2e402'] as const;
export const DEMO_APP_SG = 'sg-0d3c5b7a9e1f2d602';

/** A Fargate task definition: awsvpc, task-level size, FARGATE compatibility. */
function fargate(td: TaskDefinitionSeed, cpu: string, memory: string): TaskDefinitionSeed {
  return { ...td, networkMode: 'awsvpc', cpu, memory, requiresCompatibilities: ['FARGATE'] };
}

function rolesFor(cluster: string): RoleSeed[] {
  const levels: AccessLevel[] = ['read', 'operate', 'admin'];
  // The admin roles may create new clusters too, so `/ecs cluster create qa -c demo-staging` (the
  // help's example) can be tried; everything else stays scoped to the role's own cluster.
  return levels.map((level) => ({
    arn: `arn:aws:iam::${ACCOUNT}:role/chatops-${cluster}-${level}`,
    level,
    clusters: [cluster],
    ...(level === 'admin' ? { createClusters: true } : {}),
  }));
}

function taskDefinition(family: string, container: Omit<ContainerDefinition, 'name'>): TaskDefinitionSeed {
  return {
    family,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: family.replace(/-staging$/, ''),
        essential: true,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
        },
        ...container,
      },
    ],
  };
}
