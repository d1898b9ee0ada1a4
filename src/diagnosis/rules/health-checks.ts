import { type TargetGroupHealth, type TargetHealthInfo } from '../../aws/load-balancers';
import { type Rule, stopQuote } from '../evidence';

const ELB_STOP = /failed ELB health checks in \(target-group ([^)]+)\)/i;

/**
 * Tasks the load balancer found unhealthy: ECS replaces them ("Task failed ELB health checks in
 * (target-group …)"). DescribeTargetHealth says why, by reason code (ELBv2 API Reference, TargetHealth).
 */
export const healthChecks: Rule = (e) => {
  const stop = ELB_STOP.exec(e.task?.stoppedReason ?? '');
  const groups = e.targetGroups ?? [];
  const failing = groups
    .map((g) => ({ g, bad: g.targets.filter((t) => t.state === 'unhealthy') }))
    .filter((x) => x.bad.length > 0);
  if (!stop && failing.length === 0) return undefined;
  const group: TargetGroupHealth | undefined =
    failing[0]?.g ?? groups.find((g) => stop && (g.arn === stop[1] || stop[1]!.includes(`/${g.name}/`)));
  const bad = failing[0]?.bad ?? [];
  const quotes = e.task && stop ? [stopQuote(e.task)] : [];
  // ECS's own event names the failing check's description even when the target is gone.
  const unhealthyEvent = [...(e.service?.events ?? [])]
    .sort((a, b) => b.createdAt - a.createdAt)
    .find((ev) => /is unhealthy in \(target-group/i.test(ev.message));
  if (unhealthyEvent) quotes.push(`ECS: ${unhealthyEvent.message}`);
  if (group) {
    quotes.push(
      `target group ${group.name}: health check ${group.healthCheckProtocol ?? 'HTTP'} ${group.healthCheckPath ?? '/'} on port ${group.healthCheckPort ?? 'traffic-port'}${group.healthCheckPort === 'traffic-port' && group.port ? ` (the target's port)` : ''}, healthy codes ${group.matcher ?? '200'}`,
    );
    for (const t of bad.slice(0, 5)) quotes.push(targetQuote(t));
    if (bad.length > 5) quotes.push(`and ${bad.length - 5} more unhealthy targets`);
    if (bad.length === 0)
      quotes.push(`its targets now: ${group.targets.map((t) => `${t.id} ${t.state}`).join(', ') || 'none registered'}`);
  } else if (stop) {
    quotes.push(`target group ${stop[1]}: its health could not be read`);
  }
  const reason = bad[0]?.reason;
  const said = bad[0]?.description ?? /due to \(reason (.*)\)\.?$/.exec(unhealthyEvent?.message ?? '')?.[1];
  // The reason code by ECS's event words when no target shows it now: "codes: [404]" is a code mismatch.
  const code =
    reason ??
    (/codes: \[/i.test(said ?? '')
      ? 'Target.ResponseCodeMismatch'
      : /timed out|timeout/i.test(said ?? '')
        ? 'Target.Timeout'
        : undefined);
  const path = group?.healthCheckPath ?? '/';
  const port =
    group?.healthCheckPort && group.healthCheckPort !== 'traffic-port' ? group.healthCheckPort : 'the container port';
  const fix =
    code === 'Target.ResponseCodeMismatch'
      ? `Make the application answer ${path} with ${group?.matcher ?? '200'}, or point the target group's health check at a path that does (or widen the matcher).`
      : code === 'Target.Timeout'
        ? `Make ${path} answer within the health check timeout: check the application listens on ${port} and that the task's security group lets the load balancer in; if start-up is slow, raise the service's healthCheckGracePeriodSeconds.`
        : code === 'Target.FailedHealthChecks'
          ? `The load balancer could not connect: check the application listens on ${port} (and on 0.0.0.0, not only localhost) and that the task's security group allows the load balancer's security group on that port.`
          : `Check that the application answers ${path} on ${port} with ${group?.matcher ?? '200'}, and that the security group lets the load balancer in; raise healthCheckGracePeriodSeconds if it starts slowly.`;
  return {
    rule: 'failing-health-checks',
    cause: `The load balancer's health checks fail${group ? ` in target group ${group.name}` : ''}${reason || said ? ` (${[reason, said].filter(Boolean).join(': ')})` : ''}, so ECS keeps replacing the tasks.`,
    fix,
    quotes,
  };
};

function targetQuote(t: TargetHealthInfo): string {
  return `target ${t.id}${t.port !== undefined ? `:${t.port}` : ''}: ${t.state}${t.reason ? `, ${t.reason}` : ''}${t.description ? ` — ${t.description}` : ''}`;
}
