import type { ContainerDefinition, Tag } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { clientException, invalidParameter } from '../errors';
import type { ActionContext } from '../service-module';
import { epochSeconds } from '../wire';
import { page } from './paging';
import { renderTaskDefinition } from './render';
import { taskDefinitionResource } from './resources';

type Ctx = ActionContext<undefined>;

/** The parts of a container definition the sandbox relies on; everything else is kept as sent. */
const portMapping = z.looseObject({
  containerPort: z.number().int().min(0).max(65535).optional(),
  hostPort: z.number().int().min(0).max(65535).optional(),
  protocol: z.enum(['tcp', 'udp']).optional(),
});
const containerDefinition = z.looseObject({
  name: z.string().min(1),
  image: z.string().min(1),
  cpu: z.number().int().min(0).optional(),
  memory: z.number().int().min(4).optional(),
  memoryReservation: z.number().int().min(4).optional(),
  essential: z.boolean().optional(),
  portMappings: z.array(portMapping).optional(),
});
const containerDefinitions = z.array(containerDefinition).min(1);
const networkMode = z.enum(['bridge', 'host', 'awsvpc', 'none']);

export function registerTaskDefinition(ctx: Ctx) {
  const family = ctx.params.string('family');
  // IAM authorizes RegisterTaskDefinition on the family's task-definition ARN (its `:*` revisions).
  ctx.authorize(taskDefinitionResource(ctx, family));
  const parsed = containerDefinitions.safeParse(ctx.params.raw.containerDefinitions);
  if (!parsed.success) {
    throw clientException(
      `Invalid container definitions: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const mode = networkMode.safeParse(ctx.params.optString('networkMode') ?? 'bridge');
  if (!mode.success) throw clientException('Invalid networkMode.');
  const td = ctx.world.registerTaskDefinition({
    family,
    containerDefinitions: parsed.data as ContainerDefinition[],
    cpu: ctx.params.optString('cpu'),
    memory: ctx.params.optString('memory'),
    networkMode: mode.data,
    taskRoleArn: ctx.params.optString('taskRoleArn'),
    executionRoleArn: ctx.params.optString('executionRoleArn'),
    requiresCompatibilities: (ctx.params.optStringList('requiresCompatibilities') ?? []) as (
      'EC2' | 'FARGATE' | 'EXTERNAL'
    )[],
    tags: (ctx.params.optList('tags') ?? []) as Tag[],
    registeredBy: ctx.principal.kind === 'assumed' ? ctx.principal.roleArn : undefined,
  });
  return { taskDefinition: renderTaskDefinition(td, epochSeconds), tags: td.tags };
}

export function deregisterTaskDefinition(ctx: Ctx) {
  const ref = ctx.params.string('taskDefinition');
  ctx.authorize(taskDefinitionResource(ctx, ref));
  return { taskDefinition: renderTaskDefinition(ctx.world.deregisterTaskDefinition(ref), epochSeconds) };
}

export function describeTaskDefinition(ctx: Ctx) {
  const ref = ctx.params.string('taskDefinition');
  ctx.authorize(taskDefinitionResource(ctx, ref));
  const td = ctx.world.findTaskDefinition(ref);
  if (!td) throw clientException('Unable to describe task definition.');
  const include = ctx.params.optStringList('include') ?? [];
  return {
    taskDefinition: renderTaskDefinition(td, epochSeconds),
    tags: include.includes('TAGS') ? td.tags : undefined,
  };
}

export function listTaskDefinitions(ctx: Ctx) {
  ctx.authorize();
  const prefix = ctx.params.optString('familyPrefix');
  const status = ctx.params.optString('status') ?? 'ACTIVE';
  const sort = ctx.params.optString('sort') ?? 'ASC';
  if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status))
    throw invalidParameter('status must be ACTIVE, INACTIVE or DELETE_IN_PROGRESS.');
  if (sort !== 'ASC' && sort !== 'DESC') throw invalidParameter('sort must be ASC or DESC.');
  const arns: string[] = [];
  const families = [...ctx.world.taskDefinitionFamilies().entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [family, revisions] of families) {
    // familyPrefix names a family exactly in ECS, despite its name.
    if (prefix !== undefined && family !== prefix) continue;
    for (const td of revisions) if (td.status === status) arns.push(td.arn);
  }
  if (sort === 'DESC') arns.reverse();
  if (ctx.world.unsortedLists) arns.sort((a, b) => scramble(a) - scramble(b));
  const { items, nextToken } = page(arns, ctx.params, { default: 100, max: 100 });
  return { taskDefinitionArns: items, nextToken };
}

export function listTaskDefinitionFamilies(ctx: Ctx) {
  ctx.authorize();
  const prefix = ctx.params.optString('familyPrefix') ?? '';
  const status = ctx.params.optString('status') ?? 'ACTIVE';
  const families = [...ctx.world.taskDefinitionFamilies().entries()]
    .filter(([family, revisions]) => {
      if (!family.startsWith(prefix)) return false;
      const anyActive = revisions.some((td) => td.status === 'ACTIVE');
      return status === 'ALL' || (status === 'ACTIVE' ? anyActive : !anyActive);
    })
    .map(([family]) => family)
    .sort();
  const { items, nextToken } = page(families, ctx.params, { default: 100, max: 100 });
  return { families: items, nextToken };
}

/** A repeatable stand-in for an order nobody promised (FNV-1a of the text). */
function scramble(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
