import type { AccountSeed } from '../src/sandbox/seed';
import { targetGroupArn } from '../src/sandbox/elbv2';
import { ACCOUNT_ID, REGION, testAccount } from './accounts';

export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
export const ECR = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`;
/** `shop`'s target group: its health check of /healthz answers 404 (Target.ResponseCodeMismatch). */
export const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole`;
export const BILLING_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:billing/stripe-AbCdEf`;
/** The simulated VPC's private subnet in zone a (src/sandbox/world/vpc.ts). */
export const PRIVATE_A = 'subnet-0a1f3c5e7b9d2e401';
/** The private subnet in zone b: whyAccount() leaves it one free address, so a second task finds none. */
export const PRIVATE_B = 'subnet-0a1f3c5e7b9d2e402';
/** A placement constraint no instance of the test account meets (they are t3 instances). */
export const ONLY_P3 = { type: 'memberOf' as const, expression: 'attribute:ecs.instance-type == p3.2xlarge' };
export const SHOP_TARGET_GROUP = targetGroupArn(REGION, ACCOUNT_ID, 'shop');

const awslogs = (group: string) => ({
  logDriver: 'awslogs' as const,
  options: { 'awslogs-group': group, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
});

/**
 * testAccount() plus one family per cause `why` names, each misbehaving the way ECS would report it:
 * - `hog`: a service whose container is OOM-killed 90 s after each start (exit 137, hard limit 256 MiB);
 * - `stubborn`: ignores SIGTERM, stopTimeout 2 s (a stop ends in SIGKILL, exit 137);
 * - `broken`: exits with code 1 three seconds after it starts, logging to /ecs/broken;
 * - `worker`: its image is a tag the ECR repository `worker` does not have (it has 1.0 and 1.1);
 * - `legacy`: logs to a log group that does not exist;
 * - `shop`: a service behind target group `shop`, whose health check of /healthz gets 404;
 * - `billing` (Fargate): a secret its execution role may not read;
 * - `ledger` (Fargate): an SSM parameter that does not exist;
 * - `edge`, `edge-ecr` (Fargate): images from Docker Hub and ECR, for a subnet without a NAT route;
 * - `crowd` (Fargate): for PRIVATE_B, which has one free address (the second task gets no ENI);
 * - `vault`: an ECR image whose repository policy does not let its execution role pull;
 * - `mesh` (awsvpc on EC2) and `huge` (16,000 MiB): for placement failures on ENIs and memory;
 * - `pinned`: a plain family, for a service whose placement constraint no instance meets (ONLY_P3);
 * - `cron`: fails to start for a reason no rule knows.
 */
export function whyAccount(): AccountSeed {
  const seed = testAccount();
  seed.taskDefinitions.push(
    {
      family: 'hog',
      containerDefinitions: [
        {
          name: 'hog',
          image: 'example/hog:2',
          cpu: 128,
          memory: 256,
          essential: true,
          logConfiguration: awslogs('/ecs/hog'),
        },
      ],
    },
    {
      family: 'stubborn',
      containerDefinitions: [
        { name: 'app', image: 'example/app:1', cpu: 64, memory: 64, essential: true, stopTimeout: 2 },
      ],
    },
    {
      family: 'broken',
      containerDefinitions: [
        {
          name: 'api',
          image: 'example/api:7',
          cpu: 64,
          memory: 128,
          essential: true,
          logConfiguration: awslogs('/ecs/broken'),
        },
      ],
    },
    {
      family: 'worker',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [{ name: 'worker', image: `${ECR}/worker:9.9`, cpu: 64, memory: 128, essential: true }],
    },
    {
      family: 'legacy',
      containerDefinitions: [
        {
          name: 'legacy',
          image: 'example/legacy:1',
          cpu: 64,
          memory: 64,
          essential: true,
          logConfiguration: awslogs('/ecs/gone'),
        },
      ],
    },
    {
      family: 'shop',
      containerDefinitions: [
        {
          name: 'shop',
          image: 'example/shop:3',
          cpu: 64,
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 0 }],
        },
      ],
    },
    {
      // Fargate, with a secret from Secrets Manager its execution role may not read.
      family: 'billing',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [
        {
          name: 'billing',
          image: 'example/billing:4',
          essential: true,
          secrets: [{ name: 'STRIPE_KEY', valueFrom: BILLING_SECRET }],
        },
      ],
    },
    {
      // Fargate, with an SSM parameter that does not exist.
      family: 'ledger',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [
        {
          name: 'ledger',
          image: 'example/ledger:1',
          essential: true,
          secrets: [{ name: 'DB_URL', valueFrom: 'ledger/db-url' }],
        },
      ],
    },
    {
      // Fargate, pulling from Docker Hub and from this account's ECR.
      family: 'edge',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [{ name: 'edge', image: 'nginx:1.27', essential: true }],
    },
    {
      family: 'edge-ecr',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [{ name: 'edge', image: `${ECR}/worker:1.1`, essential: true }],
    },
    {
      family: 'crowd',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'crowd', image: 'example/crowd:1', essential: true }],
    },
    {
      family: 'vault',
      executionRoleArn: EXECUTION_ROLE,
      containerDefinitions: [{ name: 'vault', image: `${ECR}/team/vault:2.0`, cpu: 64, memory: 64, essential: true }],
    },
    {
      // awsvpc on EC2: one network interface per task (a t3.large has 3, one of them its own).
      family: 'mesh',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'mesh', image: 'example/mesh:1', cpu: 64, memory: 64, essential: true }],
    },
    {
      family: 'huge',
      containerDefinitions: [{ name: 'huge', image: 'example/huge:1', cpu: 64, memory: 16_000, essential: true }],
    },
    {
      family: 'pinned',
      containerDefinitions: [{ name: 'pinned', image: 'example/pinned:1', cpu: 64, memory: 64, essential: true }],
    },
    {
      family: 'cron',
      containerDefinitions: [{ name: 'cron', image: 'example/cron:1', cpu: 64, memory: 64, essential: true }],
    },
  );
  seed.behaviours = {
    ...seed.behaviours,
    hog: { crash: { afterMs: 90_000, exitCode: 137, reason: OOM_REASON } },
    stubborn: { sigterm: { response: 'ignores' } },
    broken: { crash: { afterMs: 3_000, exitCode: 1 } },
    cron: { failToStart: { reason: 'WeirdError: the flux capacitor <!channel> is out of alignment' } },
  };
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push(
      { name: 'hog', taskDefinition: 'hog', desiredCount: 1 },
      {
        name: 'shop',
        taskDefinition: 'shop',
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: SHOP_TARGET_GROUP, containerName: 'shop', containerPort: 8080 }],
      },
    );
  seed.subnets = [{ id: PRIVATE_B, availableIpAddressCount: 1 }];
  // Only the billing service's own role may read its Stripe key.
  seed.secrets = [
    { arn: BILLING_SECRET, readers: [`arn:aws:iam::${ACCOUNT_ID}:role/billing-execution`] },
    { arn: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/ledger/db-url`, missing: true },
  ];
  seed.services = {
    ...seed.services,
    logs: { groups: [{ name: '/ecs/hog' }, { name: '/ecs/broken' }] },
    elasticloadbalancing: {
      targetGroups: [
        {
          name: 'shop',
          port: 8080,
          healthCheckPath: '/healthz',
          failing: {
            reason: 'Target.ResponseCodeMismatch',
            description: 'Health checks failed with these codes: [404]',
          },
        },
      ],
    },
    ecr: {
      repositories: [
        { name: 'worker', images: [{ tags: ['1.0'] }, { tags: ['1.1'] }] },
        // Its repository policy lets only the billing service's role pull.
        {
          name: 'team/vault',
          images: [{ tags: ['2.0'] }],
          pullers: [`arn:aws:iam::${ACCOUNT_ID}:role/billing-execution`],
        },
      ],
    },
  };
  return seed;
}
