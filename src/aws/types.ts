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
  /** What a teardown reads and deletes (src/aws/teardown.ts). */
  readonly teardown: TeardownOps;
  /** The approval-gated deletes: services, task definitions, ECR images and repositories (src/aws/deletes.ts). */
  readonly deletes: DeleteOps;
}

// ---- teardown and the approval-gated deletes ------------------------------------------------

/** Everything that lives in a cluster, as a teardown sees it. */
export interface ClusterInventory {
  /** False when DescribeClusters says INACTIVE or MISSING. */
  active: boolean;
  /** ACTIVE and DRAINING services (INACTIVE ones are gone). */
  services: { name: string; status: string; desired: number; running: number }[];
  /** Running or pending tasks that belong to no service (started by RunTask/StartTask). */
  standaloneTasks: { id: string; taskDefinition: string; lastStatus: string }[];
  /** Container instances that are still registered (not INACTIVE). */
  containerInstances: { id: string; ec2InstanceId?: string; status: string; runningTasks: number }[];
}

export interface Ec2InstanceState {
  id: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  type?: string;
}

export interface TeardownOps {
  inventory(): Promise<ClusterInventory>;
  /** The named EC2 instances that still exist, with their state (unknown ids are left out, not an error). */
  ec2Instances(ids: string[]): Promise<Ec2InstanceState[]>;
  /** Services not yet INACTIVE and tasks not yet STOPPED: what DeleteCluster would refuse over. */
  remaining(): Promise<{ services: string[]; tasks: number }>;
  /** UpdateService to 0, then DeleteService with force; 'gone' when it was already deleted. */
  deleteService(name: string): Promise<'deleted' | 'draining' | 'gone'>;
  stopTask(id: string, reason: string): Promise<'stopped' | 'gone'>;
  deregisterContainerInstance(id: string): Promise<'deregistered' | 'gone'>;
  /** EC2 TerminateInstances for one instance; returns its state after the call. */
  terminateInstance(id: string): Promise<string>;
  deleteCluster(): Promise<'deleted' | 'gone'>;
}

export interface RepositoryInfo {
  name: string;
  uri: string;
  imageCount: number;
}

export interface ImageInfo {
  repository: string;
  digest: string;
  tags: string[];
  sizeBytes?: number;
  pushedAt?: number;
}

export interface TaskDefinitionInfo {
  taskDefinition: string; // family:revision
  status: string; // ACTIVE | INACTIVE | DELETE_IN_PROGRESS
  images: string[];
}

export interface DeleteOps {
  /** The ECR repository, or undefined when it does not exist. */
  repository(name: string): Promise<RepositoryInfo | undefined>;
  /** The image that carries this tag, or undefined. */
  imageByTag(repository: string, tag: string): Promise<ImageInfo | undefined>;
  /** DeleteRepository with force (its images go with it); 'gone' when it did not exist. */
  deleteRepository(name: string): Promise<'deleted' | 'gone'>;
  /** BatchDeleteImage by tag; 'gone' when the tag was not there. */
  deleteImage(repository: string, tag: string): Promise<'deleted' | 'gone'>;
  /** The task definition revision, or undefined when ECS does not know it. */
  taskDefinition(ref: string): Promise<TaskDefinitionInfo | undefined>;
  deregisterTaskDefinition(ref: string): Promise<void>;
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
