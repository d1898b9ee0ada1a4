import type { AccountSeed } from '../src/sandbox/seed';
import { type Config } from '../src/config/schema';
import { roleArn, testAccount } from './accounts';
import { testConfig } from './config';

/** The simulated VPC's subnets and security groups (src/sandbox/world/vpc.ts). */
export const VPC = {
  privateA: 'subnet-0a1f3c5e7b9d2e401',
  privateB: 'subnet-0a1f3c5e7b9d2e402',
  publicA: 'subnet-0b2e4d6f8a0c1b501',
  defaultSg: 'sg-0d3c5b7a9e1f2d601',
  appSg: 'sg-0d3c5b7a9e1f2d602',
} as const;

/**
 * testAccount() plus `fg`, a cluster with no instances whose default capacity provider strategy
 * is FARGATE (FARGATE_SPOT associated too), running `web` (awsvpc, public subnet, public IP);
 * `job`, a Fargate one-off family (0.25 vCPU, 512 MiB), and `batch`, the same for staging (EC2).
 */
export function fargateAccount(): AccountSeed {
  const account = testAccount();
  account.roles.push(
    ...(['read', 'operate', 'admin'] as const).map((level) => ({ arn: roleArn('fg', level), level, clusters: ['fg'] })),
  );
  const fargate = {
    networkMode: 'awsvpc' as const,
    cpu: '256',
    memory: '512',
    requiresCompatibilities: ['FARGATE' as const],
  };
  account.taskDefinitions.push(
    { family: 'job', ...fargate, containerDefinitions: [{ name: 'job', image: 'example/job:4', essential: true }] },
    {
      family: 'batch',
      ...fargate,
      containerDefinitions: [{ name: 'batch', image: 'example/batch:2', essential: true }],
    },
    {
      family: 'site',
      ...fargate,
      containerDefinitions: [
        { name: 'site', image: 'nginx:1.27', essential: true, portMappings: [{ containerPort: 80 }] },
      ],
    },
  );
  account.clusters.push({
    name: 'fg',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    services: [
      {
        name: 'web',
        taskDefinition: 'site',
        desiredCount: 1,
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [VPC.publicA], securityGroups: [VPC.appSg], assignPublicIp: 'ENABLED' },
        },
      },
    ],
  });
  return account;
}

/**
 * testConfig() with `fg` (network: the private subnets, the app security group; it owns `job` and
 * `site`), operated by team web; staging owns `batch` besides what it runs.
 */
export function fargateConfig(): Config {
  const config = testConfig();
  config.clusters.fg = {
    name: 'fg',
    region: 'us-east-1',
    roles: { read: roleArn('fg', 'read'), operate: roleArn('fg', 'operate'), admin: roleArn('fg', 'admin') },
    ecrRepositories: [],
    network: { subnets: [VPC.privateA, VPC.privateB], securityGroups: [VPC.appSg], assignPublicIp: false },
    taskDefinitionFamilies: ['job', 'site'],
  };
  config.clusters.staging!.taskDefinitionFamilies = ['web-fixed', 'batch'];
  config.teams.web!.access.fg = 'operate';
  return config;
}
