import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import type { AccountSeed } from '../seed';
import type { SandboxWorld } from './world';

/** A seeded account has been running this long when the sandbox starts. */
export const SEED_HISTORY_MS = 10 * 60 * 1000;

/**
 * Builds the seeded account through the world's own operations, as of SEED_HISTORY_MS ago, then
 * lets it run up to now — so services are already steady (or crash-looping) at start-up.
 */
export function applySeed(world: SandboxWorld, account: AccountSeed, now: number): void {
  world.replayFrom(now - SEED_HISTORY_MS, () => {
    for (const td of account.taskDefinitions) world.registerTaskDefinition(td);
    for (const subnet of account.subnets ?? []) world.setSubnetFreeAddresses(subnet.id, subnet.availableIpAddressCount);
    for (const group of account.securityGroups ?? []) {
      const created = world.createSecurityGroup({ name: group.name, description: group.description ?? group.name });
      if (group.ingress?.length)
        world.authorizeSecurityGroupIngress(
          created.id,
          group.ingress.map((r) => ({
            ipProtocol: r.protocol,
            fromPort: r.fromPort,
            toPort: r.toPort,
            ...(r.cidrIpv4 ? { ipv4: [{ cidr: r.cidrIpv4, description: r.description }] } : {}),
            ...(r.cidrIpv6 ? { ipv6: [{ cidr: r.cidrIpv6, description: r.description }] } : {}),
          })),
        );
    }
    for (const cluster of account.clusters) {
      world.createCluster(cluster.name, cluster.tags, {
        providers: cluster.capacityProviders ?? [],
        strategy: cluster.defaultCapacityProviderStrategy ?? [],
      });
      for (const instance of cluster.instances ?? []) world.launchContainerInstance(cluster.name, instance);
      for (const service of cluster.services ?? []) {
        world.createService(cluster.name, {
          name: service.name,
          taskDefinition: service.taskDefinition,
          desiredCount: service.desiredCount,
          deploymentConfiguration: service.deploymentConfiguration,
          placementStrategy: service.placementStrategy,
          launchType: service.launchType,
          capacityProviderStrategy: service.capacityProviderStrategy,
          awsvpc: withGroupIds(world, service.networkConfiguration?.awsvpcConfiguration),
          ...(service.loadBalancers ? { loadBalancers: service.loadBalancers } : {}),
        });
      }
    }
    for (const [family, behaviour] of Object.entries(account.behaviours ?? {})) {
      for (const at of behaviour.crash?.atMs ?? []) world.crashTaskOfFamilyAt(family, now + at, behaviour.crash!);
    }
  });
}

/** A seed may name its own security groups by name (their ids are made when the seed is applied). */
function withGroupIds(world: SandboxWorld, config: AwsVpcConfiguration | undefined): AwsVpcConfiguration | undefined {
  if (!config?.securityGroups) return config;
  const groups = world.vpc().securityGroups;
  return {
    ...config,
    securityGroups: config.securityGroups.map((ref) => groups.find((g) => g.name === ref)?.id ?? ref),
  };
}
