import type { AccountSeed, RoleSeed } from '../src/sandbox/seed';
import { testConfig, USERGROUPS, USERS } from './config';
import { ACCOUNT_ID, REGION, roleArn } from './accounts';
import type { Config } from '../src/config/schema';

/**
 * An account for `/ecs audit`: `shop` breaks every best-practice rule once, `tidy` breaks none.
 * shop (tag env=prod): two instances, both in us-east-1a, one with SSH open to the world, IMDSv1 and
 * an old agent; `web` (3 tasks on fixed host port 8080, nginx:latest, DB_PASSWORD in plain
 * environment), `worker-staging` (awsvpc in one subnet whose group opens PostgreSQL to ::/0, an
 * untagged image with only a soft memory limit, one task); no circuit breaker anywhere.
 * tidy: two instances in two zones, `api` with two tasks, a pinned image, a memory limit, its
 * secret through `secrets`, the circuit breaker on.
 */

export const DB_PASSWORD_VALUE = 'hunter2-never-shown';
const REGISTRY = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`;
const PRIVATE_A = 'subnet-0a1f3c5e7b9d2e401';

function rolesFor(cluster: string, readActions?: string[]): RoleSeed[] {
  return (['read', 'operate', 'admin'] as const).map((level) => ({
    arn: roleArn(cluster, level),
    level,
    clusters: [cluster],
    ...(level === 'read' && readActions ? { actions: readActions } : {}),
  }));
}

export function auditAccount(options: { shopReadActions?: string[] } = {}): AccountSeed {
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    roles: [...rolesFor('shop', options.shopReadActions), ...rolesFor('tidy')],
    securityGroups: [
      {
        name: 'ssh-anywhere',
        ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
      },
      {
        name: 'db-open',
        ingress: [
          { protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv6: '::/0' },
          // HTTPS from anywhere is what a public endpoint needs: not a finding.
          { protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' },
        ],
      },
      { name: 'internal', ingress: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '10.0.0.0/8' }] },
    ],
    taskDefinitions: [
      {
        family: 'shop-web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'nginx:latest',
            cpu: 128,
            memory: 256,
            essential: true,
            portMappings: [{ containerPort: 80, hostPort: 8080 }],
            environment: [
              { name: 'DB_PASSWORD', value: DB_PASSWORD_VALUE },
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'CACHE_KEY_PREFIX', value: 'shop' },
            ],
          },
        ],
      },
      {
        family: 'shop-worker',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'worker', image: `${REGISTRY}/worker`, cpu: 128, memoryReservation: 128, essential: true },
        ],
      },
      {
        family: 'tidy-api',
        containerDefinitions: [
          {
            name: 'api',
            image: `${REGISTRY}/api:1.4.2`,
            cpu: 128,
            memory: 256,
            essential: true,
            portMappings: [{ containerPort: 8080, hostPort: 0 }],
            secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/tidy/db` }],
          },
        ],
      },
    ],
    clusters: [
      {
        name: 'shop',
        tags: [{ key: 'env', value: 'prod' }],
        instances: [
          {
            instanceType: 't3.large',
            availabilityZone: `${REGION}a`,
            securityGroups: ['default', 'ssh-anywhere'],
            httpTokens: 'optional',
            agentVersion: '1.82.0',
          },
          { instanceType: 't3.large', availabilityZone: `${REGION}a` },
        ],
        services: [
          { name: 'web', taskDefinition: 'shop-web', desiredCount: 3 },
          {
            name: 'worker-staging',
            taskDefinition: 'shop-worker',
            desiredCount: 1,
            networkConfiguration: {
              awsvpcConfiguration: { subnets: [PRIVATE_A], securityGroups: ['db-open'] },
            },
          },
        ],
      },
      {
        name: 'tidy',
        tags: [{ key: 'env', value: 'prod' }],
        instances: [
          { instanceType: 't3.large', availabilityZone: `${REGION}a`, securityGroups: ['internal'] },
          { instanceType: 't3.large', availabilityZone: `${REGION}b`, securityGroups: ['internal'] },
        ],
        services: [
          {
            name: 'api',
            taskDefinition: 'tidy-api',
            desiredCount: 2,
            deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
          },
        ],
      },
    ],
  };
}

/** alice (team web) reads shop and tidy; rita (readers) reads tidy only; #web's default is shop. */
export function auditConfig(): Config {
  const roles = (c: string) =>
    `{ read: ${roleArn(c, 'read')}, operate: ${roleArn(c, 'operate')}, admin: ${roleArn(c, 'admin')} }`;
  return testConfig(`
clusters:
  shop: { name: shop, region: ${REGION}, roles: ${roles('shop')} }
  tidy: { name: tidy, region: ${REGION}, roles: ${roles('tidy')} }
teams:
  web:
    usergroups: [${Object.keys(USERGROUPS)[0]}]
    access: { shop: read, tidy: read }
  readers:
    users: [${USERS.rita}]
    access: { tidy: read }
channels:
  C0WEB: { cluster: shop }
`);
}

export { PRIVATE_A };
