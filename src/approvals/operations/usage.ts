import { z } from 'zod';
import { clustersSharingHome, homeOf, parseImage } from '../../auth/ownership';
import { type ClusterOps } from '../../aws/access';
import { type ServiceDetail } from '../../aws/services';
import { type ClusterConfig, type Config } from '../../config/schema';

/**
 * Which services still use a task definition revision or an ECR image, in every cluster of the
 * config that shares this cluster's account and region: task definitions and repositories
 * belong to the account, so a delete planned on one cluster can break another. The other
 * clusters are read with their own read roles (ListServices, DescribeServices, and for images
 * DescribeTaskDefinition), never changed; one that cannot be read is named as unchecked.
 */

/**
 * Which services of the config's clusters in the same account and region use what a delete
 * removes, and the clusters that could not be read. Optional in the plans: requests stored before
 * it was added lack it.
 */
export const PlanUsage = z.object({
  checked: z.array(z.object({ cluster: z.string(), services: z.array(z.string()) })),
  unchecked: z.array(z.object({ cluster: z.string(), reason: z.string() })),
});
export type PlanUsage = z.infer<typeof PlanUsage>;

type UsageTest = { taskDefinition: string } | { image: (uri: string) => boolean };

export interface UsageReader {
  /** Services that run this revision (`family:revision`), now or in a deployment still in progress. */
  ofTaskDefinition(taskDefinition: string): Promise<PlanUsage>;
  /** Services whose task definitions pull from this repository of the account's ECR (with `image`, only that image). */
  ofImage(repository: string, image?: { tag: string; digest?: string }): Promise<PlanUsage>;
}

/** What the reader needs of the job that plans the delete (a verb's context has all of it). */
export interface UsageScope {
  config: Config;
  alias: string;
  cluster: ClusterConfig;
  aws: ClusterOps;
  /** Another cluster of the config on its own read role; absent: other clusters are named as unchecked. */
  readCluster?: (alias: string) => Promise<ClusterOps>;
}

export function usageReader(ctx: UsageScope): UsageReader {
  const read = async (test: UsageTest): Promise<PlanUsage> => {
    const aliases = clustersSharingHome(ctx.config, ctx.alias);
    const results = await Promise.all(
      aliases.map(async (alias): Promise<{ cluster: string; services?: string[]; unchecked?: string }> => {
        try {
          const ops = alias === ctx.alias ? ctx.aws : ctx.readCluster ? await ctx.readCluster(alias) : undefined;
          if (!ops) return { cluster: alias, unchecked: 'this deployment cannot read other clusters' };
          return { cluster: alias, services: await servicesUsing(ops, test) };
        } catch (err) {
          if (alias === ctx.alias) throw err;
          return { cluster: alias, unchecked: err instanceof Error ? err.message.slice(0, 200) : 'unknown error' };
        }
      }),
    );
    return {
      checked: results.flatMap((r) => (r.services ? [{ cluster: r.cluster, services: r.services }] : [])),
      unchecked: results.flatMap((r) =>
        r.unchecked !== undefined ? [{ cluster: r.cluster, reason: r.unchecked }] : [],
      ),
    };
  };
  return {
    ofTaskDefinition: (taskDefinition) => read({ taskDefinition }),
    ofImage: (repository, image) => read({ image: pullsFrom(ctx.cluster, repository, image) }),
  };
}

async function servicesUsing(ops: ClusterOps, test: UsageTest): Promise<string[]> {
  const services = await ops.services.describeMany(await ops.services.listNames());
  const refs = (s: ServiceDetail) => [...new Set([s.taskDefinition, ...s.deployments.map((d) => d.taskDefinition)])];
  if ('taskDefinition' in test)
    return services
      .filter((s) => refs(s).includes(test.taskDefinition))
      .map((s) => s.name)
      .sort();
  const imagesOf = new Map<string, Promise<string[]>>();
  const images = (ref: string) => {
    let found = imagesOf.get(ref);
    if (!found) imagesOf.set(ref, (found = ops.taskDefinitions.find(ref).then((td) => td?.images ?? [])));
    return found;
  };
  const used = await Promise.all(
    services.map(async (s) => ((await Promise.all(refs(s).map(images))).flat().some(test.image) ? s.name : undefined)),
  );
  return used.filter((n): n is string => n !== undefined).sort();
}

/**
 * An image URI that pulls from `repository` in the cluster's own account's ECR; with `tag` or
 * `digest`, only that image (an untagged, undigested URI means `latest`, as Docker reads it).
 */
export function pullsFrom(
  cluster: ClusterConfig,
  repository: string,
  image?: { tag: string; digest?: string },
): (uri: string) => boolean {
  const home = homeOf(cluster);
  return (uri) => {
    const ref = parseImage(uri);
    if (ref.ecr?.account !== home.account || ref.ecr.region !== home.region || ref.path !== repository) return false;
    if (!image) return true;
    const at = uri.indexOf('@');
    if (at >= 0) return uri.slice(at + 1) === image.digest;
    const last = uri.slice(uri.lastIndexOf('/') + 1);
    const colon = last.indexOf(':');
    return (colon < 0 ? 'latest' : last.slice(colon + 1)) === image.tag;
  };
}
