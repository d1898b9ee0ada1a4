import { OutOfTime, type ExecutionEnv, type GatedOperation, type Step } from '../approvals/operations';
import { type TeardownPlan } from '../approvals/types';
import { ChatopsError } from '../errors';
import { forgetLeftover, rememberLeftovers } from '../state/approvals';
import { count } from '../text/words';
import { tookText } from '../text/times';
import { readTeardownPlan, teardownPlanChanges } from './plan';
import { escapeText } from '../slack/message';
import { sliceWhole } from '../unicode';

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
    // Steps are told apart by how their labels start (the labels below).
    const done = (prefix: string) => steps.filter((s) => s.state === 'done' && s.label.startsWith(prefix)).length;
    const said = [
      [done('Scale'), 'service deleted', 'services deleted'],
      [done('Stop task'), 'task stopped', 'tasks stopped'],
      [done('Deregister'), 'container instance deregistered', 'container instances deregistered'],
      [done('Terminate'), 'EC2 instance terminated', 'EC2 instances terminated'],
      [done('Delete ECR'), 'ECR repository deleted', 'ECR repositories deleted'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, one, many]) => count(Number(n), String(one), String(many)));
    if (done('Delete cluster') > 0)
      said.splice(said.length - (done('Delete ECR') > 0 ? 1 : 0), 0, 'the cluster deleted');
    return `Teardown finished in ${tookText(tookMs)}: ${said.length > 0 ? said.join(', ') : 'there was nothing left to do'}.`;
  },
};

export function teardownSteps(env: ExecutionEnv, plan: TeardownPlan): Step[] {
  const { aws } = env;
  const steps: Step[] = [];

  for (const service of plan.services.filter((s) => s.status === 'ACTIVE')) {
    steps.push({
      label: `Scale \`${escapeText(service.name)}\` to 0 and delete it`,
      async run() {
        const result = await aws.teardown.deleteService(service.name);
        return result === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  for (const task of plan.tasks) {
    steps.push({
      label: `Stop task \`${escapeText(sliceWhole(task.id, 12))}\` (${escapeText(task.taskDefinition)})`,
      async run() {
        return (await aws.teardown.stopTask(task.id, env.reason)) === 'gone' ? 'already stopped' : undefined;
      },
    });
  }

  if (plan.clusterActive && (plan.services.length > 0 || plan.tasks.length > 0 || (plan.stoppingTasks ?? 0) > 0)) {
    steps.push({
      label: 'Wait for the services to drain and the tasks to stop',
      async run(progress) {
        const started = env.clock.now();
        // The deleted services are followed by name (DescribeServices until INACTIVE), never
        // found through ListServices, which stops listing a service the moment it is DRAINING.
        let followed = plan.services.map((s) => s.name);
        for (;;) {
          const left = await aws.teardown.drainState(followed);
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
      label: `Deregister container instance \`${escapeText(sliceWhole(instance.id, 12))}\`${instance.ec2InstanceId ? ` (${escapeText(instance.ec2InstanceId)})` : ''}`,
      async run() {
        // Once deregistered, ECS no longer lists it: remember its EC2 instance until it is terminated.
        if (instance.ec2InstanceId && plan.ec2Instances.some((i) => i.id === instance.ec2InstanceId)) {
          await rememberLeftovers(env.state, env.alias, [instance.ec2InstanceId], env.requestId, env.clock.now());
        }
        return (await aws.teardown.deregisterContainerInstance(instance.id)) === 'gone'
          ? 'already deregistered'
          : undefined;
      },
    });
  }

  for (const instance of plan.ec2Instances) {
    steps.push({
      label: `Terminate EC2 instance \`${escapeText(instance.id)}\`${instance.type ? ` (${escapeText(instance.type)})` : ''}`,
      async run() {
        const state = await aws.teardown.terminateInstance(instance.id);
        await forgetLeftover(env.state, env.alias, instance.id);
        return state === 'terminated' ? undefined : escapeText(state.replace('-', ' '));
      },
    });
  }

  if (plan.clusterActive) {
    steps.push({
      label: `Delete cluster \`${escapeText(env.cluster.name)}\``,
      async run() {
        return (await aws.teardown.deleteCluster()) === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  for (const repo of plan.repositories) {
    steps.push({
      label: `Delete ECR repository \`${escapeText(repo.name)}\` and its ${count(repo.imageCount, 'image')}`,
      async run() {
        return (await aws.deletes.deleteRepository(repo.name)) === 'gone' ? 'already deleted' : undefined;
      },
    });
  }

  return steps;
}

/** "2 services draining (web, api), 3 tasks stopping". */
export function drainText(left: { services: string[]; tasks: number }, draining: string, stopping: string): string {
  const parts: string[] = [];
  if (left.services.length > 0)
    parts.push(
      `${count(left.services.length, 'service')} ${draining} (${escapeText(left.services.slice(0, 5).join(', '))}${left.services.length > 5 ? ', …' : ''})`,
    );
  if (left.tasks > 0) parts.push(`${count(left.tasks, 'task')} ${stopping}`);
  return parts.join(' and ');
}
