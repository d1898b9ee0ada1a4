import { AwsError, invalidParameter } from '../errors';
import { FARGATE_PROVIDERS as FARGATE_CAPACITY_PROVIDERS } from '../world/fargate';
import type { ActionContext } from '../service-module';
import { page } from './paging';
import { clusterName } from './resources';

/**
 * ECS operations about the account rather than one cluster's workload, the ones an AWS CLI user
 * reaches for first: ListTagsForResource, DescribeCapacityProviders and ListAccountSettings.
 */

type Ctx = ActionContext<undefined>;

/**
 * ListTagsForResource: the tags of a cluster, service, task, task definition or container
 * instance, by ARN (`{ tags: [{ key, value }] }`).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTagsForResource.html
 */
export function listTagsForResource(ctx: Ctx) {
  const arn = ctx.params.string('resourceArn');
  const parsed = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!parsed) throw invalidParameter('The ARN provided is invalid.');
  const [, region, account, type, rest] = parsed as unknown as [string, string, string, string, string];
  const parts = rest.split('/');
  const cluster =
    type === 'cluster' || type === 'task-definition' || type === 'capacity-provider'
      ? type === 'cluster'
        ? rest
        : undefined
      : parts[0];
  ctx.authorize(cluster === undefined ? { arn } : { arn, cluster: clusterName(cluster) });
  if (region !== ctx.region || account !== ctx.accountId)
    throw invalidParameter('The specified resource does not exist in this account and Region.');
  const tags = tagsOf(ctx, type, rest, parts);
  if (tags === undefined) throw invalidParameter('The specified resource could not be found.');
  return { tags };
}

function tagsOf(ctx: Ctx, type: string, rest: string, parts: string[]) {
  switch (type) {
    case 'cluster': {
      const cluster = ctx.world.findCluster(rest);
      if (!cluster || cluster.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      return cluster.tags;
    }
    case 'service':
      return parts.length === 2 ? ctx.world.findService(parts[0]!, parts[1]!)?.tags : undefined;
    case 'task':
      return parts.length === 2 ? ctx.world.findTask(parts[0]!, parts[1]!)?.tags : undefined;
    case 'container-instance':
      return parts.length === 2 && ctx.world.findContainerInstance(parts[0]!, parts[1]!) ? [] : undefined;
    case 'task-definition':
      return ctx.world.findTaskDefinition(rest)?.tags;
    case 'capacity-provider':
      return FARGATE_PROVIDERS.includes(rest) ? [] : undefined;
    default:
      return undefined;
  }
}

/**
 * The two capacity providers every account has in every Region without creating them (see
 * world/fargate.ts); the sandbox has no Auto Scaling group providers, so these are all there is.
 */
const FARGATE_PROVIDERS: readonly string[] = FARGATE_CAPACITY_PROVIDERS;

/**
 * DescribeCapacityProviders: by name or ARN, or all (up to 10 a page); names it does not know
 * come back as failures with reason MISSING; tags only with `include: ["TAGS"]`.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeCapacityProviders.html
 */
export function describeCapacityProviders(ctx: Ctx) {
  ctx.authorize();
  const refs = ctx.params.optStringList('capacityProviders');
  const withTags = (ctx.params.optStringList('include') ?? []).includes('TAGS');
  const render = (name: string) => ({
    capacityProviderArn: providerArn(ctx, name),
    name,
    status: 'ACTIVE',
    ...(withTags ? { tags: [] } : {}),
  });
  if (refs !== undefined) {
    if (refs.length > 100) throw invalidParameter('capacityProviders can have at most 100 items.');
    const found = refs.map((ref) => ({ ref, name: ref.slice(ref.lastIndexOf('/') + 1) }));
    return {
      capacityProviders: found.filter((f) => FARGATE_PROVIDERS.includes(f.name)).map((f) => render(f.name)),
      failures: found
        .filter((f) => !FARGATE_PROVIDERS.includes(f.name))
        .map((f) => ({ arn: f.ref.startsWith('arn:') ? f.ref : providerArn(ctx, f.name), reason: 'MISSING' })),
    };
  }
  const { items, nextToken } = page(FARGATE_PROVIDERS, ctx.params, { default: 10, max: 10 });
  return { capacityProviders: items.map(render), failures: [], nextToken };
}

function providerArn(ctx: Ctx, name: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:capacity-provider/${name}`;
}

/**
 * The account settings a new account has (none set by anyone: AWS's defaults), as
 * ListAccountSettings returns them with `effectiveSettings`.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListAccountSettings.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html
 */
const DEFAULT_SETTINGS: readonly { name: string; value: string }[] = [
  { name: 'awsvpcTrunking', value: 'disabled' },
  { name: 'containerInsights', value: 'disabled' },
  { name: 'containerInstanceLongArnFormat', value: 'enabled' },
  { name: 'dualStackIPv6', value: 'disabled' },
  { name: 'fargateFIPSMode', value: 'disabled' },
  { name: 'fargateTaskRetirementWaitPeriod', value: '7' },
  { name: 'guardDutyActivate', value: 'off' },
  { name: 'serviceLongArnFormat', value: 'enabled' },
  { name: 'tagResourceAuthorization', value: 'on' },
  { name: 'taskLongArnFormat', value: 'enabled' },
];

/**
 * ListAccountSettings: nobody has set any in the sandbox, so without `effectiveSettings` there
 * are none to list, and with it the defaults, as the account's (root's) settings. `value`
 * filters only together with `name`.
 */
export function listAccountSettings(ctx: Ctx) {
  ctx.authorize();
  const name = ctx.params.optString('name');
  const value = ctx.params.optString('value');
  if (value !== undefined && name === undefined) throw invalidParameter('value can only be specified with name.');
  if (name !== undefined && !DEFAULT_SETTINGS.some((s) => s.name === name))
    throw invalidParameter(`Invalid setting name: ${name}.`);
  const effective = ctx.params.optBool('effectiveSettings') ?? false;
  const root = `arn:aws:iam::${ctx.accountId}:root`;
  const all = effective
    ? DEFAULT_SETTINGS.filter(
        (s) => (name === undefined || s.name === name) && (value === undefined || s.value === value),
      ).map((s) => ({ ...s, principalArn: root, type: 'aws_managed' }))
    : [];
  const { items, nextToken } = page(all, ctx.params, { default: 10, max: 10 });
  return { settings: items, nextToken };
}
