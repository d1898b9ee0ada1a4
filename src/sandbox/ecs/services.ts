import type {
  CapacityProviderStrategyItem,
  DeploymentConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
} from '@aws-sdk/client-ecs';
import { invalidParameter } from '../errors';
import type { ServiceLoadBalancer } from '../world/load-balancing';
import type { ActionContext } from '../service-module';
import { epochSeconds } from '../wire';
import { page } from './paging';
import { renderService } from './render';
import { awsvpcConfiguration } from './tasks';
import { clusterName, clusterResource, serviceResource } from './resources';

type Ctx = ActionContext<undefined>;

export function createService(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const name = ctx.params.string('serviceName');
  ctx.authorize(serviceResource(ctx, cluster, name));
  const strategy = ctx.params.optString('schedulingStrategy') ?? 'REPLICA';
  if (strategy !== 'REPLICA') throw invalidParameter('The sandbox supports only the REPLICA scheduling strategy.');
  const desiredCount = ctx.params.optInt('desiredCount');
  if (desiredCount === undefined)
    throw invalidParameter('desiredCount is required for a service using the REPLICA scheduling strategy.');
  const service = ctx.world.createService(cluster, {
    name,
    taskDefinition: ctx.params.string('taskDefinition'),
    desiredCount,
    deploymentConfiguration: ctx.params.optObject('deploymentConfiguration') as DeploymentConfiguration | undefined,
    placementConstraints: ctx.params.optList('placementConstraints') as PlacementConstraint[] | undefined,
    placementStrategy: ctx.params.optList('placementStrategy') as PlacementStrategy[] | undefined,
    tags: ctx.params.optList('tags') as Tag[] | undefined,
    createdBy: ctx.principal.kind === 'assumed' ? ctx.principal.roleArn : undefined,
    launchType: ctx.params.optString('launchType'),
    capacityProviderStrategy: ctx.params.optList('capacityProviderStrategy') as unknown as
      CapacityProviderStrategyItem[] | undefined,
    awsvpc: awsvpcConfiguration(ctx),
    loadBalancers: loadBalancers(ctx),
  });
  return { service: renderService(service, epochSeconds) };
}

export function updateService(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const ref = ctx.params.string('service');
  ctx.authorize(serviceResource(ctx, cluster, ref));
  const service = ctx.world.updateService(cluster, ref, {
    desiredCount: ctx.params.optInt('desiredCount'),
    taskDefinition: ctx.params.optString('taskDefinition'),
    forceNewDeployment: ctx.params.optBool('forceNewDeployment'),
    deploymentConfiguration: ctx.params.optObject('deploymentConfiguration') as DeploymentConfiguration | undefined,
  });
  return { service: renderService(service, epochSeconds) };
}

export function deleteService(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const ref = ctx.params.string('service');
  ctx.authorize(serviceResource(ctx, cluster, ref));
  return {
    service: renderService(ctx.world.deleteService(cluster, ref, ctx.params.optBool('force') ?? false), epochSeconds),
  };
}

export function describeServices(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const refs = ctx.params.optStringList('services') ?? [];
  ctx.authorize(refs.length > 0 ? refs.map((r) => serviceResource(ctx, cluster, r)) : [clusterResource(ctx, cluster)]);
  if (refs.length === 0) throw invalidParameter('services cannot be empty.');
  if (refs.length > 10) throw invalidParameter('services can have at most 10 items.');
  ctx.world.cluster(cluster);
  const services = [];
  const failures = [];
  for (const ref of refs) {
    const service = ctx.world.findService(cluster, ref);
    if (service) services.push(renderService(service, epochSeconds));
    else failures.push({ arn: serviceResource(ctx, cluster, ref).arn, reason: 'MISSING' });
  }
  return { services, failures };
}

export function listServices(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  ctx.authorize(clusterResource(ctx, cluster));
  const launchType = ctx.params.optString('launchType');
  const arns: string[] = [];
  for (const service of ctx.world.cluster(cluster).services.values()) {
    // DeleteService reference: a DRAINING service "is no longer visible in the console or in the
    // ListServices API operation"; DescribeServices still returns it, DRAINING then INACTIVE.
    if (service.status !== 'ACTIVE') continue;
    if (launchType !== undefined && service.launch.launchType !== launchType) continue;
    arns.push(service.arn);
  }
  const { items, nextToken } = page(arns, ctx.params, { default: 10, max: 100 });
  return { serviceArns: items, nextToken };
}

/**
 * CreateService `loadBalancers`: for an ALB or NLB, each entry names the target group and the
 * container name and port it routes to (CreateService, ECS API Reference).
 */
function loadBalancers(ctx: Ctx): ServiceLoadBalancer[] | undefined {
  const list = ctx.params.optList('loadBalancers') as
    { targetGroupArn?: string; containerName?: string; containerPort?: number }[] | undefined;
  if (!list?.length) return undefined;
  return list.map((lb) => {
    if (!lb.targetGroupArn || !lb.containerName || lb.containerPort === undefined)
      throw invalidParameter('targetGroupArn, containerName and containerPort are required for each load balancer.');
    return { targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort };
  });
}
