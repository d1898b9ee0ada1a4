import type { ServiceDeployment, ServiceDeploymentBrief, ServiceRevisionSummary } from '@aws-sdk/client-ecs';
import { AwsError, invalidParameter } from '../errors';
import type { AuthResource } from '../iam';
import type { ActionContext } from '../service-module';
import { epochSeconds, type Wire } from '../wire';
import { page } from './paging';
import { clusterName, serviceResource } from './resources';
import {
  circuitBreakerThreshold,
  serviceDeploymentsOf,
  type RevisionRef,
  type ServiceDeploymentRecord,
} from '../world/service-deployments';

type Ctx = ActionContext<undefined>;

/**
 * The service deployments API, from the ECS API Reference:
 * ListServiceDeployments (newest first; `status` and `createdAt` filters; maxResults 1–100),
 * DescribeServiceDeployments (up to 20 ARNs; unknown ones are `failures` with reason MISSING),
 * StopServiceDeployment (stopType ROLLBACK), ContinueServiceDeployment (hookId, CONTINUE|ROLLBACK).
 */
export function listServiceDeployments(ctx: Ctx) {
  const cluster = clusterName(ctx.params.optString('cluster'));
  const ref = ctx.params.string('service');
  ctx.authorize(serviceResource(ctx, cluster, ref));
  const service = ctx.world.service(cluster, ref);
  const statuses = ctx.params.optStringList('status');
  const createdAt = ctx.params.optObject('createdAt') as { before?: number; after?: number } | undefined;
  const matching = serviceDeploymentsOf(service).filter(
    (sd) =>
      (!statuses || statuses.includes(sd.status)) &&
      (createdAt?.before === undefined || sd.createdAt < createdAt.before * 1000) &&
      (createdAt?.after === undefined || sd.createdAt > createdAt.after * 1000),
  );
  const { items, nextToken } = page(matching, ctx.params, { default: 20, max: 100 });
  return { serviceDeployments: items.map(renderBrief), nextToken };
}

export function describeServiceDeployments(ctx: Ctx) {
  const arns = ctx.params.optStringList('serviceDeploymentArns') ?? [];
  if (arns.length === 0) throw invalidParameter('serviceDeploymentArns cannot be empty.');
  if (arns.length > 20) throw invalidParameter('serviceDeploymentArns can have at most 20 items.');
  ctx.authorize(arns.map((arn) => deploymentResource(arn)));
  const serviceDeployments: Wire<ServiceDeployment>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of arns) {
    const sd = ctx.world.findServiceDeployment(arn);
    if (sd) serviceDeployments.push(renderServiceDeployment(sd));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}

export function stopServiceDeployment(ctx: Ctx) {
  const arn = ctx.params.string('serviceDeploymentArn');
  const stopType = ctx.params.optString('stopType') ?? 'ROLLBACK';
  ctx.authorize(deploymentResource(arn));
  // The reference lists ABORT among the valid values but documents only ROLLBACK's behaviour.
  if (stopType !== 'ROLLBACK')
    throw invalidParameter(`The sandbox supports only the ROLLBACK stop type, not ${stopType}.`);
  const sd = ctx.world.stopServiceDeployment(arn);
  return { serviceDeploymentArn: sd.arn };
}

export function continueServiceDeployment(ctx: Ctx) {
  const arn = ctx.params.string('serviceDeploymentArn');
  const hookId = ctx.params.string('hookId');
  const action = ctx.params.optString('action') ?? 'CONTINUE';
  ctx.authorize(deploymentResource(arn));
  if (action !== 'CONTINUE' && action !== 'ROLLBACK')
    throw invalidParameter(`action must be CONTINUE or ROLLBACK, not ${action}.`);
  const sd = ctx.world.continueServiceDeployment(arn, hookId, action);
  return { serviceDeploymentArn: sd.arn };
}

/** IAM sees the service deployment ARN, in the cluster its ARN names. */
function deploymentResource(arn: string): AuthResource {
  const match = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service-deployment\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!match) throw new AwsError('InvalidParameterException', `Invalid service deployment ARN: ${arn}.`);
  return { arn, cluster: match[1]! };
}

function renderBrief(sd: ServiceDeploymentRecord): Wire<ServiceDeploymentBrief> {
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.service.arn,
    clusterArn: sd.service.cluster.arn,
    startedAt: epochSeconds(sd.startedAt),
    createdAt: epochSeconds(sd.createdAt),
    ...(sd.finishedAt !== undefined ? { finishedAt: epochSeconds(sd.finishedAt) } : {}),
    targetServiceRevisionArn: sd.target.arn,
    status: sd.status,
    ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
  };
}

export function renderServiceDeployment(sd: ServiceDeploymentRecord): Wire<ServiceDeployment> {
  const service = sd.service;
  const own = service.deployments.find((d) => d.id === sd.deploymentId);
  const breaker = sd.configuration.deploymentCircuitBreaker;
  const alarms = sd.configuration.alarms;
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: service.arn,
    clusterArn: service.cluster.arn,
    createdAt: epochSeconds(sd.createdAt),
    startedAt: epochSeconds(sd.startedAt),
    updatedAt: epochSeconds(sd.updatedAt),
    ...(sd.finishedAt !== undefined ? { finishedAt: epochSeconds(sd.finishedAt) } : {}),
    ...(sd.stoppedAt !== undefined ? { stoppedAt: epochSeconds(sd.stoppedAt) } : {}),
    sourceServiceRevisions: sd.sources.map((r) => revisionSummary(sd, r)),
    targetServiceRevision: revisionSummary(sd, sd.target),
    status: sd.status,
    ...(sd.statusReason ? { statusReason: sd.statusReason } : {}),
    lifecycleStage: sd.lifecycleStage,
    lifecycleHookDetails: sd.hooks.map((h) => ({
      hookId: h.hookId,
      targetType: 'PAUSE',
      status: h.status,
      expiresAt: epochSeconds(h.expiresAt),
      timeoutAction: h.timeoutAction,
    })),
    deploymentConfiguration: sd.configuration as Wire<ServiceDeployment>['deploymentConfiguration'],
    ...(sd.rollback
      ? {
          rollback: {
            reason: sd.rollback.reason,
            startedAt: epochSeconds(sd.rollback.startedAt),
            serviceRevisionArn: sd.rollback.serviceRevisionArn,
          },
        }
      : {}),
    deploymentCircuitBreaker: breaker?.enable
      ? {
          status: sd.status === 'IN_PROGRESS' ? 'MONITORING' : sd.rollback ? 'TRIGGERED' : 'MONITORING_COMPLETE',
          failureCount: own?.failedTasks ?? 0,
          threshold: circuitBreakerThreshold(own?.desiredCount ?? service.desiredCount),
        }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
    alarms: alarms?.enable
      ? {
          status: sd.status === 'IN_PROGRESS' ? 'MONITORING' : 'MONITORING_COMPLETE',
          alarmNames: alarms.alarmNames ?? [],
          triggeredAlarmNames: [],
        }
      : { status: 'DISABLED' },
  };
}

/** Counts of a revision's tasks now (requested: what its deployment wants while it is live). */
function revisionSummary(sd: ServiceDeploymentRecord, revision: RevisionRef): Wire<ServiceRevisionSummary> {
  const service = sd.service;
  const deployment = service.deployments.find((d) => d.id === revision.deploymentId);
  const tasks = [...service.tasks].filter((t) => t.deploymentId === revision.deploymentId);
  return {
    arn: revision.arn,
    requestedTaskCount: deployment?.desiredCount ?? 0,
    runningTaskCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter((t) => t.lastStatus !== 'RUNNING' && t.desiredStatus === 'RUNNING').length,
  };
}
