import type {
  AwsVpcConfiguration,
  Compatibility,
  ContainerDefinition,
  DeploymentConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskDefinitionPlacementConstraint,
  TaskOverride,
} from '@aws-sdk/client-ecs';
import type { EniRecord } from './vpc';

/** A service's load balancer entry: the target group, and the container and port it sends to. */
export interface ServiceLoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

/** One item of a capacity provider strategy, with ECS's defaults filled in. */
export interface StrategyItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

/** The sandbox's own state. Times are epoch milliseconds; rendering turns them into wire shapes. */

export type TaskStatus =
  'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';
export type StopCode =
  | 'TaskFailedToStart'
  | 'EssentialContainerExited'
  | 'UserInitiated'
  | 'ServiceSchedulerInitiated'
  | 'SpotInterruption'
  | 'TerminationNotice';

export interface ClusterRecord {
  name: string;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  tags: Tag[];
  services: Map<string, ServiceRecord>;
  /** Every task still visible (STOPPED ones until they expire), by task id, in creation order. */
  tasks: Map<string, TaskRecord>;
  instances: Map<string, ContainerInstanceRecord>;
  /** FARGATE and/or FARGATE_SPOT when associated (CreateCluster, PutClusterCapacityProviders). */
  capacityProviders: string[];
  /** Used by RunTask and CreateService when they name neither a launch type nor a strategy. */
  defaultStrategy: StrategyItem[];
  updatedAt?: number;
  /** Services that want more tasks than they have: retried when capacity frees up. */
  unsatisfied: Set<ServiceRecord>;
  pendingTasksCount: number;
  runningTasksCount: number;
}

export interface TaskDefinitionRecord {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  containerDefinitions: ContainerDefinition[];
  cpu?: string;
  memory?: string;
  networkMode: 'bridge' | 'host' | 'awsvpc' | 'none';
  taskRoleArn?: string;
  executionRoleArn?: string;
  requiresCompatibilities: Compatibility[];
  placementConstraints: TaskDefinitionPlacementConstraint[];
  registeredAt: number;
  registeredBy?: string;
  deregisteredAt?: number;
  tags: Tag[];
  /** What a task of this definition reserves on a container instance. */
  needs: { cpu: number; memory: number; hostPorts: number[] };
}

export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: TaskDefinitionRecord;
  desiredCount: number;
  /**
   * Tasks in a row that failed to reach RUNNING; 0 and no longer counted once a task of the
   * deployment has run (Deployment.failedTasks, ECS API Reference).
   */
  failedTasks: number;
  /** A task of this deployment reached RUNNING: failures are no longer counted. */
  hasRunningTask: boolean;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceRecord {
  name: string;
  arn: string;
  cluster: ClusterRecord;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: TaskDefinitionRecord;
  deploymentConfiguration: Required<Pick<DeploymentConfiguration, 'maximumPercent' | 'minimumHealthyPercent'>> & {
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  } & Pick<DeploymentConfiguration, 'strategy' | 'lifecycleHooks' | 'alarms' | 'bakeTimeInMinutes'>;
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
  /** PRIMARY first, then older ACTIVE ones. */
  deployments: DeploymentRecord[];
  /** Newest first, at most 100 (as ECS keeps). */
  events: ServiceEventRecord[];
  createdAt: number;
  createdBy?: string;
  tags: Tag[];
  /** Tasks not yet STOPPED. */
  tasks: Set<TaskRecord>;
  steady: boolean;
  /** The last placement-failure message, to suppress duplicates the way ECS does (6 hours). */
  lastPlacementFailure?: { message: string; at: number };
  /** Crashes in a row, for the restart back-off. */
  consecutiveFailures: number;
  lastFailureAt: number;
  /** The scheduler waits until then before replacing crashed tasks. */
  restartNotBefore: number;
  /** A scheduler wake-up already queued for the back-off's end. */
  wakeAt?: number;
  /** The last deployment that completed: what a circuit breaker rolls back to. */
  lastGoodDeployment?: { id: string; taskDefinition: TaskDefinitionRecord };
  /** How its tasks launch: EC2 (instances, placement) or Fargate, by a capacity provider strategy or not. */
  launch: ServiceLaunch;
  /** ELBv2 target groups its tasks register with (world/load-balancing.ts). */
  loadBalancers?: ServiceLoadBalancer[];
}

export interface ServiceLaunch {
  launchType: 'EC2' | 'FARGATE';
  /** Set when the service was created with a strategy (its own or the cluster's default). */
  strategy?: StrategyItem[];
  awsvpc?: AwsVpcConfiguration;
}

export interface ContainerRecord {
  arn: string;
  name: string;
  image: string;
  essential: boolean;
  lastStatus: TaskStatus;
  exitCode?: number;
  reason?: string;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
  /** SIGTERM → SIGKILL: the container definition's stopTimeout, or the agent's default. */
  stopTimeoutMs: number;
  runtimeId?: string;
  networkBindings: { bindIP: string; containerPort: number; hostPort: number; protocol: 'tcp' | 'udp' }[];
}

export interface TaskRecord {
  id: string;
  arn: string;
  cluster: ClusterRecord;
  taskDefinition: TaskDefinitionRecord;
  instance?: ContainerInstanceRecord;
  service?: ServiceRecord;
  deploymentId?: string;
  group: string;
  startedBy?: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: 'EC2' | 'FARGATE';
  /** FARGATE or FARGATE_SPOT when launched by a capacity provider strategy. */
  capacityProviderName?: string;
  /** Fargate tasks: the platform version they run on. */
  platformVersion?: string;
  /** awsvpc tasks: their elastic network interface (released when the task stops). */
  eni?: EniRecord;
  /** Why the task stops before its containers start (its ENI could not be created). */
  initFailure?: string;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: StopCode;
  stoppedReason?: string;
  containers: ContainerRecord[];
  overrides: TaskOverride;
  tags: Tag[];
  availabilityZone: string;
  /** What it holds on its instance: released when it stops. */
  reserved: { cpu: number; memory: number; ports: number[] };
  /** Its container instance was deregistered with force: ECS no longer monitors or counts it. */
  orphaned?: boolean;
  /** Bumped on every state change, as the `version` of Task State Change events. */
  version: number;
  updatedAt: number;
}

export interface ContainerInstanceRecord {
  id: string;
  arn: string;
  cluster: ClusterRecord;
  ec2: Ec2InstanceRecord;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  agentConnected: boolean;
  registeredCpu: number;
  registeredMemory: number;
  usedCpu: number;
  usedMemory: number;
  /** Host ports (tcp) taken by tasks, beyond the agent's reserved ones. */
  usedPorts: Set<number>;
  /** Tasks placed here and not yet STOPPED. */
  tasks: Set<TaskRecord>;
  registeredAt: number;
  /** The ECS agent's version (DescribeContainerInstances versionInfo.agentVersion). */
  agentVersion: string;
  version: number;
  updatedAt: number;
}

export type Ec2State = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Ec2InstanceRecord {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  state: Ec2State;
  stateTransitionReason: string;
  launchTime: number;
  availabilityZone: string;
  privateIpAddress: string;
  publicIpAddress: string;
  privateDnsName: string;
  publicDnsName: string;
  tags: Record<string, string>;
  /** Security group ids (DescribeInstances groupSet); the VPC's default group unless launched with others. */
  securityGroups: string[];
  /** Instance metadata: `required` = IMDSv2 only, `optional` = IMDSv1 answers too (MetadataOptions.HttpTokens). */
  httpTokens: 'required' | 'optional';
  /** The ECS cluster this instance joined, for IAM scoping of TerminateInstances. */
  clusterName?: string;
  containerInstance?: ContainerInstanceRecord;
}
