import { type ClusterConfig, type Config, DEFAULT_NOTIFICATION_KINDS } from '../config/schema';
import { accountFromArn, lastSegment, regionFromArn } from './classify';
import { DEFAULT_NOTIFY_SETTINGS } from './constants';
import { type ClusterRef, type NotifySettings, type Route } from './types';

/**
 * The config alias of the cluster an event is about. `clusters.*.name` may be a name or an ARN;
 * an ARN matches exactly, a name matches the name in the event's ARN. Then the event must come
 * from the cluster's own account and region (the envelope's `account` and `region`, and the
 * cluster ARN's when the event has one): a cluster of the same name elsewhere is not ours, and an
 * event forwarded from another account onto our bus is not routed.
 */
export type ClusterMatch = { ok: true; alias: string } | { ok: false; foreign: boolean; reason: string };

export function matchCluster(config: Config, cluster: ClusterRef): ClusterMatch {
  const named = Object.entries(config.clusters).filter(([, c]) => clusterMatches(c, cluster));
  const home = named.find(([, c]) => fromClusterHome(c, cluster));
  if (home) return { ok: true, alias: home[0] };
  const first = named[0];
  if (!first)
    return { ok: false, foreign: false, reason: `cluster ${cluster.arn ?? cluster.name} is not in the config` };
  const [alias, c] = first;
  return {
    ok: false,
    foreign: true,
    reason: `event from account ${cluster.account ?? '(none)'} in ${cluster.region || '(no region)'} about ${cluster.arn ?? cluster.name}, but cluster ${alias} is in account ${clusterAccount(c)} in ${c.region}`,
  };
}

/** The alias, when the event is about a configured cluster and comes from its account and region. */
export function findClusterAlias(config: Config, cluster: ClusterRef): string | undefined {
  const match = matchCluster(config, cluster);
  return match.ok ? match.alias : undefined;
}

/** The AWS account of a configured cluster: `account`, else its ARN's (when named by ARN), else its read role's. */
export function clusterAccount(c: ClusterConfig): string {
  return c.account ?? (c.name.startsWith('arn:') ? accountFromArn(c.name) : accountFromArn(c.roles.read));
}

function clusterMatches(c: ClusterConfig, cluster: ClusterRef): boolean {
  if (c.name.startsWith('arn:'))
    return cluster.arn !== undefined ? c.name === cluster.arn : lastSegment(c.name) === cluster.name;
  return c.name === cluster.name;
}

function fromClusterHome(c: ClusterConfig, cluster: ClusterRef): boolean {
  const account = clusterAccount(c);
  if (cluster.account !== account || cluster.region !== c.region) return false;
  return (
    cluster.arn === undefined || (accountFromArn(cluster.arn) === account && regionFromArn(cluster.arn) === c.region)
  );
}

/**
 * The channel, event kinds and tunables for a cluster (and service): a service route overrides
 * the cluster's channel; kinds and each tunable come from the most specific route that sets them,
 * else the defaults.
 */
export function routeFor(config: Config, alias: string, service: string | undefined): Route | undefined {
  // Object.hasOwn: names come from events, and a service called "constructor" is still a service name.
  const notify = Object.hasOwn(config.clusters, alias) ? config.clusters[alias]?.notify : undefined;
  if (!notify) return undefined;
  const serviceRoute =
    service !== undefined && Object.hasOwn(notify.services, service) ? notify.services[service] : undefined;
  const clusterSettings = settingsOf(notify, DEFAULT_NOTIFY_SETTINGS);
  if (serviceRoute) {
    return {
      alias,
      channel: serviceRoute.channel,
      kinds: serviceRoute.events ?? notify.events ?? DEFAULT_NOTIFICATION_KINDS,
      settings: settingsOf(serviceRoute, clusterSettings),
    };
  }
  return {
    alias,
    channel: notify.channel,
    kinds: notify.events ?? DEFAULT_NOTIFICATION_KINDS,
    settings: clusterSettings,
  };
}

type NotifyKeys = {
  quietPeriod?: number;
  updateInterval?: number;
  threadDetails?: number;
  agentDisconnectGrace?: number;
};

/** The keys a route sets (durations already in ms), over `fallback` for the ones it does not. */
function settingsOf(keys: NotifyKeys, fallback: NotifySettings): NotifySettings {
  return {
    quietPeriodMs: keys.quietPeriod ?? fallback.quietPeriodMs,
    updateIntervalMs: keys.updateInterval ?? fallback.updateIntervalMs,
    threadDetails: keys.threadDetails ?? fallback.threadDetails,
    agentDisconnectGraceMs: keys.agentDisconnectGrace ?? fallback.agentDisconnectGraceMs,
  };
}
