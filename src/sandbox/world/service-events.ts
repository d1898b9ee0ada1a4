import type { ServiceDeploymentLifecycleStage } from '@aws-sdk/client-ecs';
import type { HookEventName, ServiceActionDetail } from '../events';
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

/** HOOK_FAILED and HOOK_TIMED_OUT are a hook that did not complete as it should. */
const HOOK_ERRORS = new Set<HookEventName>(['HOOK_FAILED', 'HOOK_TIMED_OUT']);

/**
 * An "ECS Hook State Change" event (Developer Guide, "Amazon ECS service deployment hook state
 * change events"): sent when a deployment lifecycle hook changes status. The page's only example is
 * HOOK_AWAITING_ACTION of a PAUSE hook, eventType INFO; the other event names get the example's
 * fields too. The page gives no eventType for them: INFO for the ones that go as planned, and ERROR
 * for HOOK_FAILED and HOOK_TIMED_OUT, as the Deployment State Change events mark their failure
 * (SERVICE_DEPLOYMENT_FAILED is ERROR). A time-out is ERROR whichever its time-out action.
 */
export function emitHookChange(
  ctx: WorldContext,
  service: ServiceRecord,
  hook: { serviceDeploymentArn: string; hookId: string; stage: ServiceDeploymentLifecycleStage; expiresAt: number },
  eventName: HookEventName,
): void {
  emit(ctx, () => ({
    ...envelope(ctx, 'ECS Hook State Change', [hook.serviceDeploymentArn]),
    detail: {
      eventType: HOOK_ERRORS.has(eventName) ? 'ERROR' : 'INFO',
      eventName,
      hookId: hook.hookId,
      hookType: 'PAUSE',
      expiresAt: secondsIso(hook.expiresAt),
      lifecycleStage: hook.stage,
      clusterArn: service.cluster.arn,
      serviceArn: service.arn,
      serviceDeploymentArn: hook.serviceDeploymentArn,
      // The example's updatedAt has nanoseconds; the sandbox's clock has milliseconds.
      updatedAt: new Date(ctx.now).toISOString().replace(/Z$/, '000000Z'),
    },
  }));
}

function secondsIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
