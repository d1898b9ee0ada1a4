import { type ClusterConfig, type Config } from '../config/schema';
import { closestName } from '../commands/suggest';
import { wildcardMatches } from '../config/wildcard';
import { escapeText } from '../text/escape';

export { wildcardMatches };

/**
 * Which cluster owns which task definition families and ECR repositories, and which image
 * registries `deploy --image` may use. Task definitions and repositories belong to an AWS
 * account and region, not to a cluster, so without this rule operate on one cluster would reach
 * every other cluster of the same account. Pure functions of the config (and, for families, of
 * the list of families the cluster's services and tasks run now, which the worker reads).
 *
 * - A cluster owns the families its `taskDefinitionFamilies` matches. Without that key it owns
 *   the families its services and tasks run now, unless another cluster of the same account and
 *   region names the family in its config (an explicit claim wins over use).
 * - A cluster owns the repositories its `ecrRepositories` and `repositories` match; none without.
 * - `deploy --image` takes images from the cluster account's own ECR (repositories it owns) and
 *   from the registries `imageRegistries` lists.
 *
 * Patterns use IAM's wildcards (`*` any run of characters, `?` one), so the same strings work as
 * the parameters of deploy/cluster-roles.yaml.
 */

export type Ownership = { owned: true } | { owned: false; refusal: string };

/** Where a cluster's resources live: its role's account (and partition), and its region. */
export interface ClusterHome {
  account: string;
  partition: string;
  region: string;
}

export function homeOf(cluster: ClusterConfig): ClusterHome {
  // The config refuses roles outside the cluster's account, so the read role's names it too.
  const [, partition = 'aws', , , roleAccount = ''] = cluster.roles.read.split(':');
  return { account: cluster.account ?? roleAccount, partition, region: cluster.region };
}

/** The config's clusters in the same account and region as `alias` (it included), in config order. */
export function clustersSharingHome(config: Config, alias: string): string[] {
  const cluster = config.clusters[alias];
  if (!cluster) return [];
  const home = homeOf(cluster);
  return Object.entries(config.clusters)
    .filter(([, c]) => {
      const other = homeOf(c);
      return other.account === home.account && other.partition === home.partition && other.region === home.region;
    })
    .map(([a]) => a);
}

/** `web`, `web:3` or a task definition ARN → `web`. */
export function familyOf(ref: string): string {
  const name = ref.includes('task-definition/')
    ? ref.slice(ref.lastIndexOf('task-definition/') + 'task-definition/'.length)
    : ref;
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

// ---- task definition families -------------------------------------------------------------------

/** Whether the rule for this family needs the families the cluster runs now (a read in the worker). */
export function familyNeedsLiveUse(config: Config, alias: string, family: string): boolean {
  const cluster = config.clusters[alias];
  return (
    cluster !== undefined &&
    cluster.taskDefinitionFamilies === undefined &&
    familyClaimants(config, alias, family).length === 0
  );
}

/**
 * Whether `alias` owns `family`. `running` is what its services and tasks run now (needed only
 * when familyNeedsLiveUse says so); `verb` names the command in the refusal.
 */
export function familyOwnership(
  config: Config,
  alias: string,
  family: string,
  verb: string,
  running: readonly string[] = [],
): Ownership {
  const cluster = config.clusters[alias];
  if (!cluster)
    return {
      owned: false,
      refusal: `There is no cluster \`${escapeText(alias)}\` in the config. Nothing was changed.`,
    };
  const declared = cluster.taskDefinitionFamilies;
  const claimants = familyClaimants(config, alias, family);
  if (
    declared !== undefined
      ? declared.some((p) => wildcardMatches(p, family))
      : claimants.length === 0 && running.includes(family)
  )
    return { owned: true };

  const key = `clusters.${alias}.taskDefinitionFamilies`;
  const lines = [
    `\`${escapeText(family)}\` is not a task definition family of *${alias}*, so \`${verb}\` may not use it there.`,
  ];
  lines.push(...guessLine(family, declared !== undefined ? declared : running));
  if (claimants.length > 0) {
    lines.push(
      `It belongs to ${claimants.map((c) => `*${c}* (\`clusters.${c}.taskDefinitionFamilies\`)`).join(' and ')}.`,
    );
    if (declared === undefined && running.includes(family))
      lines.push(`*${alias}* runs it too, but a claim in the config wins over use.`);
  } else {
    lines.push('No cluster of this account claims it in the config.');
  }
  lines.push(
    declared !== undefined
      ? `*${alias}* owns the families \`${key}\` lists: ${list(declared)}.`
      : `The config gives *${alias}* no \`${key}\`, so it owns only the families its services and tasks run now that no other cluster claims: ${list(running.filter((f) => familyClaimants(config, alias, f).length === 0).sort())}.`,
  );
  lines.push(`If it should be ${alias}'s, add it to \`${key}\` in the config. Nothing was changed.`);
  return { owned: false, refusal: lines.join(' ') };
}

/** "Did you mean `web`?" among the plain names (not the patterns) a cluster owns. */
function guessLine(typed: string, owned: readonly string[]): string[] {
  const guess = closestName(
    typed,
    owned.filter((p) => !/[*?]/.test(p)),
  );
  return guess && guess !== typed ? [`Did you mean \`${escapeText(guess)}\`?`] : [];
}

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names
    .slice(0, 12)
    .map((n) => `\`${escapeText(n)}\``)
    .join(', ');
  return names.length > 12 ? `${shown} and ${names.length - 12} more` : shown;
}

/** Other clusters of the same account and region whose config names this family. */
function familyClaimants(config: Config, alias: string, family: string): string[] {
  return clustersSharingHome(config, alias).filter(
    (a) => a !== alias && (config.clusters[a]?.taskDefinitionFamilies ?? []).some((p) => wildcardMatches(p, family)),
  );
}

// ---- ECR repositories ----------------------------------------------------------------------------

function repositoryPatterns(cluster: ClusterConfig): string[] {
  return [...cluster.ecrRepositories, ...(cluster.repositories ?? [])];
}

export function repositoryOwnership(config: Config, alias: string, repository: string, verb: string): Ownership {
  const cluster = config.clusters[alias];
  if (!cluster)
    return {
      owned: false,
      refusal: `There is no cluster \`${escapeText(alias)}\` in the config. Nothing was changed.`,
    };
  const patterns = repositoryPatterns(cluster);
  if (patterns.some((p) => wildcardMatches(p, repository))) return { owned: true };
  const claimants = clustersSharingHome(config, alias).filter(
    (a) => a !== alias && repositoryPatterns(config.clusters[a]!).some((p) => wildcardMatches(p, repository)),
  );
  const key = `clusters.${alias}.repositories`;
  const lines = [
    `\`${escapeText(repository)}\` is not an ECR repository of *${alias}*, so \`${verb}\` may not use it there.`,
  ];
  lines.push(...guessLine(repository, patterns));
  lines.push(
    claimants.length > 0
      ? `It belongs to ${claimants.map((c) => `*${c}*`).join(' and ')} (\`clusters.${claimants[0]}.repositories\` or \`ecrRepositories\`).`
      : 'No cluster of this account claims it in the config.',
  );
  lines.push(
    patterns.length > 0
      ? `*${alias}* owns ${list(patterns)}.`
      : `*${alias}* owns no repository: the config gives it none.`,
  );
  lines.push(`If it should be ${alias}'s, add it to \`${key}\` in the config. Nothing was changed.`);
  return { owned: false, refusal: lines.join(' ') };
}

// ---- images for deploy --image -------------------------------------------------------------------

export interface ImageReference {
  /** `docker.io`, `public.ecr.aws`, `111111111111.dkr.ecr.us-east-1.amazonaws.com`, … */
  registry: string;
  /** The repository path in that registry, without tag or digest (`library/nginx`). */
  path: string;
  /** Set when the registry is an account's private ECR. */
  ecr?: { account: string; region: string };
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Splits an image URI as Docker does: a first part with a `.` or `:` (or `localhost`) is a registry; else Docker Hub. */
export function parseImage(uri: string): ImageReference {
  const withoutDigest = uri.split('@')[0]!;
  const parts = withoutDigest.split('/');
  const last = parts.pop()!;
  const colon = last.indexOf(':');
  parts.push(colon < 0 ? last : last.slice(0, colon));
  const first = parts[0]!;
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry || DOCKER_HUB.has(first)) {
    const path = hasRegistry ? parts.slice(1) : parts;
    return { registry: 'docker.io', path: (path.length === 1 ? ['library', ...path] : path).join('/') };
  }
  const registry = first;
  const path = parts.slice(1).join('/');
  const ecr = ECR_HOST.exec(registry);
  return { registry, path, ...(ecr ? { ecr: { account: ecr[1]!, region: ecr[2]! } } : {}) };
}

/** A registry pattern matches the image's `registry/path` part by part from the left, each part with IAM's wildcards. */
function registryMatches(pattern: string, image: ImageReference): boolean {
  const want = pattern.split('/');
  const have = [image.registry, ...image.path.split('/')];
  if (want.length > have.length) return false;
  return want.every((p, i) => wildcardMatches(p, have[i]!));
}

export function imageOwnership(config: Config, alias: string, uri: string, verb: string): Ownership {
  const cluster = config.clusters[alias];
  if (!cluster)
    return {
      owned: false,
      refusal: `There is no cluster \`${escapeText(alias)}\` in the config. Nothing was changed.`,
    };
  const image = parseImage(uri);
  const home = homeOf(cluster);
  // Its own account's ECR: the repository must be one the cluster owns.
  if (image.ecr?.account === home.account) return repositoryOwnership(config, alias, image.path, verb);
  const allowed = cluster.imageRegistries ?? [];
  if (allowed.some((p) => registryMatches(p, image))) return { owned: true };
  const ownEcr = `${home.account}.dkr.ecr.${home.region}.amazonaws.com${home.partition === 'aws-cn' ? '.cn' : ''}`;
  const suggestion = image.registry === 'docker.io' ? `docker.io/${image.path.split('/')[0]}` : image.registry;
  return {
    owned: false,
    refusal: [
      `\`${escapeText(uri)}\` is not from a registry *${alias}* may deploy from, so \`${verb}\` did not register anything.`,
      `*${alias}* takes images from its own account's ECR (\`${ownEcr}\`, repositories it owns)${allowed.length > 0 ? ` and from ${allowed.map((p) => `\`${p}\``).join(', ')}` : ''}.`,
      `To allow this one, add \`${escapeText(suggestion)}\` (or a narrower path) to \`clusters.${alias}.imageRegistries\` in the config. Nothing was changed.`,
    ].join(' '),
  };
}
