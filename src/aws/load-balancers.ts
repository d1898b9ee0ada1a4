import { type TargetGroup, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type AwsClients } from './clients';
import { awsCall, type AwsCallContext } from './errors';
import { mapLimit } from './concurrency';

/** One registered target as DescribeTargetHealth reports it. */
export interface TargetHealthInfo {
  /** An instance id (bridge and host networking) or an IP address (awsvpc). */
  id: string;
  port?: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable */
  state: string;
  /** e.g. Target.ResponseCodeMismatch, Target.Timeout, Elb.InitialHealthChecking. */
  reason?: string;
  /** e.g. "Health checks failed with these codes: [404]". */
  description?: string;
}

/** A target group's health check and the health of each of its targets. */
export interface TargetGroupHealth {
  arn: string;
  name: string;
  protocol?: string;
  port?: number;
  healthCheckProtocol?: string;
  /** "traffic-port" or a port number, as ELBv2 keeps it. */
  healthCheckPort?: string;
  healthCheckPath?: string;
  /** The HTTP codes a healthy target answers, e.g. "200" or "200-299". */
  matcher?: string;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  intervalSeconds?: number;
  targets: TargetHealthInfo[];
}

export interface LoadBalancerOps {
  /**
   * DescribeTargetGroups for these ARNs, then DescribeTargetHealth of each: what `why` needs to
   * say which health check fails, on which path and port, with the reason code.
   */
  targetHealth(targetGroupArns: readonly string[]): Promise<TargetGroupHealth[]>;
}

/** DescribeTargetGroups takes at most 20 ARNs a call (ELBv2 API Reference, DescribeTargetGroups). */
const ARNS_PER_CALL = 20;

/** ELBv2 reads with the cluster's role, in the cluster's region; the client is loaded on first use. */
export function createLoadBalancerOps(
  clients: Pick<AwsClients, 'elbv2'>,
  base: Omit<AwsCallContext, 'action'>,
): LoadBalancerOps {
  const elb = () => clients.elbv2();
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  return {
    async targetHealth(arns) {
      if (arns.length === 0) return [];
      const { m, client } = await elb();
      const groups: TargetGroupHealth[] = [];
      for (let i = 0; i < arns.length; i += ARNS_PER_CALL) {
        const out = await awsCall(ctx('elasticloadbalancing:DescribeTargetGroups'), () =>
          client.send(new m.DescribeTargetGroupsCommand({ TargetGroupArns: arns.slice(i, i + ARNS_PER_CALL) })),
        );
        for (const g of out.TargetGroups ?? []) groups.push(toGroup(g));
      }
      await mapLimit(groups, 5, async (group) => {
        const out = await awsCall(ctx('elasticloadbalancing:DescribeTargetHealth', group.arn), () =>
          client.send(new m.DescribeTargetHealthCommand({ TargetGroupArn: group.arn })),
        );
        group.targets = (out.TargetHealthDescriptions ?? []).map(toTarget);
      });
      return groups;
    },
  };
}

/** ELBv2's TargetGroup, as `why` quotes it. */
function toGroup(g: TargetGroup): TargetGroupHealth {
  return {
    arn: g.TargetGroupArn ?? '',
    name: g.TargetGroupName ?? '?',
    ...(g.Protocol ? { protocol: g.Protocol } : {}),
    ...(g.Port !== undefined ? { port: g.Port } : {}),
    ...(g.HealthCheckProtocol ? { healthCheckProtocol: g.HealthCheckProtocol } : {}),
    ...(g.HealthCheckPort ? { healthCheckPort: g.HealthCheckPort } : {}),
    ...(g.HealthCheckPath ? { healthCheckPath: g.HealthCheckPath } : {}),
    ...(g.Matcher?.HttpCode ? { matcher: g.Matcher.HttpCode } : {}),
    ...(g.HealthyThresholdCount !== undefined ? { healthyThreshold: g.HealthyThresholdCount } : {}),
    ...(g.UnhealthyThresholdCount !== undefined ? { unhealthyThreshold: g.UnhealthyThresholdCount } : {}),
    ...(g.HealthCheckIntervalSeconds !== undefined ? { intervalSeconds: g.HealthCheckIntervalSeconds } : {}),
    targets: [],
  };
}

/** One row of DescribeTargetHealth. */
function toTarget(d: TargetHealthDescription): TargetHealthInfo {
  return {
    id: d.Target?.Id ?? '?',
    ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
    state: d.TargetHealth?.State ?? 'unknown',
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
  };
}
