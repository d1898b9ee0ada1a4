import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type Ec2Module = typeof import('@aws-sdk/client-ec2');
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type EcrModule = typeof import('@aws-sdk/client-ecr');
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type LogsModule = typeof import('@aws-sdk/client-cloudwatch-logs');
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type ElbModule = typeof import('@aws-sdk/client-elastic-load-balancing-v2');

/** A client together with its module, whose commands and paginators go with it. */
export interface Loaded<M, C> {
  m: M;
  client: C;
}

/**
 * The SDK clients of one ClusterOps (one cluster, one role), each made the first time it is
 * needed and then kept. EC2, ECR and CloudWatch Logs are also loaded then (a dynamic import):
 * large modules most jobs never use, which would otherwise be evaluated at the worker's cold start.
 */
export interface AwsClients {
  ecs(): ECSClient;
  ec2(): Promise<Loaded<Ec2Module, InstanceType<Ec2Module['EC2Client']>>>;
  ecr(): Promise<Loaded<EcrModule, InstanceType<EcrModule['ECRClient']>>>;
  /** CloudWatch Logs in `region`: a container's awslogs-region picks the client, on the cluster's role. */
  logs(region: string): Promise<Loaded<LogsModule, InstanceType<LogsModule['CloudWatchLogsClient']>>>;
  /** Elastic Load Balancing v2 (target groups and their health), for `why`. */
  elbv2(): Promise<Loaded<ElbModule, InstanceType<ElbModule['ElasticLoadBalancingV2Client']>>>;
}

/** `config` (region, credentials, endpoint, retries) is shared by every client. */
export function createAwsClients(config: ECSClientConfig & { region: string }): AwsClients {
  let ecs: ECSClient | undefined;
  let ec2: ReturnType<AwsClients['ec2']> | undefined;
  let ecr: ReturnType<AwsClients['ecr']> | undefined;
  let logsModule: Promise<LogsModule> | undefined;
  let elbv2: ReturnType<AwsClients['elbv2']> | undefined;
  const logsByRegion = new Map<string, ReturnType<AwsClients['logs']>>();
  return {
    ecs: () => (ecs ??= new ECSClient(config)),
    ec2: () => (ec2 ??= import('@aws-sdk/client-ec2').then((m) => ({ m, client: new m.EC2Client(config) }))),
    ecr: () => (ecr ??= import('@aws-sdk/client-ecr').then((m) => ({ m, client: new m.ECRClient(config) }))),
    elbv2: () =>
      (elbv2 ??= import('@aws-sdk/client-elastic-load-balancing-v2').then((m) => ({
        m,
        client: new m.ElasticLoadBalancingV2Client(config),
      }))),
    logs(region) {
      let loaded = logsByRegion.get(region);
      if (!loaded) {
        loaded = (logsModule ??= import('@aws-sdk/client-cloudwatch-logs')).then((m) => ({
          m,
          client: new m.CloudWatchLogsClient({ ...config, region }),
        }));
        logsByRegion.set(region, loaded);
      }
      return loaded;
    },
  };
}
