import { type CommandContext } from '../commands/types';
import { type ServiceDetail, type TaskInfo } from '../aws/types';

export type Settlement =
  | { kind: 'settled'; service: ServiceDetail }
  | { kind: 'unplaceable'; service: ServiceDetail; reason: string; eventMessage: string }
  /** `stopped`: the service's tasks that started after the change and have stopped, newest first. */
  | { kind: 'failed'; service: ServiceDetail; reason: string; stopped: TaskInfo[] }
  | { kind: 'timeout'; service: ServiceDetail; stopped: TaskInfo[] };

const PLACEMENT_FAILURE = /was unable to place a task/i;

/**
 * Watches a service after a change until it settles (running = desired, one deployment), cannot
 * place tasks (a new placement-failure event), its deployment fails, or the time runs out.
 * New events are told apart by id, so the AWS clock and ours need not agree.
 */
export async function waitForSettlement(ctx: CommandContext, name: string, before: ServiceDetail): Promise<Settlement> {
  const seen = new Set(before.events.map((e) => e.id));
  const deadline = ctx.clock.now() + ctx.timing.followUpTimeoutMs;
  // The deployment this change started (deploy, restart) or the one it adjusted (scale).
  const watchedDeployment = before.deployments.find((d) => d.status === 'PRIMARY');
  const watched = watchedDeployment?.id;
  // When the change reached ECS, on ECS's own clock: tasks created since then are the change's.
  const since = watchedDeployment?.updatedAt ?? watchedDeployment?.createdAt;
  let service = before;
  for (;;) {
    await ctx.clock.sleep(ctx.timing.followUpPollMs);
    service = await ctx.aws.services.describe(name);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const ours = service.deployments.find((d) => d.id === watched);
    // The circuit breaker marks our deployment FAILED and starts a new PRIMARY that rolls back. By the
    // next look ours may be gone and the rollback done, so a replaced PRIMARY plus ECS's "rolling back"
    // (in the new deployment's reason or a new event) counts too.
    const fresh = service.events.filter((e) => !seen.has(e.id));
    const replaced = watched !== undefined && primary !== undefined && primary.id !== watched;
    const rolledBack = replaced && (/rolling back/i.test(primary.rolloutStateReason ?? '') || fresh.some((e) => /rolling back to deployment/i.test(e.message)));
    const failed = [ours, primary].find((d) => d?.rolloutState === 'FAILED');
    if (failed || rolledBack) {
      const failedEvent = fresh.find((e) => /deployment failed/i.test(e.message))?.message.replace(/^\(service [^)]*\)\s*(\(deployment [^)]*\)\s*)?(deployment failed:\s*)?/i, '');
      const why = failed?.rolloutStateReason ?? failedEvent ?? 'the deployment failed';
      const reason = rolledBack ? `${why.replace(/\.$/, '')}; ECS rolled back to ${primary!.taskDefinition}` : why;
      return { kind: 'failed', service, reason, stopped: await stoppedSince(ctx, name, since) };
    }
    if (service.running === service.desired && service.pending === 0 && service.deployments.length <= 1) {
      return { kind: 'settled', service };
    }
    const placement = service.events.find((e) => !seen.has(e.id) && PLACEMENT_FAILURE.test(e.message));
    if (placement && service.pending === 0) {
      return { kind: 'unplaceable', service, reason: await placementReason(ctx, service, placement.message), eventMessage: placement.message };
    }
    if (ctx.clock.now() >= deadline) return { kind: 'timeout', service, stopped: await stoppedSince(ctx, name, since) };
  }
}

/** Stops the service scheduler or a person asked for (scale-in, replaced by a deployment): not why a change failed. */
const ASKED_FOR = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);

/**
 * Why the change's tasks stopped: the service's STOPPED tasks (ListTasks + DescribeTasks) created
 * at or after `since` (all of them when ECS gave no time) that stopped on their own, newest first.
 * Only asked when a follow-up ends badly; a failure to read them leaves the reply as it was.
 */
async function stoppedSince(ctx: CommandContext, name: string, since: number | undefined): Promise<TaskInfo[]> {
  try {
    const tasks = await ctx.aws.tasks.list({ service: name, stopped: true });
    return tasks
      .filter((t) => since === undefined || (t.createdAt ?? Number.POSITIVE_INFINITY) >= since)
      .filter((t) => !ASKED_FOR.has(t.stopCode ?? ''))
      .sort((a, b) => (b.stoppedAt ?? b.stoppingAt ?? 0) - (a.stoppedAt ?? a.stoppingAt ?? 0) || a.id.localeCompare(b.id));
  } catch (err) {
    ctx.logger.warn({ err: err instanceof Error ? err.message : String(err), service: name }, 'follow-up: could not read the stopped tasks');
    return [];
  }
}

/** ECS's placement event, said the way a person would, naming the port or the resource. */
export async function placementReason(ctx: CommandContext, service: ServiceDetail, message: string): Promise<string> {
  if (/already using a port/i.test(message)) {
    const [{ fixedHostPorts }, instances] = await Promise.all([
      ctx.aws.taskDefinitions.ports(service.taskDefinition).catch(() => ({ fixedHostPorts: [] as number[] })),
      ctx.aws.instances.count().catch(() => 0),
    ]);
    const ports = fixedHostPorts.length === 0 ? 'a host port it needs is' : fixedHostPorts.length === 1 ? `port ${fixedHostPorts[0]} is` : `ports ${fixedHostPorts.join(', ')} are`;
    const where = instances === 1 ? 'the only instance' : instances > 1 ? `all ${instances} instances` : 'every instance';
    return `${ports} already used on ${where}. Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.`;
  }
  if (/insufficient CPU/i.test(message)) return 'no instance has enough free CPU. Add instances or lower the task CPU.';
  if (/insufficient memory/i.test(message)) return 'no instance has enough free memory. Add instances or lower the task memory.';
  if (/no container instances were found/i.test(message)) return 'the cluster has no container instances.';
  return message;
}
