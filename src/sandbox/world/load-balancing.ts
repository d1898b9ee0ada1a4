import type { WorldContext } from './context';

export type { TargetGroupCheck, TargetGroupChecks } from './context';
import type { ServiceLoadBalancer, ServiceRecord, TaskRecord } from './records';

export type { ServiceLoadBalancer } from './records';
import { addServiceEvent } from './service-events';

/**
 * Services behind an ELBv2 target group (CreateService `loadBalancers`): each running task is a
 * target. When the target group's health check fails for it (the ELBv2 module says how), ECS
 * writes "(service S) (task T) (port P) is unhealthy in (target-group G) due to (reason R)" and
 * replaces the task: stop code ServiceSchedulerInitiated, stopped reason "Task failed ELB health
 * checks in (target-group ARN)" ("Amazon ECS service unhealthy event messages", ECS Developer Guide).
 */

/** A task as a target: its IP (awsvpc) or its EC2 instance, and the port the load balancer uses. */
export function targetOf(task: TaskRecord, lb: ServiceLoadBalancer): { id: string; port: number } | undefined {
  if (task.eni) return { id: task.eni.privateIp, port: lb.containerPort };
  const binding = task.containers
    .find((c) => c.name === lb.containerName)
    ?.networkBindings.find((b) => b.containerPort === lb.containerPort);
  const instanceId = task.instance?.ec2.id;
  if (!binding || !instanceId) return undefined;
  return { id: instanceId, port: binding.hostPort };
}

/** Called as a task reaches RUNNING: a failing health check replaces it once it has been judged. */
/** How the world stops a task (tasks.ts `requestStop`), passed in: tasks.ts starts the watch. */
export type StopTask = (
  ctx: WorldContext,
  task: TaskRecord,
  stopCode: 'ServiceSchedulerInitiated',
  reason: string,
) => void;

export function watchTargetHealth(ctx: WorldContext, task: TaskRecord, stop: StopTask): void {
  const service = task.service;
  if (!service?.loadBalancers?.length || !ctx.targetGroupChecks) return;
  for (const lb of service.loadBalancers) {
    const check = ctx.targetGroupChecks(lb.targetGroupArn);
    if (!check?.failing) continue;
    const failing = check.failing;
    ctx.timers.schedule(ctx.now + Math.max(1, check.judgedAfterMs + check.intervalMs), () => {
      if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
      failHealthCheck(ctx, service, task, lb, check.name, failing, stop);
    });
    return;
  }
}

function failHealthCheck(
  ctx: WorldContext,
  service: ServiceRecord,
  task: TaskRecord,
  lb: ServiceLoadBalancer,
  groupName: string,
  failing: { reason: string; description: string },
  stop: StopTask,
): void {
  const target = targetOf(task, lb);
  const where = task.instance && !task.eni ? ` (instance ${task.instance.ec2.id})` : '';
  addServiceEvent(
    ctx,
    service,
    `(service ${service.name}) (task ${task.id})${where} (port ${target?.port ?? lb.containerPort}) is unhealthy in (target-group ${groupName}) due to (reason ${failing.description}).`,
    { causeChanged: true },
  );
  stop(ctx, task, 'ServiceSchedulerInitiated', `Task failed ELB health checks in (target-group ${lb.targetGroupArn})`);
}
