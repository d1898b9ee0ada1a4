import type { AccountSeed } from '../src/sandbox/seed';
import type { EcrSeed } from '../src/sandbox/ecr';
import type { LogsSeed } from '../src/sandbox/logs';
import { ACCOUNT_ID, REGION, testAccount } from './accounts';

const REGISTRY = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`;
const awslogs = (group: string, prefix?: string) => ({
  logDriver: 'awslogs' as const,
  options: { 'awslogs-group': group, 'awslogs-region': REGION, ...(prefix ? { 'awslogs-stream-prefix': prefix } : {}) },
});

/** A fixed instant for ECR push times, so the order of images is what the test says. */
export const PUSHED_BASE = Date.parse('2026-01-05T09:00:00.000Z');
const HOUR = 60 * 60 * 1000;

/**
 * testAccount() plus what the task definition, ECR and logs verbs need, on prod:
 * - `worker` (revisions 1 and 2; worker:2 runs): awslogs to /ecs/worker (prefix ecs), environment
 *   variables with a secret-looking value, an SSM secret, a task role; OOM-killed (exit 137)
 *   7 minutes after each start, so at start one worker task has crashed and its replacement runs;
 * - `shop`: task-level CPU/memory, an `app` container on fixed host port 8080 logging through
 *   awslogs (/ecs/shop), and a non-essential `envoy` sidecar on the json-file driver;
 * - `legacy`: awslogs without a stream prefix;
 * - ECR: `worker` (2.4.0; 2.4.1 + latest; one untagged), `web`, an empty `team/api`, and `busy`
 *   with 30 builds (for paging);
 * - CloudWatch Logs: a line every 10 s of sandbox time while a task runs.
 */
export function taskdefsAccount(): AccountSeed {
  const account = testAccount();
  const worker = (image: string) => ({
    family: 'worker',
    taskRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/worker-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'worker',
        image,
        cpu: 256,
        memory: 512,
        essential: true,
        command: ['bin/worker'],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DATABASE_URL', value: 'postgres://app:s3cret-db-password@db.internal/prod' },
        ],
        secrets: [{ name: 'API_TOKEN', valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/worker/api-token` }],
        logConfiguration: awslogs('/ecs/worker', 'ecs'),
      },
    ],
  });
  account.taskDefinitions.push(
    worker(`${REGISTRY}/worker:2.4.0`),
    worker(`${REGISTRY}/worker:2.4.1`),
    {
      family: 'shop',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'app',
          image: `${REGISTRY}/shop:7`,
          cpu: 256,
          memory: 512,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 8080 }],
          logConfiguration: awslogs('/ecs/shop', 'ecs'),
        },
        {
          name: 'envoy',
          image: 'envoyproxy/envoy:v1.31',
          cpu: 128,
          memoryReservation: 128,
          essential: false,
          logConfiguration: { logDriver: 'json-file' },
        },
      ],
    },
    {
      family: 'legacy',
      containerDefinitions: [
        {
          name: 'legacy',
          image: 'example/legacy:1',
          cpu: 128,
          memory: 128,
          essential: true,
          logConfiguration: awslogs('/ecs/legacy'),
        },
      ],
    },
  );
  account.behaviours = {
    ...account.behaviours,
    // The worker catches SIGTERM and finishes its batch before exiting 0 (a stop's exit code is otherwise 143).
    worker: {
      crash: {
        afterMs: 7 * 60 * 1000,
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
      sigterm: { response: 'handles', shutdownMs: 0 },
    },
  };
  const prod = account.clusters.find((c) => c.name === 'prod')!;
  prod.services!.push(
    { name: 'worker', taskDefinition: 'worker', desiredCount: 1 },
    { name: 'shop', taskDefinition: 'shop', desiredCount: 1 },
    { name: 'legacy', taskDefinition: 'legacy', desiredCount: 1 },
  );
  const ecr: EcrSeed = {
    repositories: [
      {
        name: 'worker',
        images: [
          { tags: ['2.4.0'], sizeBytes: 98_566_144, pushedAt: PUSHED_BASE },
          { tags: [], sizeBytes: 99_614_720, pushedAt: PUSHED_BASE + 1 * HOUR },
          { tags: ['2.4.1', 'latest'], sizeBytes: 101_711_872, pushedAt: PUSHED_BASE + 2 * HOUR },
        ],
      },
      { name: 'web', images: [{ tags: ['1.27'], sizeBytes: 73_400_320, pushedAt: PUSHED_BASE }] },
      { name: 'team/api', images: [] },
      {
        name: 'busy',
        images: Array.from({ length: 30 }, (_, i) => ({
          tags: [`build-${String(i + 1).padStart(3, '0')}`],
          sizeBytes: 50_000_000 + i,
          pushedAt: PUSHED_BASE + i * HOUR,
        })),
      },
    ],
  };
  const logs: LogsSeed = {
    intervalMs: 10_000,
    groups: [{ name: '/ecs/worker' }, { name: '/ecs/shop' }, { name: '/ecs/legacy' }],
  };
  account.services = { ...account.services, ecr, logs };
  return account;
}
