import type {
  CapacityProviderStrategyItem,
  Compatibility,
  NetworkConfiguration,
  ContainerDefinition,
  DeploymentConfiguration,
  PlacementStrategy,
  Tag,
} from '@aws-sdk/client-ecs';
import type { SandboxServiceName } from './types';

/** A secret or SSM parameter a task's execution role may or may not read (world/secrets.ts). */
export interface SecretSeed {
  /** A Secrets Manager secret ARN, or an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME). */
  arn: string;
  /** Execution role ARNs allowed to read it; absent: every role may. */
  readers?: string[];
  /** The secret or parameter does not exist (deleted, or a typo in valueFrom). */
  missing?: boolean;
}

/** What an account starts with. Applied through the same world operations the API uses. */
export interface AccountSeed {
  accountId: string;
  region: string;
  /** The bot's own role: every access key the sandbox did not issue acts as this role. */
  baseRoleArn?: string;
  roles: RoleSeed[];
  /** Registered in order, so the same family twice gives revisions 1 and 2. */
  taskDefinitions: TaskDefinitionSeed[];
  clusters: ClusterSeed[];
  /** Security groups with inbound rules, for instances and awsvpc services to name. */
  securityGroups?: SecurityGroupSeed[];
  /** Subnets of the VPC with few free addresses (AvailableIpAddressCount), e.g. to fill one up. */
  subnets?: { id: string; availableIpAddressCount: number }[];
  /**
   * Long-lived keys that act as a session of a seeded role without AssumeRole — for people
   * pointing the AWS CLI at the sandbox (any other key is the base role, which may only assume roles).
   */
  accessKeys?: StaticAccessKey[];
  /** How tasks of a task-definition family misbehave, keyed by family. */
  behaviours?: Record<string, TaskBehaviour>;
  /** Secrets and SSM parameters task definitions name, and which execution roles may read them (world/secrets.ts). */
  secrets?: SecretSeed[];
  /** Seeds for service modules added later (ECR repositories, log groups), keyed by service. */
  services?: Partial<Record<SandboxServiceName, unknown>>;
}

export interface StaticAccessKey {
  accessKeyId: string;
  roleArn: string;
  /** Default 'cli'. */
  sessionName?: string;
}

export type AccessLevel = 'read' | 'operate' | 'admin';

export interface RoleSeed {
  arn: string;
  level: AccessLevel;
  /** Cluster names this role may touch; '*' = every cluster. */
  clusters: string[] | '*';
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId?: string;
  /**
   * May also create clusters other than its own (ecs:CreateCluster on `cluster/*`, as a platform
   * team's role would be allowed), if its level allows CreateCluster at all.
   */
  createClusters?: boolean;
  /** Replaces the level's preset of allowed actions ('ecs:Describe*', 'ec2:TerminateInstances'). */
  actions?: string[];
  /** IAM's MaxSessionDuration; default 3600. */
  maxSessionDurationSeconds?: number;
  /**
   * Task definition families (IAM wildcards) RegisterTaskDefinition, DeregisterTaskDefinition,
   * RunTask and StartTask may name, as deploy/cluster-roles.yaml scopes them; unset = any.
   */
  taskDefinitionFamilies?: string[];
  /** ECR repositories (IAM wildcards) the role's ECR actions may name; unset = any. */
  repositories?: string[];
}

export interface TaskDefinitionSeed {
  family: string;
  containerDefinitions: ContainerDefinition[];
  cpu?: string;
  memory?: string;
  networkMode?: 'bridge' | 'host' | 'awsvpc' | 'none';
  taskRoleArn?: string;
  executionRoleArn?: string;
  tags?: Tag[];
  /** FARGATE needs awsvpc and a task size Fargate has (e.g. cpu '256', memory '512'). */
  requiresCompatibilities?: Compatibility[];
}

export interface ClusterSeed {
  name: string;
  tags?: Tag[];
  /** Each one is an EC2 instance registered as a container instance. */
  instances?: InstanceSeed[];
  services?: ServiceSeed[];
  /** FARGATE and/or FARGATE_SPOT, and the default strategy (e.g. [{ capacityProvider: 'FARGATE', weight: 1 }]). */
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
}

export interface InstanceSeed {
  /** Default t3.medium. */
  instanceType?: string;
  availabilityZone?: string;
  /** Registered CPU units / MiB; default from the instance type. */
  cpu?: number;
  memory?: number;
  /** Security groups by id or by name (from `securityGroups` of the account); default the VPC's default group. */
  securityGroups?: string[];
  /** Instance metadata tokens; default 'required' (IMDSv2 only, as the ECS-optimised AL2023 AMI launches). */
  httpTokens?: 'required' | 'optional';
  /** The ECS agent's version; default the sandbox's current one. */
  agentVersion?: string;
}

/** A security group of the account's VPC and its inbound rules (applied before the clusters). */
export interface SecurityGroupSeed {
  name: string;
  description?: string;
  ingress?: {
    protocol: string;
    fromPort?: number;
    toPort?: number;
    cidrIpv4?: string;
    cidrIpv6?: string;
    description?: string;
  }[];
}

export interface ServiceSeed {
  name: string;
  /** family, family:revision or ARN. */
  taskDefinition: string;
  desiredCount: number;
  deploymentConfiguration?: DeploymentConfiguration;
  placementStrategy?: PlacementStrategy[];
  launchType?: 'EC2' | 'FARGATE';
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  networkConfiguration?: NetworkConfiguration;
  /** ELBv2 target groups (seeded under `services.elasticloadbalancing`) its tasks register with. */
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
}

export interface TaskBehaviour {
  /** The essential container exits this long after the task reaches RUNNING. */
  crash?: CrashBehaviour;
  /** The task never reaches RUNNING: STOPPED with stopCode TaskFailedToStart (e.g. an image pull error). */
  failToStart?: FailToStartBehaviour;
  /** What the containers do when the agent stops the task (StopTask, scale-in, a deployment); default `{ response: 'exits' }`. */
  sigterm?: SigtermBehaviour;
  /** FARGATE_SPOT tasks of the family are interrupted (SpotInterruption) this long after they start. */
  spotInterruption?: SpotInterruptionBehaviour;
}

/**
 * A stop is `docker stop`: SIGTERM, then SIGKILL once the container's stopTimeout has passed
 * (StopTask in the ECS API Reference). The exit code follows from what the process does:
 * - `exits`: no handler, the signal ends the process after `shutdownMs` (default 0): exit 143 (128 + SIGTERM);
 * - `handles`: a handler shuts down for `shutdownMs` (default 1000) and exits with `exitCode` (default 0);
 * - `ignores`: PID 1 without a handler ignores SIGTERM: SIGKILL at stopTimeout, exit 137 (128 + SIGKILL).
 * Whatever outlasts the stopTimeout is killed: exit 137.
 */
export interface SigtermBehaviour {
  response: 'exits' | 'handles' | 'ignores';
  shutdownMs?: number;
  exitCode?: number;
}

export interface SpotInterruptionBehaviour {
  afterMs: number;
  /** Adds a seeded random 0..jitterMs to afterMs. */
  jitterMs?: number;
  /** Chance that a given Spot task is interrupted at all (default 1). */
  probability?: number;
}

export interface FailToStartBehaviour {
  /** The task's stoppedReason and the container's reason, e.g. 'CannotPullContainerError: …'. */
  reason: string;
  /** Chance that a given task fails (default 1). */
  probability?: number;
}

export interface CrashBehaviour {
  /**
   * Crashes at fixed times besides the ones after each start, in ms from when the sandbox
   * starts (negative: in the seeded history): a running task of the family exits then, so
   * an account can start with a recent crash to look at, and have the next one arrive soon.
   */
  atMs?: number[];
  afterMs: number;
  /** Adds a seeded random 0..jitterMs to afterMs, so tasks do not crash in step. */
  jitterMs?: number;
  exitCode: number;
  /** The container's reason, e.g. 'OutOfMemoryError: Container killed due to memory usage'. */
  reason?: string;
  /** Chance that a given task crashes at all (default 1), drawn from the seeded random. */
  probability?: number;
}
