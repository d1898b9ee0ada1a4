import { z } from 'zod';
import { type Level } from '../levels';
import { type GatedOperation } from './gated-operation';
import { DeploymentRollbackPlan, deploymentRollbackOperation } from './operations/deployment-rollback';
import { ImageDeletePlan, imageDeleteOperation } from './operations/image-delete';
import { RepoDeletePlan, repoDeleteOperation } from './operations/repo-delete';
import { ServiceDeletePlan, serviceDeleteOperation } from './operations/service-delete';
import { TaskdefDeregisterPlan, taskdefDeregisterOperation } from './operations/taskdef-deregister';
import { TeardownPlan, teardownOperation } from './operations/teardown';

/**
 * Every approval-gated operation: the plan of each (stored with the request, read back with
 * this schema) and the operation that runs it. Adding one is a module in ./operations and a line
 * in each list below.
 */
export const Plan = z.discriminatedUnion('kind', [
  TeardownPlan,
  ServiceDeletePlan,
  TaskdefDeregisterPlan,
  ImageDeletePlan,
  RepoDeletePlan,
  DeploymentRollbackPlan,
]);
export type Plan = z.infer<typeof Plan>;
export type PlanKind = Plan['kind'];

const OPERATIONS: { [K in PlanKind]: GatedOperation<Extract<Plan, { kind: K }>> } = {
  teardown: teardownOperation,
  'service delete': serviceDeleteOperation,
  'taskdef deregister': taskdefDeregisterOperation,
  'image delete': imageDeleteOperation,
  'repo delete': repoDeleteOperation,
  'deployment rollback': deploymentRollbackOperation,
};

/** The access level whose role runs an approved request of this kind (admin unless the operation says). */
export function levelFor(plan: Plan): Level {
  return operationFor(plan).level ?? 'admin';
}

export function operationFor(plan: Plan): GatedOperation<Plan> {
  return OPERATIONS[plan.kind] as GatedOperation<Plan>;
}
