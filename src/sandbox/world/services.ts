import type { ServiceLoadBalancer } from './load-balancing';
import type { DeploymentConfiguration, PlacementConstraint, PlacementStrategy, Tag } from '@aws-sdk/client-ecs';
import { AwsError, invalidParameter } from '../errors';
import { ecsArn, type WorldContext } from './context';
import type { ClusterRecord, DeploymentRecord, ServiceLaunch, ServiceRecord, TaskDefinitionRecord } from './records';
import { checkLifecycleHooks, newDeployment, recordServiceDeployment } from './service-deployments';

export interface CreateServiceInput {
  name: string;
  taskDefinition: TaskDefinitionRecord;
  desiredCount: number;
  deploymentConfiguration?: DeploymentConfiguration;
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  tags?: Tag[];
  createdBy?: string;
  /** Chosen by the caller (chooseLaunch, requireAwsVpc); EC2 without it. */
  launch?: ServiceLaunch;
  loadBalancers?: ServiceLoadBalancer[];
}

export interface UpdateServiceInput {
  desiredCount?: number;
  taskDefinition?: TaskDefinitionRecord;
  forceNewDeployment?: boolean;
  deploymentConfiguration?: DeploymentConfiguration;
}

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export function createService(ctx: WorldContext, cluster: ClusterRecord, input: CreateServiceInput): ServiceRecord {
  if (!NAME.test(input.name)) {
    throw invalidParameter(
      'Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores, and hyphens.',
    );
  }
  checkDesiredCount(input.desiredCount);
  const existing = cluster.services.get(input.name);
  if (existing && existing.status !== 'INACTIVE') throw invalidParameter('Creation of service was not idempotent.');
  if (input.taskDefinition.status !== 'ACTIVE') throw invalidParameter(`TaskDefinition is inactive`);
  const service: ServiceRecord = {
    name: input.name,
    arn: ecsArn(ctx, `service/${cluster.name}/${input.name}`),
    cluster,
    status: 'ACTIVE',
    desiredCount: input.desiredCount,
    taskDefinition: input.taskDefinition,
    deploymentConfiguration: deploymentConfiguration(input.deploymentConfiguration),
    placementConstraints: input.placementConstraints ?? [],
    placementStrategy: input.placementStrategy ?? [],
    deployments: [],
    events: [],
    createdAt: ctx.now,
    createdBy: input.createdBy,
    tags: input.tags ?? [],
    tasks: new Set(),
    steady: false,
    consecutiveFailures: 0,
    lastFailureAt: 0,
    restartNotBefore: 0,
    launch: input.launch ?? { launchType: 'EC2' },
    ...(input.loadBalancers?.length ? { loadBalancers: input.loadBalancers } : {}),
  };
  // Re-creating a deleted service replaces the INACTIVE one, as ECS does.
  cluster.services.delete(input.name);
  cluster.services.set(input.name, service);
  startDeployment(ctx, service, input.taskDefinition);
  return service;
}

export function updateService(ctx: WorldContext, service: ServiceRecord, input: UpdateServiceInput): ServiceRecord {
  if (service.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
  if (input.desiredCount !== undefined) {
    checkDesiredCount(input.desiredCount);
    service.desiredCount = input.desiredCount;
  }
  if (input.deploymentConfiguration) {
    service.deploymentConfiguration = deploymentConfiguration({
      ...service.deploymentConfiguration,
      ...input.deploymentConfiguration,
    });
  }
  const newDefinition =
    input.taskDefinition && input.taskDefinition !== service.taskDefinition ? input.taskDefinition : undefined;
  if (newDefinition && newDefinition.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive');
  if (newDefinition || input.forceNewDeployment) {
    service.taskDefinition = newDefinition ?? service.taskDefinition;
    startDeployment(ctx, service, service.taskDefinition);
  }
  service.steady = false;
  service.consecutiveFailures = 0;
  service.restartNotBefore = 0;
  // ECS omits a repeated service event "until either the cause is resolved or six hours passes"
  // (Developer Guide, "Service event messages"). An update is a new attempt with a new cause (a new
  // count, a new revision), so its first placement failure is reported again.
  if (input.desiredCount !== undefined || newDefinition || input.forceNewDeployment)
    service.lastPlacementFailure = undefined;
  ctx.dirty.add(service);
  return service;
}

/** ACTIVE → DRAINING now; the scheduler stops its tasks and marks it INACTIVE once they are gone. */
export function deleteService(ctx: WorldContext, service: ServiceRecord, force: boolean): ServiceRecord {
  if (service.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
  if (service.desiredCount > 0 && !force)
    throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
  service.status = 'DRAINING';
  service.desiredCount = 0;
  service.steady = false;
  service.cluster.unsatisfied.delete(service);
  ctx.dirty.add(service);
  return service;
}

/**
 * A new PRIMARY deployment (the previous ones stay ACTIVE until their tasks are replaced) and,
 * unless it is a rollback (which belongs to the service deployment it rolls back), its service
 * deployment.
 */
export function startDeployment(
  ctx: WorldContext,
  service: ServiceRecord,
  td: TaskDefinitionRecord,
  reason?: string,
  options: { rollback?: boolean } = {},
): DeploymentRecord {
  const sources = [...service.deployments];
  const deployment = newDeployment(ctx, service, td, reason);
  if (!options.rollback) recordServiceDeployment(ctx, service, deployment, sources);
  return deployment;
}

function checkDesiredCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw invalidParameter('Desired count must be a non-negative integer.');
}

function deploymentConfiguration(input: DeploymentConfiguration | undefined): ServiceRecord['deploymentConfiguration'] {
  const maximumPercent = input?.maximumPercent ?? 200;
  const minimumHealthyPercent = input?.minimumHealthyPercent ?? 100;
  if (maximumPercent < 100) throw invalidParameter('Maximum percent must be at least 100.');
  if (minimumHealthyPercent < 0 || minimumHealthyPercent > 100)
    throw invalidParameter('Minimum healthy percent must be between 0 and 100.');
  if (maximumPercent <= minimumHealthyPercent && maximumPercent === 100 && minimumHealthyPercent === 100) {
    throw invalidParameter('The maximumPercent value must be greater than the minimumHealthyPercent value.');
  }
  checkLifecycleHooks(input);
  return {
    maximumPercent,
    minimumHealthyPercent,
    deploymentCircuitBreaker: {
      enable: input?.deploymentCircuitBreaker?.enable ?? false,
      rollback: input?.deploymentCircuitBreaker?.rollback ?? false,
    },
    // Kept as given: service deployments read the strategy, hooks and alarms (service-deployments.ts).
    ...(input?.strategy ? { strategy: input.strategy } : {}),
    ...(input?.lifecycleHooks ? { lifecycleHooks: input.lifecycleHooks } : {}),
    ...(input?.alarms ? { alarms: input.alarms } : {}),
    ...(input?.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: input.bakeTimeInMinutes } : {}),
  };
}
