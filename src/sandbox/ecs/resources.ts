import type { AuthResource } from '../iam';
import type { ActionContext } from '../service-module';
import { lastSegment } from '../world/world';

/**
 * The ARNs IAM evaluates for ECS actions, built from what the request names (IAM runs before
 * ECS looks anything up, so a denied caller learns nothing about what exists).
 */
export function clusterName(ref: string | undefined): string {
  return ref === undefined ? 'default' : lastSegment(ref, 'cluster/');
}

function arn(ctx: ActionContext<unknown>, resource: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:${resource}`;
}

export function clusterResource(ctx: ActionContext<unknown>, cluster: string): AuthResource {
  return { arn: arn(ctx, `cluster/${cluster}`), cluster };
}

export function serviceResource(ctx: ActionContext<unknown>, cluster: string, ref: string): AuthResource {
  return { arn: ref.startsWith('arn:') ? ref : arn(ctx, `service/${cluster}/${ref}`), cluster };
}

export function taskResource(ctx: ActionContext<unknown>, cluster: string, ref: string): AuthResource {
  return { arn: ref.startsWith('arn:') ? ref : arn(ctx, `task/${cluster}/${ref}`), cluster };
}

export function containerInstanceResource(ctx: ActionContext<unknown>, cluster: string, ref: string): AuthResource {
  return { arn: ref.startsWith('arn:') ? ref : arn(ctx, `container-instance/${cluster}/${ref}`), cluster };
}

/** RunTask/StartTask are authorised on the task definition, with the cluster as a condition. */
export function taskDefinitionResource(ctx: ActionContext<unknown>, ref: string, cluster?: string): AuthResource {
  const name = ref.startsWith('arn:') ? ref : arn(ctx, `task-definition/${ref.includes(':') ? ref : `${ref}:*`}`);
  return cluster === undefined ? { arn: name } : { arn: name, cluster };
}
