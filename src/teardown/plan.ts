import { type TeardownPlan } from '../approvals/types';
import { type ClusterOps } from '../aws/types';
import { type ClusterConfig } from '../config/schema';
import { forgetLeftover, listLeftovers } from '../state/approvals';
import { type StateStore } from '../state/table';
import { escapeText } from '../slack/message';
import { listSome, plural } from '../text/words';

/** EC2 states that need no TerminateInstances any more. */
const GOING_OR_GONE = new Set(['shutting-down', 'terminated']);

/**
 * What tearing a cluster down would do, read from the live cluster: its services, standalone
 * tasks, container instances and their EC2 instances, the cluster itself, and the ECR
 * repositories the config lists for it. EC2 instances an earlier, interrupted teardown
 * deregistered (ECS no longer lists them) come from the state table and are checked with EC2.
 */
export async function readTeardownPlan(input: {
  aws: ClusterOps;
  alias: string;
  cluster: ClusterConfig;
  state: StateStore;
  now: number;
}): Promise<TeardownPlan> {
  const { aws, alias, cluster, state, now } = input;
  const [inventory, remembered, repositories] = await Promise.all([
    aws.teardown.inventory(),
    listLeftovers(state, alias, now),
    Promise.all(cluster.ecrRepositories.map((name) => aws.deletes.repository(name))),
  ]);
  const behindInstances = inventory.containerInstances.flatMap((c) => (c.ec2InstanceId ? [c.ec2InstanceId] : []));
  const leftoverIds = remembered.filter((id) => !behindInstances.includes(id));
  const ec2 = await aws.teardown.ec2Instances([...behindInstances, ...leftoverIds]);
  const byId = new Map(ec2.map((i) => [i.id, i]));

  // Leftovers that are gone by now (terminated since, or by someone else) need no more remembering.
  for (const id of leftoverIds) {
    const found = byId.get(id);
    if (!found || GOING_OR_GONE.has(found.state)) await forgetLeftover(state, alias, id);
  }

  const ec2Instances: TeardownPlan['ec2Instances'] = [];
  for (const id of [...behindInstances, ...leftoverIds]) {
    const found = byId.get(id);
    if (!found || GOING_OR_GONE.has(found.state)) continue;
    ec2Instances.push({
      id,
      state: found.state,
      leftover: leftoverIds.includes(id),
      ...(found.type ? { type: found.type } : {}),
    });
  }

  return {
    kind: 'teardown',
    clusterActive: inventory.active,
    services: inventory.services,
    ...(inventory.stoppingTasks > 0 ? { stoppingTasks: inventory.stoppingTasks } : {}),
    tasks: inventory.standaloneTasks,
    containerInstances: inventory.containerInstances,
    ec2Instances,
    repositories: repositories.flatMap((r) => (r ? [{ name: r.name, imageCount: r.imageCount }] : [])),
  };
}

/** True when there is nothing left to tear down. */
export function teardownIsEmpty(plan: TeardownPlan): boolean {
  return (
    !plan.clusterActive &&
    plan.services.length === 0 &&
    plan.tasks.length === 0 &&
    plan.containerInstances.length === 0 &&
    plan.ec2Instances.length === 0 &&
    plan.repositories.length === 0
  );
}

/**
 * Why the live cluster no longer matches the approved plan closely enough to run it, or undefined.
 * What appeared since is what nobody approved: new services, container instances, EC2 instances or
 * repositories, or the cluster itself back again. Things that went away in between are fine (the
 * run skips them), and so are new standalone tasks: stopping tasks is part of what was approved.
 */
export function teardownPlanChanges(approved: TeardownPlan, live: TeardownPlan): string | undefined {
  const added = (now: string[], then: string[]) => now.filter((n) => !then.includes(n));
  const changes: string[] = [];
  if (live.clusterActive && !approved.clusterActive) changes.push('the ECS cluster exists again');
  const services = added(
    live.services.map((s) => s.name),
    approved.services.map((s) => s.name),
  );
  if (services.length > 0) changes.push(`new ${plural(services.length, 'service')} ${list(services)}`);
  const instances = added(
    live.containerInstances.map((c) => c.id),
    approved.containerInstances.map((c) => c.id),
  );
  if (instances.length > 0)
    changes.push(`new container ${plural(instances.length, 'instance')} ${list(instances.map((i) => i.slice(0, 12)))}`);
  const ec2 = added(
    live.ec2Instances.map((i) => i.id),
    approved.ec2Instances.map((i) => i.id),
  );
  if (ec2.length > 0 && instances.length === 0) changes.push(`new EC2 ${plural(ec2.length, 'instance')} ${list(ec2)}`);
  const repos = added(
    live.repositories.map((r) => r.name),
    approved.repositories.map((r) => r.name),
  );
  if (repos.length > 0) changes.push(`new ECR ${plural(repos.length, 'repository', 'repositories')} ${list(repos)}`);
  return changes.length > 0 ? `the cluster changed since the plan was approved: ${changes.join('; ')}.` : undefined;
}

function list(names: string[]): string {
  return listSome(
    names.map((n) => `\`${escapeText(n)}\``),
    10,
  );
}
