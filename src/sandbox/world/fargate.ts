import type { AwsVpcConfiguration, CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { AwsError, clientException, invalidParameter } from '../errors';
import type { ClusterRecord, StrategyItem, TaskDefinitionRecord } from './records';

export type { StrategyItem } from './records';

/**
 * AWS Fargate in the sandbox: the two capacity providers every account has, the task sizes
 * Fargate accepts, and how RunTask / CreateService pick a launch type from what they are given.
 */

/**
 * "The FARGATE and FARGATE_SPOT capacity providers are reserved and are available to all accounts"
 * (ECS Developer Guide, "AWS Fargate capacity providers"). The sandbox has no Auto Scaling group
 * providers, so these are the only names a cluster may be given.
 */
export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;
export type FargateProvider = (typeof FARGATE_PROVIDERS)[number];

/** The platform version `LATEST` resolves to for Linux tasks. */
export const FARGATE_PLATFORM_VERSION = '1.4.0';
/** Ephemeral storage every Fargate task on platform 1.4.0 gets unless it asks for more. */
export const FARGATE_EPHEMERAL_GIB = 20;

/**
 * The CPU/memory pairs Fargate runs (RegisterTaskDefinition reference, `memory`): 256 CPU with
 * 512, 1024 or 2048 MiB; 512 with 1–4 GB; 1024 with 2–8 GB; 2048 with 4–16 GB and 4096 with
 * 8–30 GB in 1 GB steps; 8192 with 16–60 GB in 4 GB steps; 16384 with 32–120 GB in 8 GB steps.
 */
export function isFargateSize(cpu: number, memory: number): boolean {
  const gb = (n: number) => n * 1024;
  const stepped = (from: number, to: number, step: number) =>
    memory >= gb(from) && memory <= gb(to) && (memory - gb(from)) % gb(step) === 0;
  switch (cpu) {
    case 256:
      return memory === 512 || memory === 1024 || memory === 2048;
    case 512:
      return stepped(1, 4, 1);
    case 1024:
      return stepped(2, 8, 1);
    case 2048:
      return stepped(4, 16, 1);
    case 4096:
      return stepped(8, 30, 1);
    case 8192:
      return stepped(16, 60, 4);
    case 16384:
      return stepped(32, 120, 8);
    default:
      return false;
  }
}

/**
 * What RegisterTaskDefinition checks for `requiresCompatibilities: ["FARGATE"]`: awsvpc, task-level
 * CPU and memory, and a size from the table above. AWS answers a size it has no Fargate
 * configuration for with ClientException "No Fargate configuration exists for given values"
 * ("Troubleshoot Amazon ECS task definition invalid CPU or memory errors", ECS Developer Guide).
 */
export function checkFargateTaskDefinition(input: {
  networkMode: string;
  cpu: number | undefined;
  memory: number | undefined;
}): void {
  if (input.networkMode !== 'awsvpc') throw clientException('Fargate only supports network mode ‘awsvpc’.');
  if (input.cpu === undefined) throw clientException("Fargate requires that 'cpu' be defined at the task level.");
  if (input.memory === undefined) throw clientException("Fargate requires that 'memory' be defined at the task level.");
  if (!isFargateSize(input.cpu, input.memory)) {
    throw clientException(
      `No Fargate configuration exists for given values: ${input.cpu} CPU, ${input.memory} memory. See the Amazon ECS documentation for the valid values.`,
    );
  }
}

export type LaunchChoice = { launchType: 'EC2' } | { launchType: 'FARGATE'; strategy?: StrategyItem[] };

/**
 * How RunTask and CreateService decide: `launchType` and `capacityProviderStrategy` exclude each
 * other; with neither, the cluster's default capacity provider strategy, else EC2 (RunTask
 * reference, `capacityProviderStrategy`: "If no capacityProviderStrategy or launchType is
 * specified, the defaultCapacityProviderStrategy for the cluster is used").
 */
export function chooseLaunch(
  cluster: ClusterRecord,
  td: TaskDefinitionRecord,
  launchType: string | undefined,
  strategy: CapacityProviderStrategyItem[] | undefined,
): LaunchChoice {
  if (launchType !== undefined && strategy !== undefined && strategy.length > 0) {
    throw invalidParameter(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  }
  let choice: LaunchChoice;
  if (launchType !== undefined) {
    if (launchType !== 'EC2' && launchType !== 'FARGATE')
      throw invalidParameter(`The sandbox supports the EC2 and FARGATE launch types, not ${launchType.slice(0, 40)}.`);
    choice = launchType === 'EC2' ? { launchType: 'EC2' } : { launchType: 'FARGATE' };
  } else {
    const items = strategy !== undefined && strategy.length > 0 ? normaliseStrategy(strategy) : cluster.defaultStrategy;
    for (const item of items) {
      if (!cluster.capacityProviders.includes(item.capacityProvider)) {
        throw invalidParameter(
          'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
        );
      }
    }
    choice = items.length > 0 ? { launchType: 'FARGATE', strategy: items } : { launchType: 'EC2' };
  }
  if (choice.launchType === 'FARGATE' && !td.requiresCompatibilities.includes('FARGATE')) {
    throw invalidParameter('Task definition does not support launch_type FARGATE.');
  }
  return choice;
}

export function normaliseStrategy(items: CapacityProviderStrategyItem[]): StrategyItem[] {
  if (items.length > 20) throw invalidParameter('capacityProviderStrategy can have at most 20 items.');
  const out = items.map((item) => {
    const name = item.capacityProvider ?? '';
    if (!(FARGATE_PROVIDERS as readonly string[]).includes(name)) {
      throw invalidParameter(
        'The specified capacity provider does not exist. Specify a valid capacity provider and try again.',
      );
    }
    const weight = item.weight ?? 0;
    const base = item.base ?? 0;
    if (!Number.isInteger(weight) || weight < 0 || weight > 1000)
      throw invalidParameter('weight must be between 0 and 1000.');
    if (!Number.isInteger(base) || base < 0 || base > 100000)
      throw invalidParameter('base must be between 0 and 100000.');
    return { capacityProvider: name, weight, base };
  });
  if (out.filter((i) => i.base > 0).length > 1)
    throw invalidParameter('Only one capacity provider in a strategy can have a base defined.');
  if (out.every((i) => i.weight === 0))
    throw invalidParameter('At least one capacity provider in a strategy must have a weight greater than zero.');
  return out;
}

/**
 * Which provider the next task goes to: the one with a base gets tasks until it has `base` of
 * them, then tasks go by weight (the provider furthest below its share of the weight).
 * `running` counts the live tasks of this group on each provider.
 */
export function pickProvider(strategy: StrategyItem[], running: ReadonlyMap<string, number>): string {
  for (const item of strategy) if (item.base > (running.get(item.capacityProvider) ?? 0)) return item.capacityProvider;
  const weighted = strategy.filter((i) => i.weight > 0);
  const total = [...running.values()].reduce((a, b) => a + b, 0) + 1;
  const totalWeight = weighted.reduce((a, i) => a + i.weight, 0);
  let best = weighted[0]!;
  let bestDeficit = -Infinity;
  for (const item of weighted) {
    const deficit = (total * item.weight) / totalWeight - (running.get(item.capacityProvider) ?? 0);
    if (deficit > bestDeficit) {
      best = item;
      bestDeficit = deficit;
    }
  }
  return best.capacityProvider;
}

/** PutClusterCapacityProviders: every name must exist and the strategy may use only those given. */
export function putClusterCapacityProviders(
  ctx: { readonly now: number },
  cluster: ClusterRecord,
  providers: string[],
  strategy: CapacityProviderStrategyItem[],
): ClusterRecord {
  for (const name of providers) {
    if (!(FARGATE_PROVIDERS as readonly string[]).includes(name)) {
      throw invalidParameter(
        'The specified capacity provider does not exist. Specify a valid capacity provider and try again.',
      );
    }
  }
  const items = strategy.length > 0 ? normaliseStrategy(strategy) : [];
  if (items.some((i) => !providers.includes(i.capacityProvider))) {
    throw invalidParameter(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
    );
  }
  // "You can only disassociate an existing capacity provider from a cluster if it's not being
  // used by any existing tasks" (PutClusterCapacityProviders reference).
  for (const task of cluster.tasks.values()) {
    if (
      task.lastStatus !== 'STOPPED' &&
      task.capacityProviderName !== undefined &&
      !providers.includes(task.capacityProviderName)
    ) {
      throw new AwsError('ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
    }
  }
  cluster.capacityProviders = [...new Set(providers)];
  cluster.defaultStrategy = items;
  cluster.updatedAt = ctx.now;
  return cluster;
}

/** RunTask and CreateService: awsvpc needs subnets (and Fargate needs awsvpc, checked at registration). */
export function requireAwsVpc(
  td: TaskDefinitionRecord,
  config: AwsVpcConfiguration | undefined,
): AwsVpcConfiguration | undefined {
  if (td.networkMode !== 'awsvpc') {
    if (config !== undefined)
      throw invalidParameter('Network Configuration is not valid for the given networkMode of this task definition.');
    return undefined;
  }
  if (config === undefined)
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  if ((config.subnets ?? []).length === 0) throw invalidParameter('subnets can not be empty.');
  if ((config.subnets ?? []).length > 16) throw invalidParameter('subnets can have at most 16 items.');
  if ((config.securityGroups ?? []).length > 5) throw invalidParameter('securityGroups can have at most 5 items.');
  return config;
}

export interface FargateLaunch {
  capacityProviderName?: string;
}
