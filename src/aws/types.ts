/**
 * Plain data the AWS layer returns (never Slack blocks), and the operations a command may call.
 * Handlers import only these types, so the Slack function's bundle carries no AWS SDK client.
 */

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Deployment {
  id: string;
  status: string; // PRIMARY | ACTIVE | INACTIVE
  rolloutState?: string; // IN_PROGRESS | COMPLETED | FAILED
  rolloutStateReason?: string;
  taskDefinition: string; // family:revision
  desired: number;
  running: number;
  pending: number;
  failed: number;
  createdAt?: number;
  updatedAt?: number;
}

export interface ServiceDetail {
  name: string;
  arn: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition: string; // family:revision
  launchType?: string;
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt?: number;
}

export interface ServiceOps {
  /** Every service name in the cluster (ListServices, 100 a page). */
  listNames(): Promise<string[]>;
  /** One service; NotFoundError naming the cluster and the services that exist. */
  describe(name: string): Promise<ServiceDetail>;
  /** Many services, 10 per DescribeServices call (ECS's limit), a few calls at a time. */
  describeMany(names: string[]): Promise<ServiceDetail[]>;
  /** Sets desiredCount; returns the service as ECS reports it after the update. */
  scale(name: string, desiredCount: number): Promise<ServiceDetail>;
}

export interface TaskDefinitionPorts {
  taskDefinition: string;
  /** Fixed host ports (hostPort > 0) of its containers: what makes two copies collide on one instance. */
  fixedHostPorts: number[];
}

export interface TaskDefinitionOps {
  ports(taskDefinition: string): Promise<TaskDefinitionPorts>;
}

export interface InstanceOps {
  /** How many container instances the cluster has (ACTIVE). */
  count(): Promise<number>;
}

/** Operations on one cluster with the credentials of one role (cluster × level × user). */
export interface ClusterOps {
  readonly alias: string;
  readonly clusterName: string;
  readonly region: string;
  readonly roleArn: string;
  readonly services: ServiceOps;
  readonly taskDefinitions: TaskDefinitionOps;
  readonly instances: InstanceOps;
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
