import type { AccountSeed, RoleSeed } from '../src/sandbox/seed';

export const ACCOUNT_ID = '111111111111';
export const REGION = 'us-east-1';
export const roleArn = (cluster: string, level: 'read' | 'operate' | 'admin') =>
  `arn:aws:iam::${ACCOUNT_ID}:role/chatops-${cluster}-${level}`;

function rolesFor(cluster: string): RoleSeed[] {
  return (['read', 'operate', 'admin'] as const).map((level) => ({
    arn: roleArn(cluster, level),
    level,
    clusters: [cluster],
  }));
}

/**
 * The account the tests run against: `prod` (two instances, `web` on dynamic host ports, `api`)
 * and `staging` (one instance, `web` on fixed host port 80: two copies cannot share it).
 */
export function testAccount(): AccountSeed {
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    roles: [...rolesFor('prod'), ...rolesFor('staging')],
    taskDefinitions: [
      {
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'nginx:1.27',
            cpu: 256,
            memory: 256,
            essential: true,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      },
      {
        family: 'api',
        containerDefinitions: [{ name: 'api', image: 'example/api:1', cpu: 256, memory: 512, essential: true }],
      },
      {
        family: 'web-fixed',
        containerDefinitions: [
          {
            name: 'web',
            image: 'nginx:1.27',
            cpu: 256,
            memory: 256,
            essential: true,
            portMappings: [{ containerPort: 80, hostPort: 80 }],
          },
        ],
      },
    ],
    clusters: [
      {
        name: 'prod',
        instances: [{ instanceType: 't3.large' }, { instanceType: 't3.large' }],
        services: [
          { name: 'web', taskDefinition: 'web', desiredCount: 1 },
          { name: 'api', taskDefinition: 'api', desiredCount: 2 },
        ],
      },
      {
        name: 'staging',
        instances: [{ instanceType: 't3.medium' }],
        services: [{ name: 'web', taskDefinition: 'web-fixed', desiredCount: 1 }],
      },
    ],
  };
}
