import { type Evidence } from '../evidence';

/**
 * What the task's subnet says about a timeout: its default route and the VPC's endpoints for the
 * services named (e.g. ecr.dkr, secretsmanager), as quotes, and a verdict when they explain it.
 */
export function networkQuotes(e: Evidence, services: readonly string[]): { quotes: string[]; verdict?: string } {
  const reach = e.subnet;
  if (!reach) {
    return {
      quotes: [
        e.task?.subnetId
          ? `subnet ${e.task.subnetId}: its routes could not be read`
          : 'the task has no subnet of its own (not awsvpc)',
      ],
    };
  }
  const route = reach.defaultRoute
    ? `default route 0.0.0.0/0 → ${reach.defaultRoute.target} (${reach.defaultRoute.kind.replace('-', ' ')})`
    : 'no default route (0.0.0.0/0): no NAT gateway, no internet gateway';
  const wanted = services.map((s) => ({ s, has: reach.endpoints.some((n) => n.endsWith(`.${s}`)) }));
  const endpoints = wanted.map((w) => `${w.s} ${w.has ? 'yes' : 'no'}`).join(', ');
  const quotes = [
    `subnet ${reach.subnetId}${reach.routeTableId ? ` (route table ${reach.routeTableId})` : ''}: ${route}`,
    `VPC endpoints: ${endpoints}`,
  ];
  const publicIp = e.task?.containers !== undefined && reach.defaultRoute?.kind === 'internet-gateway';
  const verdict =
    !reach.defaultRoute && wanted.some((w) => !w.has)
      ? `Its subnet ${reach.subnetId} is private with no NAT gateway and no VPC endpoint for ${wanted
          .filter((w) => !w.has)
          .map((w) => w.s)
          .join(', ')}.`
      : publicIp
        ? `Its subnet ${reach.subnetId} routes to an internet gateway: the task needs a public IP (assignPublicIp ENABLED) to use it.`
        : undefined;
  return verdict ? { quotes, verdict } : { quotes };
}
