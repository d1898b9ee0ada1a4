import { type ServiceDeploymentOps } from './service-deployments';
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
  capacityProviderStrategy?: CapacityProviderItem[];
  platformVersion?: string;
  network?: AwsVpcNetwork;
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt?: number;
  /** The ARN of its newest service deployment (Service.currentServiceDeployment). */
  currentServiceDeployment?: string;
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
  /**
   * Every service of the cluster, slimmed to what a list shows: ListServices 100 a page, and
   * each page's DescribeServices (10 names a call) started as soon as the page arrives.
   */
  summaries(): Promise<ServiceSummary[]>;
  /** UpdateService forceNewDeployment: new tasks replace the old ones, same revision. */
  restart(name: string): Promise<ServiceDetail>;
  /** UpdateService taskDefinition (`family:revision`). */
  deploy(name: string, taskDefinition: string): Promise<ServiceDetail>;
  /** CreateService on the EC2 launch type; a name already taken is a sentence that says what to do instead. */
  create(name: string, taskDefinition: string, desiredCount: number, launch?: LaunchSpec): Promise<ServiceDetail>;
}

/** One line of `services`: the counts and the rollout, without the events. */
export interface ServiceSummary {
  name: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition: string; // family:revision
  deployments: number;
  /** The PRIMARY deployment's rollout state (IN_PROGRESS | COMPLETED | FAILED), when ECS gives one. */
  rolloutState?: string;
  /** Running = desired, nothing pending, one deployment, and that one not failed. */
  steady: boolean;
}

/** What a revision registered for a new image is, and what it came from. */
export interface ImageRevision {
  from: string; // family:revision
  to: string; // family:revision
  container: string;
  previousImage: string;
  image: string;
}

/** Task definition revisions as a deploy or rollback needs them (src/aws/deployments.ts). */
export interface DeploymentOps {
  /** `family` or `family:revision` → the ACTIVE revision it names (`family` = the latest); NotFoundError otherwise. */
  resolve(ref: string): Promise<string>;
  /** The newest ACTIVE revision of the same family below this one, if any. */
  previousRevision(taskDefinition: string): Promise<string | undefined>;
  /**
   * DescribeTaskDefinition of `taskDefinition` → RegisterTaskDefinition of a new revision with
   * `image` in the named container (or the only one), everything else carried over.
   */
  registerWithImage(taskDefinition: string, image: string, container?: string): Promise<ImageRevision>;
}

export interface TaskDefinitionPorts {
  taskDefinition: string;
  /** Fixed host ports (hostPort > 0) of its containers: what makes two copies collide on one instance. */
  fixedHostPorts: number[];
}

export interface TaskDefinitionOps {
  ports(taskDefinition: string): Promise<TaskDefinitionPorts>;
  /** Families with an ACTIVE revision (ListTaskDefinitionFamilies, 100 a page), sorted. */
  families(): Promise<string[]>;
  /** Every revision of a family, newest first, ACTIVE and INACTIVE; NotFoundError with "did you mean" when it has none. */
  revisions(family: string): Promise<TaskDefinitionRevision[]>;
  /** DescribeTaskDefinition (a family alone = its latest ACTIVE revision); NotFoundError saying what exists. */
  describe(ref: string): Promise<TaskDefinitionDetail>;
}

// ---- task definitions, ECR and container logs (src/aws/task-definitions.ts, ecr.ts, logs.ts) ----

export interface TaskDefinitionRevision {
  /** family:revision */
  taskDefinition: string;
  family: string;
  revision: number;
  /** ACTIVE | INACTIVE | DELETE_IN_PROGRESS */
  status: string;
}

export interface PortMappingInfo {
  containerPort?: number;
  /** 0 or absent = a dynamic host port. */
  hostPort?: number;
  protocol?: string;
  /** Two copies of the task cannot share an instance (a fixed host port in bridge mode, or host networking). */
  fixedOnHost: boolean;
}

/** The awslogs driver's settings, or just the driver's name for any other. */
export interface ContainerLogConfig {
  driver: string;
  group?: string;
  region?: string;
  streamPrefix?: string;
}

export interface ContainerDefinitionInfo {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential: boolean;
  ports: PortMappingInfo[];
  log?: ContainerLogConfig;
  /** Names only: values may be secrets. */
  environmentNames: string[];
  /** Secrets from Secrets Manager or SSM, by the variable name they fill. */
  secretNames: string[];
}

export interface TaskDefinitionDetail extends TaskDefinitionRevision {
  arn: string;
  /** Task-level CPU units and MiB, as ECS keeps them (strings). */
  cpu?: string;
  memory?: string;
  networkMode: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  requiresCompatibilities: string[];
  registeredAt?: number;
  deregisteredAt?: number;
  containers: ContainerDefinitionInfo[];
}

export interface RepositorySummary {
  name: string;
  uri: string;
  createdAt?: number;
}

export interface EcrOps {
  /** Every repository of the cluster's account and region (DescribeRepositories, 1000 a page), by name. */
  repositories(): Promise<RepositorySummary[]>;
  /** How many images each named repository holds (ListImages, counted by digest). */
  imageCounts(names: string[]): Promise<Map<string, number>>;
  /** Every image of a repository, newest push first (DescribeImages, 1000 a page); NotFoundError with "did you mean". */
  images(repository: string): Promise<ImageInfo[]>;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** What one container of a task logged, or why there is nothing to read. */
export type ContainerLogs =
  | { container: string; kind: 'events'; group: string; stream: string; region: string; events: LogEvent[] }
  /** The awslogs settings are there but the stream (or group) is not: the container never started, or nothing was written yet. */
  | { container: string; kind: 'no-stream'; group: string; stream: string; region: string; missing: 'group' | 'stream' }
  /** awslogs without awslogs-stream-prefix: on EC2 the stream is named by the Docker container id, which ECS does not report. */
  | { container: string; kind: 'no-prefix'; group: string; region: string }
  | { container: string; kind: 'not-awslogs'; driver?: string };

export interface LogOps {
  /**
   * The newest `lines` events (GetLogEvents, startFromHead false) of each container of a task
   * that logs through awslogs, read in the awslogs-region with the cluster's role.
   */
  forTask(taskId: string, taskDefinition: TaskDefinitionDetail, lines: number): Promise<ContainerLogs[]>;
}

export interface InstanceOps {
  /** How many container instances the cluster has (ACTIVE). */
  count(): Promise<number>;
  /** Every registered (ACTIVE or DRAINING) container instance: ListContainerInstances + DescribeContainerInstances, 100 at a time. */
  list(): Promise<ContainerInstanceInfo[]>;
  /** One container instance by its id (or a unique prefix), ARN or EC2 instance id; NotFoundError listing those that exist. */
  find(ref: string): Promise<ContainerInstanceInfo>;
  /**
   * The whole container instance id a reference names, with at most one call, so that work on it
   * can start early: a whole id (or an ARN of this cluster) as it is, an EC2 id through
   * ListContainerInstances filtered by ec2InstanceId; undefined for the start of an id or when
   * nothing matches (`find` then says what exists).
   */
  resolveId(ref: string): Promise<string | undefined>;
  /** EC2 DescribeInstances for the instance behind a container instance; undefined when EC2 does not know it. */
  ec2(instanceId: string): Promise<Ec2InstanceDetail | undefined>;
}

// ---- clusters, container instances and tasks (src/aws/clusters.ts, instances.ts, tasks.ts) ----

export interface ClusterSummary {
  name: string;
  arn: string;
  /** ACTIVE | PROVISIONING | DEPROVISIONING | FAILED | INACTIVE */
  status: string;
  activeServices: number;
  runningTasks: number;
  pendingTasks: number;
  registeredInstances: number;
  /** FARGATE, FARGATE_SPOT or Auto Scaling group providers associated with the cluster. */
  capacityProviders?: string[];
  /** What RunTask and CreateService use when given neither a launch type nor a strategy. */
  defaultStrategy?: CapacityProviderItem[];
}

export interface CapacityProviderItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

/** awsvpc networking of a task or service. */
export interface AwsVpcNetwork {
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

/** How RunTask / CreateService launch: a launch type or a capacity provider strategy, and awsvpc networking. */
export interface LaunchSpec {
  launchType?: 'EC2' | 'FARGATE';
  capacityProviderStrategy?: CapacityProviderItem[];
  network?: AwsVpcNetwork;
}

/** The ECS cluster resource itself. */
export interface EcsClusterOps {
  /** This cluster (DescribeClusters); ClusterNotFound as a sentence when ECS does not have it. */
  describe(): Promise<ClusterSummary>;
  /** Any cluster of this account and region by name; undefined when ECS has no ACTIVE one. */
  find(name: string): Promise<ClusterSummary | undefined>;
  /** CreateCluster (idempotent in ECS: an ACTIVE cluster of that name comes back as it is). */
  create(name: string): Promise<ClusterSummary>;
}

export interface ContainerInstanceInfo {
  id: string;
  arn: string;
  ec2InstanceId?: string;
  /** ACTIVE | DRAINING | INACTIVE | REGISTERING | … */
  status: string;
  agentConnected: boolean;
  instanceType?: string;
  availabilityZone?: string;
  runningTasks: number;
  pendingTasks: number;
  /** CPU units and MiB: registered, and what tasks have not reserved. */
  registeredCpu: number;
  remainingCpu: number;
  registeredMemory: number;
  remainingMemory: number;
  agentVersion?: string;
  registeredAt?: number;
}

export interface Ec2InstanceDetail {
  id: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  type?: string;
  publicDnsName?: string;
  privateDnsName?: string;
  privateIp?: string;
  publicIp?: string;
  launchTime?: number;
  availabilityZone?: string;
}

export interface ContainerState {
  name: string;
  image?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

export interface TaskInfo {
  id: string;
  arn: string;
  /** family:revision */
  taskDefinition: string;
  /** `service:web`, `family:migrate`, … */
  group?: string;
  /** The service it belongs to (from its group). */
  service?: string;
  lastStatus: string;
  desiredStatus: string;
  containerInstanceId?: string;
  startedBy?: string;
  createdAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
  /** EC2 | FARGATE | EXTERNAL */
  launchType?: string;
  capacityProvider?: string;
  platformVersion?: string;
  /** awsvpc tasks: their ENI, private IP and subnet. */
  eniId?: string;
  privateIp?: string;
  subnetId?: string;
  /** Task-level CPU units and MiB as ECS reports them; Fargate tasks' ephemeral storage. */
  cpu?: string;
  memory?: string;
  ephemeralStorageGiB?: number;
}

export interface TaskFilter {
  service?: string;
  /** STOPPED tasks (ECS keeps them about an hour) instead of running and pending ones. */
  stopped?: boolean;
  /** Only tasks on this container instance (id or ARN). */
  containerInstance?: string;
}

/** What RunTask / StartTask started, and ECS's `failures` (reason RESOURCE:PORTS, MISSING, …). */
export interface TaskLaunch {
  tasks: TaskInfo[];
  failures: { reason: string; detail?: string; arn?: string }[];
}

export interface TaskOps {
  /** ListTasks (100 a page) + DescribeTasks (100 at a time, a few calls at once). */
  list(filter?: TaskFilter): Promise<TaskInfo[]>;
  /** One task by id, unique id prefix or ARN, running or recently stopped; NotFoundError otherwise. */
  describe(ref: string): Promise<TaskInfo>;
  /** RunTask on the EC2 launch type. */
  run(input: { taskDefinition: string; count: number; startedBy: string; launch?: LaunchSpec }): Promise<TaskLaunch>;
  /** StartTask on one container instance (its id or ARN). */
  start(input: { taskDefinition: string; containerInstance: string; startedBy: string }): Promise<TaskLaunch>;
  /** StopTask; returns the task as ECS reports it after the call. */
  stop(id: string, reason: string): Promise<TaskInfo>;
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
  /** ECR repositories and images of the cluster's account and region (src/aws/ecr.ts). */
  readonly ecr: EcrOps;
  /** CloudWatch Logs of containers that use the awslogs driver (src/aws/logs.ts). */
  readonly logs: LogOps;
  /** The cluster itself: describe, create (src/aws/clusters.ts). */
  readonly clusters: EcsClusterOps;
  /** Tasks: list, describe, run, start, stop (src/aws/tasks.ts). */
  readonly tasks: TaskOps;
  /** Task definition revisions for deploy and rollback (src/aws/deployments.ts). */
  readonly deployments: DeploymentOps;
  /** Service deployments: list, describe, roll back, continue (src/aws/service-deployments.ts). */
  readonly serviceDeployments: ServiceDeploymentOps;
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
  /** ACTIVE and DRAINING services (INACTIVE ones are gone; DRAINING ones found through their stopping tasks). */
  services: { name: string; status: string; desired: number; running: number }[];
  /** Tasks being stopped (desiredStatus STOPPED) that have not reached STOPPED yet. */
  stoppingTasks: number;
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
  /**
   * What a delete still waits for: of the named services (and any whose tasks are still
   * stopping), those not yet INACTIVE, and the tasks not yet STOPPED — in the whole cluster (what
   * DeleteCluster would refuse over), or of one service with `scope.service`. Never ListServices,
   * which hides DRAINING services.
   */
  drainState(services: string[], scope?: { service?: string }): Promise<{ services: string[]; tasks: number }>;
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
