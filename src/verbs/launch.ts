import { type AwsVpcNetwork, type LaunchSpec } from '../aws/launch';
import { type TaskDefinitionDetail } from '../aws/task-definitions';
import { type OptionSpec } from '../commands/grammar';
import { type CommandContext } from './context';
import { ChatopsError } from '../errors';
import { CapacityProviderName, LikeService } from '../commands/arguments';

/** The options `run` and `service create` share for choosing how tasks launch. */
export const LaunchOptions: Record<'like' | 'capacity-provider', OptionSpec> = {
  like: {
    type: 'string',
    description: "copy this service's subnets, security groups and public-IP setting (awsvpc tasks)",
  },
  'capacity-provider': {
    type: 'string',
    description: "launch on this capacity provider (e.g. FARGATE_SPOT) instead of the cluster's default strategy",
  },
};

export const LaunchArgs = {
  like: LikeService.optional(),
  'capacity-provider': CapacityProviderName.optional(),
};

export interface LaunchRequest {
  taskDefinition: string;
  like?: string;
  capacityProvider?: string;
  /** `run` or `service create`, for the reply that says what is missing. */
  verb: string;
}

/**
 * How a task of `taskDefinition` launches on this cluster, as the bot decides it:
 * `--capacity-provider`, else the cluster's default capacity provider strategy, else the launch
 * type the task definition requires (FARGATE in `requiresCompatibilities`), else EC2. awsvpc
 * tasks (every Fargate task) need a network configuration: `--like SVC`, else the cluster's
 * `network` config key, else a refusal that says how to give one.
 *
 * DescribeClusters, DescribeTaskDefinition and (with --like) DescribeServices are read at once.
 * A task definition that cannot be read is left to RunTask / CreateService, whose refusal names it.
 */
export async function chooseLaunch(ctx: CommandContext, request: LaunchRequest): Promise<LaunchSpec> {
  const [cluster, td, like] = await Promise.all([
    ctx.aws.cluster.describe(),
    ctx.aws.taskDefinitions.describe(request.taskDefinition).catch((): TaskDefinitionDetail | undefined => undefined),
    request.like ? ctx.aws.services.describe(request.like) : Promise.resolve(undefined),
  ]);
  const spec: LaunchSpec = {};
  const providers = cluster.capacityProviders ?? [];
  const defaultStrategy = cluster.defaultStrategy ?? [];
  if (request.capacityProvider) {
    if (providers.length > 0 && !providers.includes(request.capacityProvider)) {
      throw new ChatopsError(
        'capacity_provider_not_on_cluster',
        `*${ctx.alias}* has no capacity provider \`${request.capacityProvider}\`; it has ${providers.map((p) => `\`${p}\``).join(', ')}. Pick one of those with \`--capacity-provider\`.`,
      );
    }
    spec.capacityProviderStrategy = [{ capacityProvider: request.capacityProvider, weight: 1, base: 0 }];
  } else if (defaultStrategy.length > 0) {
    spec.capacityProviderStrategy = defaultStrategy;
  } else {
    spec.launchType =
      td?.requiresCompatibilities.includes('FARGATE') && !td.requiresCompatibilities.includes('EC2')
        ? 'FARGATE'
        : 'EC2';
  }
  const awsvpc = td?.networkMode === 'awsvpc' || (td !== undefined && spec.launchType === 'FARGATE');
  if (!awsvpc) return spec;
  const network: AwsVpcNetwork | undefined = like ? like.network : ctx.cluster.network;
  if (like && !like.network) {
    throw new ChatopsError(
      'like_without_network',
      `Service \`${like.name}\` in *${ctx.alias}* has no awsvpc network configuration to copy, and \`${request.taskDefinition}\` needs one. Name an awsvpc service with \`--like\`, or set \`network\` for *${ctx.alias}* in the bot's config.`,
    );
  }
  if (!network) {
    throw new ChatopsError(
      'network_missing',
      `\`${request.taskDefinition}\` uses awsvpc networking, so ECS needs its subnets and security groups, and *${ctx.alias}* has none configured. Add \`--like SVC\` to copy them from a service (\`/ecs ${request.verb} ${request.taskDefinition} --like web\`), or set \`network: { subnets: [...], securityGroups: [...] }\` for *${ctx.alias}* in the bot's config.`,
    );
  }
  spec.network = network;
  return spec;
}

/** How a launch reads in a reply: "on FARGATE_SPOT", "by the cluster's strategy FARGATE 1 / FARGATE_SPOT 3", "on EC2". */
export function describeLaunch(spec: LaunchSpec): string {
  const strategy = spec.capacityProviderStrategy;
  if (strategy && strategy.length === 1) return `on ${strategy[0]!.capacityProvider}`;
  if (strategy)
    return `by capacity provider strategy ${strategy.map((i) => `${i.capacityProvider} ${i.weight}${i.base > 0 ? ` (base ${i.base})` : ''}`).join(' / ')}`;
  return `on ${spec.launchType ?? 'EC2'}`;
}
