import type { AwsVpcConfiguration, CapacityProviderStrategyItem, Tag, TaskOverride } from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import type { SandboxClock } from '../clock';
import { AwsError, clientException, invalidParameter } from '../errors';
import type { EventBus } from '../events';
import { SeededRandom } from '../random';
import type { CrashBehaviour, InstanceSeed, TaskBehaviour } from '../seed';
import type { SandboxTimings } from '../types';
import { createCluster, deleteCluster } from './clusters';
import type { StartCheck, WorldContext } from './context';
import {
  deregisterContainerInstance,
  launchContainerInstance,
  registerContainerInstance,
  terminateEc2Instance,
} from './instances';
import { FARGATE_CAPACITY_UNAVAILABLE, placeTask, type PlacementFailureReason } from './placement';
import type {
  ClusterRecord,
  ContainerInstanceRecord,
  Ec2InstanceRecord,
  ServiceRecord,
  TaskDefinitionRecord,
  TaskRecord,
} from './records';
import { reconcileService } from './scheduler';
import {
  continueServiceDeployment,
  serviceDeploymentsOf,
  stopServiceDeployment,
  type ServiceDeploymentRecord,
} from './service-deployments';
import { TimerQueue } from './timers';
import {
  createService,
  deleteService,
  updateService,
  type CreateServiceInput,
  type UpdateServiceInput,
} from './services';
import {
  deregisterTaskDefinition,
  findTaskDefinition,
  registerTaskDefinition,
  type RegisterTaskDefinitionInput,
} from './task-definitions';
import { launchTask, requestStop } from './tasks';
import { chooseLaunch, putClusterCapacityProviders, requireAwsVpc, type FargateProvider } from './fargate';
import { fargateCapacityAvailable, interruptSpotTask, launchChosen } from './launch';
import { createVpc, freeAddresses, type SecurityGroupRecord, type VpcRecord } from './vpc';
import { noRouteFailure, routesOf } from './routes';
import { watchTargetHealth, type ServiceLoadBalancer, type TargetGroupChecks } from './load-balancing';
import {
  authorizeIngress,
  createSecurityGroup,
  type IngressPermission,
  type SecurityGroupRuleRecord,
} from './security-groups';

export interface WorldOptions {
  accountId: string;
  region: string;
  clock: SandboxClock;
  timings: SandboxTimings;
  /** Share (0–1) of tasks and container instances with ECS's older ids (a UUID, ARN without the cluster); default 0. */
  legacyIdShare?: number;
  /** ListTaskDefinitions ignores `sort` and answers in a scrambled (but repeatable) order; default false. */
  unsortedLists?: boolean;
  seed: number;
  bus: EventBus;
  behaviours?: Record<string, TaskBehaviour>;
  logger?: Logger;
}

export type TaskDefinitionRef = string | TaskDefinitionRecord;

export interface RunTaskInput {
  taskDefinition: TaskDefinitionRef;
  count?: number;
  startedBy?: string;
  group?: string;
  overrides?: TaskOverride;
  tags?: Tag[];
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  awsvpc?: AwsVpcConfiguration;
}

export interface StartTaskInput extends Omit<RunTaskInput, 'count'> {
  containerInstances: string[];
}

export interface TaskLaunchResult {
  tasks: TaskRecord[];
  failures: { arn?: string; reason: PlacementFailureReason | 'MISSING'; detail?: string }[];
}

/** At most this many timers run in one advance: a guard against a runaway simulation. */
const MAX_STEPS_PER_ADVANCE = 2_000_000;

/**
 * The simulated account's state and the operations on it. The API handlers call these same
 * methods, so a test that seeds or inspects through `sandbox.world` sees what the API sees.
 * Every method first brings the world up to the clock's time (running timers and the service
 * scheduler), and after a change delivers the events it caused.
 */
export class SandboxWorld {
  readonly accountId: string;
  readonly region: string;
  /** See WorldOptions.unsortedLists. */
  readonly unsortedLists: boolean;
  private readonly ctx: WorldContext;
  private readonly clock: SandboxClock;
  private readonly logger?: Logger;
  private depth = 0;
  private frozen = false;
  private repositoryNamesOf: () => string[] = () => [];

  constructor(options: WorldOptions) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.unsortedLists = options.unsortedLists ?? false;
    this.clock = options.clock;
    this.logger = options.logger;
    this.ctx = {
      accountId: options.accountId,
      region: options.region,
      now: options.clock.now(),
      timings: options.timings,
      legacyIdShare: options.legacyIdShare ?? 0,
      ids: new SeededRandom(options.seed),
      chance: new SeededRandom(options.seed ^ 0x5bd1e995),
      eventIds: new SeededRandom(options.seed ^ 0x27d4eb2f),
      timers: new TimerQueue(),
      clusters: new Map(),
      taskDefinitions: new Map(),
      ec2Instances: new Map(),
      behaviours: options.behaviours ?? {},
      // Fargate fetches auth, secrets and images through the task's own subnet (world/routes.ts).
      startChecks: [(task) => noRouteFailure(this.ctx, task)],
      dirty: new Set(),
      bus: options.bus,
      vpc: createVpc(options.region),
      unavailableCapacity: new Set(),
    };
  }

  /** Lets a registry (the ECR module) decide whether a container's image can be pulled. */
  setImagePull(pull: (image: string, executionRoleArn?: string) => string | undefined): void {
    this.ctx.imagePull = pull;
  }

  /** Lets Application Auto Scaling keep desired counts within its scalable targets' ranges (scheduler.ts). */
  setDesiredCountBounds(bounds: (service: ServiceRecord) => { min: number; max: number } | undefined): void {
    this.ctx.desiredCountBounds = bounds;
  }

  /**
   * Lets the ELBv2 module judge the targets of its target groups: tasks that fail a health check
   * are replaced (world/load-balancing.ts), including those already running when it is set.
   */
  setTargetGroupChecks(checks: TargetGroupChecks): void {
    this.ctx.targetGroupChecks = checks;
    for (const cluster of this.ctx.clusters.values())
      for (const task of cluster.tasks.values())
        if (task.lastStatus === 'RUNNING') watchTargetHealth(this.ctx, task, requestStop);
  }

  /** The running (or stopping) tasks registered with a target group, each with its load balancer entry. */
  targetsOf(targetGroupArn: string): { task: TaskRecord; lb: ServiceLoadBalancer }[] {
    const out: { task: TaskRecord; lb: ServiceLoadBalancer }[] = [];
    for (const cluster of this.ctx.clusters.values()) {
      for (const service of cluster.services.values()) {
        const lb = service.loadBalancers?.find((l) => l.targetGroupArn === targetGroupArn);
        if (!lb) continue;
        for (const task of service.tasks) if (task.lastStatus !== 'STOPPED') out.push({ task, lb });
      }
    }
    return out;
  }

  /**
   * Takes the NAT gateway route out of a private subnet's route table (it becomes a blackhole, as
   * when the NAT gateway is deleted), or puts it back: Fargate tasks there can then reach nothing
   * outside the VPC but its endpoints.
   */
  setNatRoute(subnetId: string, present: boolean): void {
    const routes = routesOf(this.ctx.vpc);
    if (!routes.privateRouteTables.has(subnetId)) throw new Error(`${subnetId} is not a private subnet of the VPC`);
    if (present) routes.withoutNat.delete(subnetId);
    else routes.withoutNat.add(subnetId);
  }

  /** Leaves `free` addresses in the subnet beyond those its ENIs hold now (a seed's nearly full subnet). */
  setSubnetFreeAddresses(subnetId: string, free: number): void {
    const subnet = this.ctx.vpc.subnets.find((s) => s.id === subnetId);
    if (!subnet) throw new Error(`${subnetId} is not a subnet of the VPC`);
    subnet.size = subnet.size - freeAddresses(this.ctx.vpc, subnet) + Math.max(0, free);
  }

  /** Adds an interface (or gateway) VPC endpoint for a service: 'ecr.dkr', 'ecr.api', 's3', 'secretsmanager', 'ssm', 'logs'. */
  addVpcEndpoint(service: string): void {
    routesOf(this.ctx.vpc).endpoints.add(`com.amazonaws.${this.region}.${service}`);
  }

  /** Lets the registry (the ECR module) say which repositories this account has now. */
  setRepositoryNames(names: () => string[]): void {
    this.repositoryNamesOf = names;
  }

  /** The account's ECR repositories as they are now (created and deleted ones included); none without ECR. */
  repositoryNames(): string[] {
    return this.repositoryNamesOf();
  }

  /** The simulated time the world has reached. */
  get now(): number {
    return this.ctx.now;
  }

  /** Runs everything due up to the clock's time. */
  advance(): void {
    this.change(() => undefined);
  }

  /**
   * Builds history: runs `build` as if at `startMs` (for seeding an account that has been running
   * a while), then plays the world forward to the clock's time.
   */
  replayFrom(startMs: number, build: () => void): void {
    this.ctx.now = Math.min(startMs, this.clock.now());
    this.frozen = true;
    try {
      build();
      this.reconcileDirty();
    } finally {
      this.frozen = false;
    }
    this.advance();
  }

  // ---- reads -------------------------------------------------------------------------------

  clusters(): ClusterRecord[] {
    this.advance();
    return [...this.ctx.clusters.values()];
  }

  /** A cluster by name or ARN, whatever its status. */
  findCluster(ref: string): ClusterRecord | undefined {
    this.advance();
    return this.ctx.clusters.get(lastSegment(ref, 'cluster/'));
  }

  /** An ACTIVE cluster, or ClusterNotFoundException as ECS says it. */
  cluster(ref: string = 'default'): ClusterRecord {
    const cluster = this.findCluster(ref);
    if (!cluster || cluster.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  findService(clusterRef: string, ref: string): ServiceRecord | undefined {
    return this.cluster(clusterRef).services.get(lastSegment(ref, 'service/'));
  }

  service(clusterRef: string, ref: string): ServiceRecord {
    const service = this.findService(clusterRef, ref);
    if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return service;
  }

  findTask(clusterRef: string, ref: string): TaskRecord | undefined {
    return this.cluster(clusterRef).tasks.get(lastSegment(ref, 'task/'));
  }

  findContainerInstance(clusterRef: string, ref: string): ContainerInstanceRecord | undefined {
    return this.cluster(clusterRef).instances.get(lastSegment(ref, 'container-instance/'));
  }

  /** `family`, `family:revision` or ARN. */
  findTaskDefinition(ref: string): TaskDefinitionRecord | undefined {
    this.advance();
    return findTaskDefinition(this.ctx, ref);
  }

  /** family → revisions (index = revision - 1), in registration order. */
  taskDefinitionFamilies(): ReadonlyMap<string, readonly TaskDefinitionRecord[]> {
    this.advance();
    return this.ctx.taskDefinitions;
  }

  ec2Instances(): Ec2InstanceRecord[] {
    this.advance();
    return [...this.ctx.ec2Instances.values()];
  }

  findEc2Instance(id: string): Ec2InstanceRecord | undefined {
    this.advance();
    return this.ctx.ec2Instances.get(id);
  }

  // ---- clusters and instances ----------------------------------------------------------------

  createCluster(
    name: string,
    tags?: Tag[],
    capacity?: { providers: string[]; strategy: CapacityProviderStrategyItem[] },
  ): ClusterRecord {
    return this.change(() => {
      const cluster = createCluster(this.ctx, name, tags);
      if (capacity && (capacity.providers.length > 0 || capacity.strategy.length > 0))
        putClusterCapacityProviders(this.ctx, cluster, capacity.providers, capacity.strategy);
      return cluster;
    });
  }

  putClusterCapacityProviders(
    clusterRef: string,
    providers: string[],
    strategy: CapacityProviderStrategyItem[],
  ): ClusterRecord {
    return this.change(() => putClusterCapacityProviders(this.ctx, this.cluster(clusterRef), providers, strategy));
  }

  /** The simulated VPC (EC2 DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, DescribeNetworkInterfaces). */
  vpc(): VpcRecord {
    this.advance();
    return this.ctx.vpc;
  }

  /** EC2 CreateSecurityGroup in the account's VPC (src/sandbox/world/security-groups.ts). */
  createSecurityGroup(input: { name: string; description: string; vpcId?: string }): SecurityGroupRecord {
    return this.change(() => createSecurityGroup(this.ctx.vpc, input));
  }

  /** EC2 AuthorizeSecurityGroupIngress: the rules added, one per source. */
  authorizeSecurityGroupIngress(groupId: string, permissions: readonly IngressPermission[]): SecurityGroupRuleRecord[] {
    return this.change(() => authorizeIngress(this.ctx.vpc, groupId, permissions));
  }

  /**
   * Takes a Fargate capacity provider's capacity away (or gives it back): while it has none, a task
   * ECS would put on it is not started (RunTask `failures`, a service's "unable to place a task"
   * event); given back, the services that could not place tasks try again.
   */
  setCapacityAvailable(provider: FargateProvider, available: boolean): void {
    this.change(() => {
      if (available) {
        this.ctx.unavailableCapacity.delete(provider);
        for (const cluster of this.ctx.clusters.values())
          for (const service of cluster.unsatisfied) this.ctx.dirty.add(service);
      } else {
        this.ctx.unavailableCapacity.add(provider);
      }
    });
  }

  /** Reclaims Fargate Spot capacity: each named (or every) FARGATE_SPOT task of the cluster gets its two-minute warning. */
  interruptSpotTasks(clusterRef: string, taskIds?: string[]): TaskRecord[] {
    return this.change(() => {
      const cluster = this.cluster(clusterRef);
      const tasks = taskIds
        ? taskIds
            .map((id) => cluster.tasks.get(lastSegment(id, 'task/')))
            .filter((t): t is TaskRecord => t !== undefined)
        : [...cluster.tasks.values()];
      return tasks.filter((t) => interruptSpotTask(this.ctx, t));
    });
  }

  deleteCluster(ref: string): ClusterRecord {
    return this.change(() => deleteCluster(this.ctx, this.cluster(ref)));
  }

  launchContainerInstance(clusterRef: string, seed?: InstanceSeed): ContainerInstanceRecord {
    return this.change(() => launchContainerInstance(this.ctx, this.cluster(clusterRef), seed));
  }

  /**
   * RegisterContainerInstance: the agent of a known EC2 instance joins the cluster; without an
   * instance (the sandbox's shortcut for a CLI user) a new EC2 instance is launched for it.
   */
  registerContainerInstance(
    clusterRef: string,
    input: { ec2InstanceId?: string; instanceType?: string; cpu?: number; memory?: number },
  ): ContainerInstanceRecord {
    return this.change(() => {
      const cluster = this.cluster(clusterRef);
      if (input.ec2InstanceId === undefined)
        return launchContainerInstance(this.ctx, cluster, {
          instanceType: input.instanceType,
          cpu: input.cpu,
          memory: input.memory,
        });
      const ec2 = this.ctx.ec2Instances.get(input.ec2InstanceId);
      if (!ec2) throw invalidParameter('The instance identity document does not name an EC2 instance of this account.');
      const instance = registerContainerInstance(this.ctx, cluster, ec2, { cpu: input.cpu, memory: input.memory });
      for (const waiting of cluster.unsatisfied) this.ctx.dirty.add(waiting);
      return instance;
    });
  }

  deregisterContainerInstance(clusterRef: string, ref: string, force = false): ContainerInstanceRecord {
    return this.change(() => {
      const instance = this.findContainerInstance(clusterRef, ref);
      if (!instance || instance.status === 'INACTIVE')
        throw invalidParameter('The referenced container instance was not found.');
      return deregisterContainerInstance(this.ctx, instance, force);
    });
  }

  /** EC2 TerminateInstances for instances known to exist (the EC2 module checks ids first). */
  terminateEc2Instances(ids: string[]): { instance: Ec2InstanceRecord; previous: Ec2InstanceRecord['state'] }[] {
    return this.change(() =>
      ids.map((id) => {
        const instance = this.ctx.ec2Instances.get(id);
        if (!instance) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
        return { instance, ...terminateEc2Instance(this.ctx, instance) };
      }),
    );
  }

  // ---- task definitions ----------------------------------------------------------------------

  registerTaskDefinition(input: RegisterTaskDefinitionInput): TaskDefinitionRecord {
    return this.change(() => registerTaskDefinition(this.ctx, input));
  }

  deregisterTaskDefinition(ref: string): TaskDefinitionRecord {
    return this.change(() => {
      if (!/:\d+$/.test(ref)) throw clientException('The specified task definition does not include a revision.');
      const td = findTaskDefinition(this.ctx, ref);
      if (!td) throw clientException('The specified task definition does not exist.');
      return deregisterTaskDefinition(this.ctx, td);
    });
  }

  // ---- services ------------------------------------------------------------------------------

  createService(
    clusterRef: string,
    input: Omit<CreateServiceInput, 'taskDefinition' | 'launch'> & {
      taskDefinition: TaskDefinitionRef;
      launchType?: string;
      capacityProviderStrategy?: CapacityProviderStrategyItem[];
      awsvpc?: AwsVpcConfiguration;
    },
  ): ServiceRecord {
    return this.change(() => {
      const cluster = this.cluster(clusterRef);
      const td = this.requireTaskDefinition(input.taskDefinition);
      const choice = chooseLaunch(cluster, td, input.launchType, input.capacityProviderStrategy);
      const awsvpc = requireAwsVpc(td, input.awsvpc);
      const launch =
        choice.launchType === 'EC2'
          ? { launchType: 'EC2' as const, awsvpc }
          : { launchType: 'FARGATE' as const, strategy: choice.strategy, awsvpc };
      return createService(this.ctx, cluster, { ...input, taskDefinition: td, launch });
    });
  }

  updateService(
    clusterRef: string,
    serviceRef: string,
    input: Omit<UpdateServiceInput, 'taskDefinition'> & { taskDefinition?: TaskDefinitionRef },
  ): ServiceRecord {
    return this.change(() => {
      const service = this.service(clusterRef, serviceRef);
      const taskDefinition =
        input.taskDefinition === undefined ? undefined : this.requireTaskDefinition(input.taskDefinition);
      return updateService(this.ctx, service, { ...input, taskDefinition });
    });
  }

  deleteService(clusterRef: string, serviceRef: string, force = false): ServiceRecord {
    return this.change(() => deleteService(this.ctx, this.service(clusterRef, serviceRef), force));
  }

  /** A service deployment by its ARN (`…:service-deployment/CLUSTER/SERVICE/ID`), whatever its status. */
  findServiceDeployment(arn: string): ServiceDeploymentRecord | undefined {
    const match = /:service-deployment\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(arn);
    if (!match) return undefined;
    const cluster = this.findCluster(match[1]!);
    const service = cluster?.services.get(match[2]!);
    return service ? serviceDeploymentsOf(service).find((d) => d.arn === arn) : undefined;
  }

  stopServiceDeployment(arn: string): ServiceDeploymentRecord {
    return this.change(() => {
      const sd = this.requireServiceDeployment(arn);
      stopServiceDeployment(this.ctx, sd);
      return sd;
    });
  }

  continueServiceDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): ServiceDeploymentRecord {
    return this.change(() => {
      const sd = this.requireServiceDeployment(arn);
      continueServiceDeployment(this.ctx, sd, hookId, action);
      return sd;
    });
  }

  private requireServiceDeployment(arn: string): ServiceDeploymentRecord {
    const sd = this.findServiceDeployment(arn);
    if (!sd) throw new AwsError('ServiceDeploymentNotFoundException', `The service deployment ${arn} does not exist.`);
    return sd;
  }

  // ---- tasks ---------------------------------------------------------------------------------

  /** RunTask: ECS places each task where it fits; what does not fit comes back as failures. */
  runTask(clusterRef: string, input: RunTaskInput): TaskLaunchResult {
    return this.change(() => {
      const cluster = this.cluster(clusterRef);
      const td = this.requireTaskDefinition(input.taskDefinition);
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 10)
        throw invalidParameter('count must be between 1 and 10.');
      const choice = chooseLaunch(cluster, td, input.launchType, input.capacityProviderStrategy);
      const awsvpc = requireAwsVpc(td, input.awsvpc);
      if (choice.launchType === 'FARGATE') {
        const group = input.group ?? `family:${td.family}`;
        const tasks: TaskRecord[] = [];
        const failures: TaskLaunchResult['failures'] = [];
        for (let i = 0; i < count; i += 1) {
          if (!fargateCapacityAvailable(this.ctx, choice, tasks)) {
            failures.push({ reason: FARGATE_CAPACITY_UNAVAILABLE });
            continue;
          }
          tasks.push(
            launchChosen(
              this.ctx,
              cluster,
              choice,
              awsvpc,
              { taskDefinition: td, group, startedBy: input.startedBy, overrides: input.overrides, tags: input.tags },
              tasks,
            ),
          );
        }
        return { tasks, failures };
      }
      if (![...cluster.instances.values()].some((i) => i.status !== 'INACTIVE')) {
        throw invalidParameter('No Container Instances were found in your cluster.');
      }
      const group = input.group ?? `family:${td.family}`;
      const result: TaskLaunchResult = { tasks: [], failures: [] };
      for (let i = 0; i < count; i += 1) {
        const placement = placeTask(cluster, td, group);
        if (!placement.ok) {
          result.failures.push({ arn: placement.closest?.arn, reason: placement.reason });
          continue;
        }
        result.tasks.push(this.launch(placement.instance, td, group, input));
      }
      return result;
    });
  }

  /** StartTask: one task on each named container instance, if it fits there. */
  startTask(clusterRef: string, input: StartTaskInput): TaskLaunchResult {
    return this.change(() => {
      const cluster = this.cluster(clusterRef);
      const td = this.requireTaskDefinition(input.taskDefinition);
      if (input.containerInstances.length < 1 || input.containerInstances.length > 10) {
        throw invalidParameter('containerInstances must name between 1 and 10 container instances.');
      }
      const group = input.group ?? `family:${td.family}`;
      const result: TaskLaunchResult = { tasks: [], failures: [] };
      for (const ref of input.containerInstances) {
        const instance = cluster.instances.get(lastSegment(ref, 'container-instance/'));
        if (!instance || instance.status === 'INACTIVE') {
          result.failures.push({
            arn: ref.startsWith('arn:') ? ref : `${cluster.arn.replace(':cluster/', ':container-instance/')}/${ref}`,
            reason: 'MISSING',
          });
          continue;
        }
        const placement = placeTask(cluster, td, group, [instance]);
        if (!placement.ok) {
          result.failures.push({ arn: instance.arn, reason: placement.reason });
          continue;
        }
        result.tasks.push(this.launch(instance, td, group, input));
      }
      return result;
    });
  }

  stopTask(clusterRef: string, taskRef: string, reason?: string): TaskRecord {
    return this.change(() => {
      checkTaskIdentifier(taskRef);
      const task = this.findTask(clusterRef, taskRef);
      if (!task) throw invalidParameter('The referenced task was not found.');
      requestStop(this.ctx, task, 'UserInitiated', reason && reason.length > 0 ? reason : 'Task stopped by user');
      return task;
    });
  }

  /** Another service's say in whether a task's containers can start (see WorldContext.startChecks). */
  addStartCheck(check: StartCheck): void {
    this.ctx.startChecks.push(check);
  }

  /**
   * At `at`, the oldest running task of `family` exits as `crash` says (essential container
   * stopped with its exit code, then EssentialContainerExited): for seeding fixed crashes.
   */
  crashTaskOfFamilyAt(family: string, at: number, crash: Pick<CrashBehaviour, 'exitCode' | 'reason'>): void {
    this.ctx.timers.schedule(at, () => {
      const task = [...this.ctx.clusters.values()]
        .flatMap((c) => [...c.tasks.values()])
        .find((t) => t.taskDefinition.family === family && t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      if (!task) return;
      const essential = task.containers.find((c) => c.essential) ?? task.containers[0];
      if (essential) {
        essential.lastStatus = 'STOPPED';
        essential.exitCode = crash.exitCode;
        if (crash.reason) essential.reason = crash.reason;
      }
      requestStop(this.ctx, task, 'EssentialContainerExited', 'Essential container in task exited');
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private launch(
    instance: ContainerInstanceRecord,
    td: TaskDefinitionRecord,
    group: string,
    input: RunTaskInput,
  ): TaskRecord {
    const base = {
      instance,
      taskDefinition: td,
      group,
      startedBy: input.startedBy,
      overrides: input.overrides,
      tags: input.tags,
    };
    if (td.networkMode === 'awsvpc' && input.awsvpc) {
      return launchChosen(this.ctx, instance.cluster, { launchType: 'EC2' }, input.awsvpc, base, []);
    }
    return launchTask(this.ctx, base);
  }

  /**
   * What CreateService, UpdateService, RunTask and StartTask answer: an unknown one is
   * ClientException "TaskDefinition not found.", an INACTIVE one InvalidParameterException
   * "TaskDefinition is inactive" (the messages ECS returns; the API reference names both errors).
   */
  private requireTaskDefinition(ref: TaskDefinitionRef): TaskDefinitionRecord {
    if (typeof ref !== 'string') return ref;
    const td = findTaskDefinition(this.ctx, ref);
    if (!td) throw clientException('TaskDefinition not found.');
    if (td.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive');
    return td;
  }

  /**
   * Advance → change → deliver events; nested calls do this once. The service scheduler does not
   * run inside the change: like ECS it acts after the API has answered, here at the next advance
   * (the next request or tick), so UpdateService returns before any task has been started.
   */
  private change<T>(fn: () => T): T {
    this.depth += 1;
    try {
      if (this.depth === 1 && !this.frozen) this.runUntil(this.clock.now());
      return fn();
    } finally {
      this.depth -= 1;
      if (this.depth === 0) this.ctx.bus.flush();
    }
  }

  private runUntil(target: number): void {
    const { ctx } = this;
    let steps = 0;
    for (;;) {
      this.reconcileDirty();
      const timer = ctx.timers.popDue(target);
      if (!timer) break;
      ctx.now = Math.max(ctx.now, timer.at);
      timer.run();
      steps += 1;
      if (steps > MAX_STEPS_PER_ADVANCE) {
        this.logger?.warn({ steps }, 'sandbox world: too many steps in one advance; stopping early');
        break;
      }
    }
    ctx.now = Math.max(ctx.now, target);
    this.reconcileDirty();
  }

  private reconcileDirty(): void {
    const { dirty } = this.ctx;
    while (dirty.size > 0) {
      const service = dirty.values().next().value as ServiceRecord;
      dirty.delete(service);
      reconcileService(this.ctx, service);
    }
  }
}

/**
 * A task is named by its id (32 hex characters, or a UUID in the older form) or its ARN (with or
 * without the cluster segment); anything else is InvalidParameterException "Task Identifier is
 * invalid", as ECS answers StopTask and DescribeTasks.
 */
export function checkTaskIdentifier(ref: string): void {
  const id = ref.startsWith('arn:')
    ? (/^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task\/(?:[\w-]{1,255}\/)?([^/]+)$/.exec(ref)?.[1] ?? '')
    : ref;
  if (!/^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(id)) {
    throw invalidParameter('Task Identifier is invalid');
  }
}

/** The name or id at the end of an ECS ARN, or the reference itself. */
export function lastSegment(ref: string, marker: string): string {
  if (!ref.startsWith('arn:')) return ref;
  const at = ref.indexOf(marker);
  const rest = at >= 0 ? ref.slice(at + marker.length) : ref;
  return rest.slice(rest.lastIndexOf('/') + 1);
}
