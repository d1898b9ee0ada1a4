import type { AwsVpcConfiguration, CapacityProviderStrategyItem, NetworkConfiguration } from '@aws-sdk/client-ecs';
import type { AwsVpcNetwork, CapacityProviderItem, LaunchSpec } from './types';

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
