import type { ServiceActionDetail } from '../events';
import { emit, envelope, type WorldContext } from './context';
import type { DeploymentRecord, ServiceRecord } from './records';

const MAX_EVENTS = 100;
/** ECS omits a repeated message until its cause is resolved or six hours pass. */
const DUPLICATE_WINDOW_MS = 6 * 60 * 60 * 1000;

/** Adds a line to the service's event log (newest first); returns false if suppressed as a duplicate. */
export function addServiceEvent(
  ctx: WorldContext,
  service: ServiceRecord,
  message: string,
  options: { causeChanged?: boolean } = {},
): boolean {
  const newest = service.events[0];
  if (!options.causeChanged && newest && newest.message === message && ctx.now - newest.createdAt < DUPLICATE_WINDOW_MS)
    return false;
  service.events.unshift({ id: ctx.ids.uuid(), createdAt: ctx.now, message });
  if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
  return true;
}

export function emitServiceAction(
  ctx: WorldContext,
  service: ServiceRecord,
  eventType: ServiceActionDetail['eventType'],
  eventName: ServiceActionDetail['eventName'],
  extra: Pick<ServiceActionDetail, 'reasons' | 'taskArns'> = {},
): void {
  emit(ctx, () => ({
    ...envelope(ctx, 'ECS Service Action', [service.arn]),
    detail: {
      eventType,
      eventName,
      clusterArn: service.cluster.arn,
      createdAt: new Date(ctx.now).toISOString(),
      ...extra,
    },
  }));
}

export function emitDeploymentChange(ctx: WorldContext, service: ServiceRecord, deployment: DeploymentRecord): void {
  const eventName =
    deployment.rolloutState === 'COMPLETED'
      ? 'SERVICE_DEPLOYMENT_COMPLETED'
      : deployment.rolloutState === 'FAILED'
        ? 'SERVICE_DEPLOYMENT_FAILED'
        : 'SERVICE_DEPLOYMENT_IN_PROGRESS';
  emit(ctx, () => ({
    ...envelope(ctx, 'ECS Deployment State Change', [service.arn]),
    detail: {
      eventType: deployment.rolloutState === 'FAILED' ? 'ERROR' : 'INFO',
      eventName,
      deploymentId: deployment.id,
      updatedAt: new Date(deployment.updatedAt).toISOString(),
      reason: deployment.rolloutStateReason,
    },
  }));
}
