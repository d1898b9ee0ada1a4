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
          awsvpc: service.networkConfiguration?.awsvpcConfiguration,
          ...(service.loadBalancers ? { loadBalancers: service.loadBalancers } : {}),
        });
      }
    }
    for (const [family, behaviour] of Object.entries(account.behaviours ?? {})) {
      for (const at of behaviour.crash?.atMs ?? []) world.crashTaskOfFamilyAt(family, now + at, behaviour.crash!);
    }
  });
}
