import { ECSClient } from '@aws-sdk/client-ecs';
import { type STSClientConfig } from '@aws-sdk/client-sts';
import { type RetryStrategyV2 } from '@aws-sdk/types';
import { type Config } from '../config/schema';
import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { AccessRefusedError } from '../errors';
import { createRoleCredentials } from './credentials';
import { createServiceOps } from './services';
import { createTaskDefinitionOps } from './task-definitions';
import { createInstanceOps } from './instances';
import { createClusterOps } from './clusters';
import { createTaskOps } from './tasks';
import { createDeploymentOps } from './deployments';
import { createServiceDeploymentOps } from './service-deployments';
import { createTeardownOps } from './teardown';
import { createDeleteOps } from './deletes';
import { createEcrOps } from './ecr';
import { createLogOps } from './logs';
import { type AwsAccess, type ClusterOps } from './types';

export interface AwsAccessOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Endpoint and retry settings for every client; the SDK's own env variables apply otherwise. */
  clientConfig?: { endpoint?: string; maxAttempts?: number; retryStrategy?: RetryStrategyV2 };
  /** STS client settings (endpoint, the bot's own credentials). */
  stsConfig?: STSClientConfig;
}

/**
 * Cluster operations on the credentials of the role configured for exactly that cluster and
 * level. Nothing here uses the bot's own credentials for anything but sts:AssumeRole.
 */
export function createAwsAccess(options: AwsAccessOptions): AwsAccess {
  const credentials = createRoleCredentials({
    clock: options.clock,
    logger: options.logger,
    stsConfig: {
      ...(options.clientConfig?.endpoint ? { endpoint: options.clientConfig.endpoint } : {}),
      ...options.stsConfig,
    },
  });
  const opsCache = new Map<string, ClusterOps>();
  // 30 % of calls throttled must still succeed: six attempts leave 0.3^6 ≈ 0.07 % per call.
  const maxAttempts = options.clientConfig?.maxAttempts ?? 6;

  return {
    async forCluster(request) {
      const cluster = options.config.clusters[request.alias];
      if (!cluster) throw new AccessRefusedError(`There is no cluster \`${request.alias}\` in the config.`);
      const roleArn = cluster.roles[request.level];
      if (!roleArn) {
        throw new AccessRefusedError(
          `*${request.alias}* has no ${request.level} role configured, so nothing that needs ${request.level} can run there. Add \`clusters.${request.alias}.roles.${request.level}\` to the config.`,
        );
      }
      const key = `${roleArn}|${request.user.id}|${request.team}`;
      const cached = opsCache.get(key);
      if (cached) return cached;
      const provider = credentials.provider({
        roleArn,
        region: cluster.region,
        ...(cluster.externalId ? { externalId: cluster.externalId } : {}),
        user: request.user,
        team: request.team,
        alias: request.alias,
        level: request.level,
      });
      const clientConfig = {
        region: cluster.region,
        credentials: provider,
        maxAttempts,
        ...(options.clientConfig?.endpoint ? { endpoint: options.clientConfig.endpoint } : {}),
        // Tests pass the SDK's own strategy with short back-offs; production keeps the default.
        ...(options.clientConfig?.retryStrategy ? { retryStrategy: options.clientConfig.retryStrategy } : {}),
      };
      const ecs = new ECSClient(clientConfig);
      const base = { alias: request.alias, clusterName: cluster.name, region: cluster.region, roleArn };
      const ops: ClusterOps = {
        alias: request.alias,
        clusterName: cluster.name,
        region: cluster.region,
        roleArn,
        services: createServiceOps(ecs, base),
        taskDefinitions: createTaskDefinitionOps(ecs, base),
        instances: createInstanceOps({ ecs, ec2Config: clientConfig }, base),
        ecr: createEcrOps({ ecrConfig: clientConfig }, base),
        // Each container's awslogs-region picks the region of its client.
        logs: createLogOps({ logsConfig: clientConfig }, base),
        clusters: createClusterOps(ecs, base),
        tasks: createTaskOps(ecs, base),
        deployments: createDeploymentOps(ecs, base),
        serviceDeployments: createServiceDeploymentOps(ecs, base),
        teardown: createTeardownOps({ ecs, ec2Config: clientConfig }, base),
        deletes: createDeleteOps({ ecs, ecrConfig: clientConfig }, base),
      };
      opsCache.set(key, ops);
      return ops;
    },
  };
}
