import { type STSClientConfig } from '@aws-sdk/client-sts';
import { type RetryStrategyV2 } from '@aws-sdk/types';
import { type Config } from '../config/schema';
import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { AccessRefusedError } from '../errors';
import { createAwsClients } from './clients';
import { createRoleCredentials } from './credentials';
import { createBestPracticeOps, type BestPracticeOps } from './best-practice-evidence';
import { createClusterOps, type EcsClusterOps } from './clusters';
import { createEcrOps, type EcrOps } from './ecr';
import { createInstanceOps, type InstanceOps } from './instances';
import { createLogOps, type LogOps } from './logs';
import { createLoadBalancerOps, type LoadBalancerOps } from './load-balancers';
import { createNetworkOps, type NetworkOps } from './network';
import { createServiceOps, type ServiceOps } from './services';
import { createServiceDeploymentOps, type ServiceDeploymentOps } from './service-deployments';
import { createTaskDefinitionOps, type TaskDefinitionOps } from './task-definitions';
import { createTaskOps, type TaskOps } from './tasks';
import { createAutoscalingOps, type AutoscalingOps } from './autoscaling';
import { createMetricOps, type MetricOps } from './metrics';

/** Operations on one cluster with the credentials of one role (cluster × level × user), by AWS resource. */
export interface ClusterOps {
  readonly alias: string;
  readonly clusterName: string;
  readonly region: string;
  readonly roleArn: string;
  /** The cluster itself: describe, create, what is in it, delete (src/aws/clusters.ts). */
  readonly cluster: EcsClusterOps;
  /** Services: list, describe, scale, deploy, create, delete (src/aws/services.ts). */
  readonly services: ServiceOps;
  /** Service deployments: list, describe, roll back, continue (src/aws/service-deployments.ts). */
  readonly serviceDeployments: ServiceDeploymentOps;
  /** Tasks: list, describe, run, start, stop (src/aws/tasks.ts). */
  readonly tasks: TaskOps;
  /** Task definition revisions: read, resolve, register for a new image, deregister (src/aws/task-definitions.ts). */
  readonly taskDefinitions: TaskDefinitionOps;
  /** Container instances and the EC2 instances behind them (src/aws/instances.ts). */
  readonly instances: InstanceOps;
  /** ECR repositories and images of the cluster's account and region (src/aws/ecr.ts). */
  readonly ecr: EcrOps;
  /** CloudWatch Logs of containers that use the awslogs driver (src/aws/logs.ts). */
  readonly logs: LogOps;
  /** The Application Auto Scaling target of a service's desired count (src/aws/autoscaling.ts). */
  readonly autoscaling: AutoscalingOps;
  /** A service's CPU and memory utilisation from CloudWatch (src/aws/metrics.ts). */
  readonly metrics: MetricOps;
  /** ELBv2 target groups and the health of their targets (src/aws/load-balancers.ts). */
  readonly loadBalancers: LoadBalancerOps;
  /** How a subnet reaches the internet and AWS services: route tables, VPC endpoints (src/aws/network.ts). */
  readonly network: NetworkOps;
  /** What `/ecs audit` reads about the cluster, across its resources (src/aws/best-practice-evidence.ts). */
  readonly bestPractice: BestPracticeOps;
}

export interface AwsAccessRequest {
  alias: string;
  level: 'read' | 'operate' | 'admin';
  user: { id: string; name?: string; teamId: string };
  /** The chatops team whose grant is used (a session tag). */
  team: string;
}

/** Hands out cluster operations bound to the assumed role of exactly that cluster and level. */
export interface AwsAccess {
  forCluster(request: AwsAccessRequest): Promise<ClusterOps>;
}

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
      // One lazy client per AWS service for this role; each container's awslogs-region picks its Logs client.
      const clients = createAwsClients(clientConfig);
      const base = { alias: request.alias, clusterName: cluster.name, region: cluster.region, roleArn };
      const taskDefinitions = createTaskDefinitionOps(clients, base);
      const services = createServiceOps(clients, base);
      const tasks = createTaskOps(clients, base, taskDefinitions);
      const instances = createInstanceOps(clients, base);
      const ops: ClusterOps = {
        alias: request.alias,
        clusterName: cluster.name,
        region: cluster.region,
        roleArn,
        cluster: createClusterOps(clients, base, { services, tasks, instances }),
        services,
        serviceDeployments: createServiceDeploymentOps(clients, base),
        tasks,
        taskDefinitions,
        instances,
        ecr: createEcrOps(clients, base),
        logs: createLogOps(clients, base),
        autoscaling: createAutoscalingOps(clients, base),
        metrics: createMetricOps(clients, base),
        loadBalancers: createLoadBalancerOps(clients, base),
        network: createNetworkOps(clients, base),
        bestPractice: createBestPracticeOps(clients, base),
      };
      opsCache.set(key, ops);
      return ops;
    },
  };
}
