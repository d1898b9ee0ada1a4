import type { AccountSeed, ServiceSeed } from '../src/sandbox/seed';
import { testAccount } from './accounts';

/**
 * testAccount() plus what the services verbs need on prod:
 * - `web` has a second revision (web:2, nginx:1.28), so prod's web runs web:2 and can roll back to web:1;
 * - `pair` runs a task definition with two containers (app + log-router) and task-level settings,
 *   roles, environment, log configuration and tags that a new image's revision must keep;
 * - `solo` runs the only revision of its family (nothing to roll back to);
 * - `broken` is a family whose tasks never start (its image cannot be pulled).
 */
export function servicesAccount(): AccountSeed {
  const account = testAccount();
  account.taskDefinitions.push(
    {
      family: 'web',
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx:1.28',
          cpu: 256,
          memory: 256,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      ],
    },
    {
      family: 'pair',
      cpu: '512',
      memory: '1024',
      taskRoleArn: 'arn:aws:iam::111111111111:role/pair-task',
      executionRoleArn: 'arn:aws:iam::111111111111:role/pair-execution',
      tags: [{ key: 'team', value: 'payments' }],
      containerDefinitions: [
        {
          name: 'app',
          image: 'example/pair:1',
          cpu: 256,
          memory: 512,
          essential: true,
          environment: [{ name: 'MODE', value: 'live' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/pair', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'pair' },
          },
        },
        { name: 'log-router', image: 'fluent/fluent-bit:3', cpu: 64, memory: 128, essential: false },
      ],
    },
    {
      family: 'solo',
      containerDefinitions: [{ name: 'solo', image: 'example/solo:1', cpu: 128, memory: 128, essential: true }],
    },
    {
      family: 'broken',
      containerDefinitions: [{ name: 'broken', image: 'example/broken:1', cpu: 128, memory: 128, essential: true }],
    },
  );
  account.behaviours = {
    ...account.behaviours,
    broken: {
      failToStart: {
        reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): example/broken:1: not found',
      },
    },
  };
  const prod = account.clusters.find((c) => c.name === 'prod')!;
  prod.services!.push(
    { name: 'pair', taskDefinition: 'pair', desiredCount: 1 },
    { name: 'solo', taskDefinition: 'solo', desiredCount: 1 },
  );
  // The awslogs group of `pair` exists, as ECS needs it to (no awslogs-create-group).
  account.services = { ...account.services, logs: { groups: [{ name: '/ecs/pair' }] } };
  return account;
}

/**
 * A cluster `big` of `count` services (svc-0001 …) on a few roomy instances, for listing at scale:
 * every tenth one asks for more copies of a fixed host port than there are instances, so it is
 * not steady (as a real cluster usually has a few).
 */
export function bigClusterAccount(count: number): AccountSeed {
  const account = testAccount();
  account.roles.push(
    ...(['read', 'operate', 'admin'] as const).map((level) => ({
      arn: `arn:aws:iam::${account.accountId}:role/chatops-big-${level}`,
      level,
      clusters: ['big'],
    })),
  );
  account.taskDefinitions.push(
    {
      family: 'tiny',
      containerDefinitions: [{ name: 'app', image: 'example/tiny:1', cpu: 8, memory: 16, essential: true }],
    },
    {
      family: 'tiny-port',
      containerDefinitions: [
        {
          name: 'app',
          image: 'example/tiny:1',
          cpu: 8,
          memory: 16,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 8080 }],
        },
      ],
    },
  );
  const services: ServiceSeed[] = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    services.push(
      i % 10 === 0
        ? { name, taskDefinition: 'tiny-port', desiredCount: 5 }
        : { name, taskDefinition: 'tiny', desiredCount: 1 },
    );
  }
  account.clusters.push({
    name: 'big',
    instances: Array.from({ length: 4 }, () => ({ instanceType: 'm5.4xlarge', cpu: 16384, memory: 65536 })),
    services,
  });
  return account;
}
