import type { AwsVpcConfiguration, CapacityProviderStrategyItem, NetworkConfiguration } from '@aws-sdk/client-ecs';

/** One item of a capacity provider strategy (a cluster's default, a service's, or one asked for). */
export interface CapacityProviderItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

/** awsvpc networking of a task or service. */
export interface AwsVpcNetwork {
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

/** How RunTask / CreateService launch: a launch type or a capacity provider strategy, and awsvpc networking. */
export interface LaunchSpec {
  launchType?: 'EC2' | 'FARGATE';
  capacityProviderStrategy?: CapacityProviderItem[];
  network?: AwsVpcNetwork;
}

/** A LaunchSpec → the RunTask / CreateService members (launchType or capacityProviderStrategy, networkConfiguration). */
export function launchParams(launch: LaunchSpec | undefined): {
  launchType?: 'EC2' | 'FARGATE';
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  networkConfiguration?: NetworkConfiguration;
} {
  if (!launch) return { launchType: 'EC2' };
  const out: ReturnType<typeof launchParams> = {};
  if (launch.capacityProviderStrategy && launch.capacityProviderStrategy.length > 0)
    out.capacityProviderStrategy = launch.capacityProviderStrategy;
  else out.launchType = launch.launchType ?? 'EC2';
  if (launch.network) {
    out.networkConfiguration = {
      awsvpcConfiguration: {
        subnets: launch.network.subnets,
        securityGroups: launch.network.securityGroups,
        assignPublicIp: launch.network.assignPublicIp ? 'ENABLED' : 'DISABLED',
      },
    };
  }
  return out;
}

export function toAwsVpcNetwork(config: AwsVpcConfiguration | undefined): AwsVpcNetwork | undefined {
  if (!config) return undefined;
  return {
    subnets: config.subnets ?? [],
    securityGroups: config.securityGroups ?? [],
    assignPublicIp: config.assignPublicIp === 'ENABLED',
  };
}

export function toStrategy(items: CapacityProviderStrategyItem[] | undefined): CapacityProviderItem[] | undefined {
  if (!items || items.length === 0) return undefined;
  return items.map((i) => ({ capacityProvider: i.capacityProvider ?? '?', weight: i.weight ?? 0, base: i.base ?? 0 }));
}
