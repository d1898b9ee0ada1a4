import { z } from 'zod';
import { type ClusterOps } from '../../aws/access';
import { type ClusterConfig } from '../../config/schema';
import { ChatopsError } from '../../errors';
import { escapeText } from '../../slack/message';
import { type StateStore } from '../../state/table';
import { sliceWhole } from '../../unicode';
import { doneSteps, OutOfTime, type ExecutionEnv, type GatedOperation, type Step } from '../gated-operation';
import { count, listSome, plural } from '../../text/words';
import { tookText } from '../../text/times';
import { drainText } from './drain';
import { forgetLeftover, listLeftovers, rememberLeftovers } from './teardown-leftovers';

/**
 * `teardown CLUSTER`: its plan (read from the live cluster), the check that the live cluster
 * still matches the approved plan, and the steps, in the order ECS allows them.
 */

/** The plan of a teardown, read from the live cluster when it was asked for. */
export const TeardownPlan = z.object({
  kind: z.literal('teardown'),
  /** False when the ECS cluster is already gone (a second run that only has leftovers to remove). */
  clusterActive: z.boolean(),
  /** ACTIVE services to scale to 0 and delete, and DRAINING ones (already being deleted) to wait for. */
  services: z.array(z.object({ name: z.string(), status: z.string(), desired: z.number(), running: z.number() })),
  /** Tasks ECS was already stopping (a service draining, a stop in flight): the teardown waits for them. */
  stoppingTasks: z.number().optional(),
  /** Tasks that belong to no service (RunTask/StartTask), still running or pending. */
  tasks: z.array(z.object({ id: z.string(), taskDefinition: z.string(), lastStatus: z.string() })),
  containerInstances: z.array(
    z.object({ id: z.string(), ec2InstanceId: z.string().optional(), status: z.string(), runningTasks: z.number() }),
  ),
  /**
   * EC2 instances to terminate: those behind the container instances, and `leftover` ones that an
   * earlier teardown deregistered but could not terminate (remembered in the state table).
   */
  ec2Instances: z.array(
    z.object({ id: z.string(), type: z.string().optional(), state: z.string(), leftover: z.boolean() }),
  ),
  /** ECR repositories the config lists for this cluster that exist, with their image counts. */
  repositories: z.array(z.object({ name: z.string(), imageCount: z.number() })),
});
export type TeardownPlan = z.infer<typeof TeardownPlan>;

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
    aws.cluster.inventory(),
    listLeftovers(state, alias, now),
    Promise.all(cluster.ecrRepositories.map((name) => aws.ecr.repository(name))),
  ]);
  const behindInstances = inventory.containerInstances.flatMap((c) => (c.ec2InstanceId ? [c.ec2InstanceId] : []));
  const leftoverIds = remembered.filter((id) => !behindInstances.includes(id));
  const ec2 = await aws.instances.ec2Instances([...behindInstances, ...leftoverIds]);
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

/**
 * Tearing a cluster down, in the order ECS allows it: services scaled to 0 and deleted (force),
 * standalone tasks stopped, a wait until services have drained and tasks have stopped (ECS refuses
 * to delete a cluster before), container instances deregistered, their EC2 instances terminated,
 * the cluster deleted, then the ECR repositories the config lists (force: with their images).
 */
export const teardownOperation: GatedOperation<TeardownPlan> = {
  async prepare(env, approved) {
    const live = await readTeardownPlan({
      aws: env.aws,
      alias: env.alias,
      cluster: env.cluster,
      state: env.state,
      now: env.clock.now(),
    });
    const changed = teardownPlanChanges(approved, live);
    if (changed) return { ok: false, reason: changed };
    return { ok: true, steps: teardownSteps(env, live) };
  },

  summary(_plan, steps, tookMs) {
    const said = (
      [
        ['delete service', 'service deleted', 'services deleted'],
        ['stop task', 'task stopped', 'tasks stopped'],
        ['deregister container instance', 'container instance deregistered', 'container instances deregistered'],
        ['terminate EC2 instance', 'EC2 instance terminated', 'EC2 instances terminated'],
        ['delete repository', 'ECR repository deleted', 'ECR repositories deleted'],
      ] as const
    )
      .map(([kind, one, many]) => ({ n: doneSteps(steps, kind), one, many }))
      .filter(({ n }) => n > 0)
      .map(({ n, one, many }) => count(n, one, many));
    const repositories = doneSteps(steps, 'delete repository');
    if (doneSteps(steps, 'delete cluster') > 0)
      said.splice(said.length - (repositories > 0 ? 1 : 0), 0, 'the cluster deleted');
    return `Teardown finished in ${tookText(tookMs)}: ${said.length > 0 ? said.join(', ') : 'there was nothing left to do'}.`;
  },
};

export function teardownSteps(env: ExecutionEnv, plan: TeardownPlan): Step[] {
  const { aws } = env;
  const steps: Step[] = [];

  for (const service of plan.services.filter((s) => s.status === 'ACTIVE')) {
    steps.push({
      kind: 'delete service',
      label: `Scale \`${escapeText(service.name)}\` to 0 and delete it`,
      async run() {
        const result = await aws.services.delete(service.name);
        return result === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  for (const task of plan.tasks) {
    steps.push({
      kind: 'stop task',
      label: `Stop task \`${escapeText(sliceWhole(task.id, 12))}\` (${escapeText(task.taskDefinition)})`,
      async run() {
        return (await aws.tasks.stopIfPresent(task.id, env.reason)) === 'gone' ? 'already stopped' : undefined;
      },
    });
  }

  if (plan.clusterActive && (plan.services.length > 0 || plan.tasks.length > 0 || (plan.stoppingTasks ?? 0) > 0)) {
    steps.push({
      kind: 'wait for drain',
      label: 'Wait for the services to drain and the tasks to stop',
      async run(progress) {
        const started = env.clock.now();
        // The deleted services are followed by name (DescribeServices until INACTIVE), never
        // found through ListServices, which stops listing a service the moment it is DRAINING.
        let followed = plan.services.map((s) => s.name);
        for (;;) {
          const left = await aws.cluster.drainState(followed);
          if (left.services.length === 0 && left.tasks === 0) return `took ${tookText(env.clock.now() - started)}`;
          followed = left.services;
          if (env.clock.now() - started >= env.timing.waitTimeoutMs) {
            throw new ChatopsError(
              'teardown_wait_timeout',
              `After ${tookText(env.timing.waitTimeoutMs)}, ${drainText(left, 'still draining', 'still stopping')}.`,
            );
          }
          // Stop cleanly rather than be killed mid-wait: the next run plans from what is left.
          if (env.timeLeftMs() - env.timing.pollMs < env.timing.stopMarginMs) throw new OutOfTime();
          await progress.note(drainText(left, 'draining', 'stopping'));
          await env.clock.sleep(env.timing.pollMs);
        }
      },
    });
  }

  for (const instance of plan.containerInstances) {
    steps.push({
      kind: 'deregister container instance',
      label: `Deregister container instance \`${escapeText(sliceWhole(instance.id, 12))}\`${instance.ec2InstanceId ? ` (${escapeText(instance.ec2InstanceId)})` : ''}`,
      async run() {
        // Once deregistered, ECS no longer lists it: remember its EC2 instance until it is terminated.
        if (instance.ec2InstanceId && plan.ec2Instances.some((i) => i.id === instance.ec2InstanceId)) {
          await rememberLeftovers(env.state, env.alias, [instance.ec2InstanceId], env.requestId, env.clock.now());
        }
        return (await aws.instances.deregister(instance.id)) === 'gone' ? 'already deregistered' : undefined;
      },
    });
  }

  for (const instance of plan.ec2Instances) {
    steps.push({
      kind: 'terminate EC2 instance',
      label: `Terminate EC2 instance \`${escapeText(instance.id)}\`${instance.type ? ` (${escapeText(instance.type)})` : ''}`,
      async run() {
        const state = await aws.instances.terminate(instance.id);
        await forgetLeftover(env.state, env.alias, instance.id);
        return state === 'terminated' ? undefined : escapeText(state.replace('-', ' '));
      },
    });
  }

  if (plan.clusterActive) {
    steps.push({
      kind: 'delete cluster',
      label: `Delete cluster \`${escapeText(env.cluster.name)}\``,
      async run() {
        return (await aws.cluster.delete()) === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  for (const repo of plan.repositories) {
    steps.push({
      kind: 'delete repository',
      label: `Delete ECR repository \`${escapeText(repo.name)}\` and its ${count(repo.imageCount, 'image')}`,
      async run() {
        return (await aws.ecr.deleteRepository(repo.name)) === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  return steps;
}
