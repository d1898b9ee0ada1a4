import { AwsError } from './errors';
import { defineService, xmlResult, type ActionContext } from './service-module';
import type { SandboxWorld } from './world/world';
import { targetOf, type TargetGroupCheck } from './world/load-balancing';

/**
 * Elastic Load Balancing v2 over the awsQuery protocol (Version 2015-12-01): the target groups of
 * services behind a load balancer and the health of their targets, as `why` reads them.
 * DescribeTargetGroups: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html
 * DescribeTargetHealth and the reason codes: API_DescribeTargetHealth.html, API_TargetHealth.html.
 *
 * Seed: `account.services.elasticloadbalancing = { targetGroups: [{ name, port, healthCheckPath,
 * failing: { reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these
 * codes: [404]' } }] }`; a service's `loadBalancers` names a group by its ARN (`targetGroupArn(…)`).
 * The targets are the running tasks of the services that name the group (registered by ECS).
 */

export interface Elbv2Seed {
  targetGroups?: TargetGroupSeed[];
}

export interface TargetGroupSeed {
  name: string;
  /** Default 80, HTTP. */
  port?: number;
  protocol?: 'HTTP' | 'HTTPS' | 'TCP';
  /** Default '/'. */
  healthCheckPath?: string;
  /** Default 'traffic-port'. */
  healthCheckPort?: string;
  /** Healthy HTTP codes; default '200'. */
  matcher?: string;
  /** Default 30 s and 2 failures (an ALB's defaults are 30 s, 5 healthy, 2 unhealthy). */
  intervalSeconds?: number;
  unhealthyThreshold?: number;
  /** Every target fails the health check this way. */
  failing?: {
    reason: 'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks';
    description: string;
  };
}

interface TargetGroupRecord extends Required<Omit<TargetGroupSeed, 'failing'>> {
  arn: string;
  loadBalancerArn: string;
  failing?: TargetGroupSeed['failing'];
}

interface Elbv2State {
  groups: Map<string, TargetGroupRecord>;
}

type Ctx = ActionContext<Elbv2State>;

/** A target group's ARN as ELBv2 writes it: …:targetgroup/NAME/16 hex digits. */
export function targetGroupArn(region: string, accountId: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${name}/${hexOf(name)}`;
}

function hexOf(name: string): string {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return (h.toString(16).padStart(8, '0') + ((h ^ 0x5bd1e995) >>> 0).toString(16).padStart(8, '0')).slice(0, 16);
}

function createState(init: {
  world: SandboxWorld;
  account: { accountId: string; region: string; services?: Partial<Record<string, unknown>> };
}): Elbv2State {
  const seed = (init.account.services?.elasticloadbalancing ?? {}) as Elbv2Seed;
  const groups = new Map<string, TargetGroupRecord>();
  const { region, accountId } = init.account;
  for (const g of seed.targetGroups ?? []) {
    const arn = targetGroupArn(region, accountId, g.name);
    groups.set(arn, {
      arn,
      name: g.name,
      port: g.port ?? 80,
      protocol: g.protocol ?? 'HTTP',
      healthCheckPath: g.healthCheckPath ?? '/',
      healthCheckPort: g.healthCheckPort ?? 'traffic-port',
      matcher: g.matcher ?? '200',
      intervalSeconds: g.intervalSeconds ?? 30,
      unhealthyThreshold: g.unhealthyThreshold ?? 2,
      loadBalancerArn: `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/${g.name}-alb/${hexOf(`${g.name}-alb`)}`,
      ...(g.failing ? { failing: g.failing } : {}),
    });
  }
  init.world.setTargetGroupChecks((arn) => {
    const g = groups.get(arn);
    return g ? check(g) : undefined;
  });
  return { groups };
}

function check(g: TargetGroupRecord): TargetGroupCheck {
  return {
    name: g.name,
    judgedAfterMs: g.intervalSeconds * g.unhealthyThreshold * 1000,
    intervalMs: g.intervalSeconds * 1000,
    ...(g.failing ? { failing: g.failing } : {}),
  };
}

function describeTargetGroups(ctx: Ctx) {
  ctx.authorize();
  const arns = ctx.params.optStringList('TargetGroupArns');
  const names = ctx.params.optStringList('Names');
  const lb = ctx.params.optString('LoadBalancerArn');
  if ([arns, names, lb].filter((x) => x !== undefined).length > 1)
    throw new AwsError('ValidationError', 'Only one of TargetGroupArns, Names or LoadBalancerArn may be specified');
  let groups = [...ctx.state.groups.values()];
  if (arns) {
    groups = arns.map((a) => ctx.state.groups.get(a)).filter((g): g is TargetGroupRecord => g !== undefined);
    if (groups.length < arns.length) throw notFound();
  } else if (names) {
    groups = names.map((n) => groups.find((g) => g.name === n)).filter((g): g is TargetGroupRecord => g !== undefined);
    if (groups.length < names.length) throw notFound();
  } else if (lb) groups = groups.filter((g) => g.loadBalancerArn === lb);
  const vpcId = ctx.world.vpc().id;
  return xmlResult({
    TargetGroups: groups.map((g) => ({
      TargetGroupArn: g.arn,
      TargetGroupName: g.name,
      Protocol: g.protocol,
      Port: g.port,
      VpcId: vpcId,
      HealthCheckProtocol: g.protocol === 'TCP' ? 'TCP' : g.protocol,
      HealthCheckPort: g.healthCheckPort,
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: g.intervalSeconds,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: g.unhealthyThreshold,
      HealthCheckPath: g.protocol === 'TCP' ? undefined : g.healthCheckPath,
      Matcher: g.protocol === 'TCP' ? undefined : { HttpCode: g.matcher },
      LoadBalancerArns: [g.loadBalancerArn],
      TargetType: 'instance',
      ProtocolVersion: g.protocol === 'TCP' ? undefined : 'HTTP1',
      IpAddressType: 'ipv4',
    })),
  });
}

/** Each target's state: initial until judged, then healthy or unhealthy; draining while ECS stops the task. */
function describeTargetHealth(ctx: Ctx) {
  ctx.authorize();
  const arn = ctx.params.string('TargetGroupArn');
  const g = ctx.state.groups.get(arn);
  if (!g) throw notFound();
  const now = ctx.world.now;
  const judgedAfter = check(g).judgedAfterMs;
  const descriptions = ctx.world.targetsOf(arn).flatMap(({ task, lb }) => {
    if (task.lastStatus === 'PENDING') return [];
    const target = targetOf(task, lb);
    if (!target) return [];
    const health =
      task.desiredStatus === 'STOPPED'
        ? {
            State: 'draining',
            Reason: 'Target.DeregistrationInProgress',
            Description: 'Target deregistration is in progress',
          }
        : now - (task.startedAt ?? now) < judgedAfter
          ? { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' }
          : g.failing
            ? { State: 'unhealthy', Reason: g.failing.reason, Description: g.failing.description }
            : { State: 'healthy' };
    return [
      {
        Target: { Id: target.id, Port: target.port },
        HealthCheckPort: g.healthCheckPort === 'traffic-port' ? String(target.port) : g.healthCheckPort,
        TargetHealth: health,
      },
    ];
  });
  return xmlResult({ TargetHealthDescriptions: descriptions });
}

function notFound(): AwsError {
  return new AwsError('TargetGroupNotFound', 'One or more target groups not found', { status: 400 });
}

export const elbv2Service = defineService<Elbv2State>({
  name: 'elasticloadbalancing',
  protocol: {
    kind: 'query',
    style: 'awsQuery',
    version: '2015-12-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  },
  errors: {
    accessDenied: 'AccessDenied',
    throttling: 'Throttling',
    throttlingMessage: 'Rate exceeded',
    expiredToken: 'ExpiredToken',
    unknownOperation: 'InvalidAction',
    validation: 'ValidationError',
  },
  createState: (init) => createState(init),
  actions: {
    DescribeTargetGroups: describeTargetGroups,
    DescribeTargetHealth: describeTargetHealth,
  },
});
