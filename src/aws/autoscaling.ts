import { type AwsClients } from './clients';
import { awsCall, type AwsCallBase, type AwsCallContext } from './errors';

/** One scaling policy of a service, in the words `service` shows. */
export interface ScalingPolicyInfo {
  name: string;
  /** TargetTrackingScaling | StepScaling | PredictiveScaling */
  type: string;
  /** Target tracking: the value it keeps, and on what (ECSServiceAverageCPUUtilization, …). */
  targetValue?: number;
  metric?: string;
}

/** The Application Auto Scaling target of an ECS service's desired count. */
export interface ScalableRange {
  min: number;
  max: number;
  policies: ScalingPolicyInfo[];
}

export interface AutoscalingOps {
  /**
   * The scalable target that manages the service's desired count, with its policies
   * (DescribeScalableTargets and DescribeScalingPolicies, at once); undefined when Application
   * Auto Scaling does not manage the service.
   */
  rangeOf(service: string): Promise<ScalableRange | undefined>;
  /** RegisterScalableTarget with a new minimum and/or maximum (the other one unchanged). */
  setRange(service: string, range: { min?: number; max?: number }): Promise<void>;
}

const DIMENSION = 'ecs:service:DesiredCount';

/**
 * Application Auto Scaling of ECS services: ResourceId `service/CLUSTER/SERVICE`, dimension
 * `ecs:service:DesiredCount`
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/services-that-can-integrate-ecs.html).
 */
export function createAutoscalingOps(clients: Pick<AwsClients, 'autoscaling'>, base: AwsCallBase): AutoscalingOps {
  const load = () => clients.autoscaling();
  const resourceId = (service: string) => `service/${base.clusterName.split('/').pop()}/${service}`;
  const ctx = (action: string, service: string): AwsCallContext => ({
    ...base,
    action,
    resource: `service ${service}`,
  });
  return {
    async rangeOf(service) {
      const { m, client } = await load();
      // Both at once: the policies are asked for by the service's resource id, so `service` and
      // `scale` spend no extra round trip on autoscaling.
      const [targets, policies] = await Promise.all([
        awsCall(ctx('application-autoscaling:DescribeScalableTargets', service), () =>
          client.send(
            new m.DescribeScalableTargetsCommand({
              ServiceNamespace: 'ecs',
              ScalableDimension: DIMENSION,
              ResourceIds: [resourceId(service)],
            }),
          ),
        ),
        awsCall(ctx('application-autoscaling:DescribeScalingPolicies', service), () =>
          client.send(
            new m.DescribeScalingPoliciesCommand({
              ServiceNamespace: 'ecs',
              ScalableDimension: DIMENSION,
              ResourceId: resourceId(service),
            }),
          ),
        ),
      ]);
      const target = targets.ScalableTargets?.find((t) => t.ResourceId === resourceId(service));
      if (!target || target.MinCapacity === undefined || target.MaxCapacity === undefined) return undefined;
      return {
        min: target.MinCapacity,
        max: target.MaxCapacity,
        policies: (policies.ScalingPolicies ?? []).map((p) => {
          const tracking = p.TargetTrackingScalingPolicyConfiguration;
          const metric =
            tracking?.PredefinedMetricSpecification?.PredefinedMetricType ??
            tracking?.CustomizedMetricSpecification?.MetricName;
          return {
            name: p.PolicyName ?? '',
            type: p.PolicyType ?? 'StepScaling',
            ...(tracking?.TargetValue !== undefined ? { targetValue: tracking.TargetValue } : {}),
            ...(metric ? { metric } : {}),
          };
        }),
      };
    },
    async setRange(service, range) {
      const { m, client } = await load();
      await awsCall(ctx('application-autoscaling:RegisterScalableTarget', service), () =>
        client.send(
          new m.RegisterScalableTargetCommand({
            ServiceNamespace: 'ecs',
            ScalableDimension: DIMENSION,
            ResourceId: resourceId(service),
            ...(range.min !== undefined ? { MinCapacity: range.min } : {}),
            ...(range.max !== undefined ? { MaxCapacity: range.max } : {}),
          }),
        ),
      );
    },
  };
}
