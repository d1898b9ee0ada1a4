import type { AccountSeed } from '../src/sandbox/seed';
import { type Config } from '../src/config/schema';
import { roleArn, testAccount } from './accounts';
import { testConfig } from './config';

export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/**
 * testAccount() plus what the task verbs need:
 * - `hog` on prod: a service whose essential container is OOM-killed (exit 137) a minute after it
 *   starts, so prod has recently stopped tasks when the sandbox starts; its task also has a
 *   non-essential `sidecar`;
 * - `migrate`: a one-off job family for `run` and `start`.
 */
export function tasksAccount(): AccountSeed {
  const account = testAccount();
  account.taskDefinitions.push(
    {
      family: 'migrate',
      containerDefinitions: [{ name: 'migrate', image: 'example/migrate:7', cpu: 128, memory: 128, essential: true }],
    },
    {
      family: 'hog',
      containerDefinitions: [
        { name: 'hog', image: 'example/hog:2', cpu: 128, memory: 256, essential: true },
        { name: 'sidecar', image: 'example/sidecar:1', cpu: 32, memory: 64, essential: false },
      ],
    },
  );
  account.behaviours = {
    ...account.behaviours,
    hog: { crash: { afterMs: 60_000, exitCode: 137, reason: OOM_REASON } },
  };
  account.clusters
    .find((c) => c.name === 'prod')!
    .services!.push({ name: 'hog', taskDefinition: 'hog', desiredCount: 1 });
  return account;
}

/**
 * testAccount() plus a cluster `busy` running `count` tasks (services of 500 tasks each) on a few
 * roomy instances, for listing tasks at scale; alice (team web) may operate it.
 */
export function busyClusterAccount(count: number): AccountSeed {
  const account = testAccount();
  account.roles.push(
    ...(['read', 'operate', 'admin'] as const).map((level) => ({
      arn: roleArn('busy', level),
      level,
      clusters: ['busy'],
    })),
  );
  account.taskDefinitions.push({
    family: 'speck',
    containerDefinitions: [{ name: 'app', image: 'example/speck:1', cpu: 1, memory: 1, essential: true }],
  });
  const services = [];
  for (let left = count, i = 1; left > 0; left -= 500, i += 1) {
    services.push({
      name: `batch-${String(i).padStart(2, '0')}`,
      taskDefinition: 'speck',
      desiredCount: Math.min(500, left),
    });
  }
  account.clusters.push({
    name: 'busy',
    instances: Array.from({ length: 5 }, () => ({ instanceType: 'm5.xlarge', cpu: 100_000, memory: 100_000 })),
    services,
  });
  return account;
}

/** testConfig() with the `busy` cluster, operated by team web. */
export function busyClusterConfig(): Config {
  const config = testConfig();
  config.clusters.busy = {
    name: 'busy',
    region: 'us-east-1',
    roles: { read: roleArn('busy', 'read'), operate: roleArn('busy', 'operate'), admin: roleArn('busy', 'admin') },
    ecrRepositories: [],
  };
  config.teams.web!.access.busy = 'operate';
  return config;
}
