import { type ClusterConfig, type Config, DEFAULT_NOTIFICATION_KINDS } from '../config/schema';
import { lastSegment } from './classify';
import { DEFAULT_NOTIFY_SETTINGS } from './constants';
import { type ClusterRef, type NotifySettings, type Route } from './types';

/**
 * The config alias of the cluster an event is about. `clusters.*.name` may be a name or an ARN;
 * an ARN matches exactly, a name matches the name in the event's ARN. When two configured
 * clusters share a name (different regions or accounts), the one in the event's region wins.
 */
export function findClusterAlias(config: Config, cluster: ClusterRef): string | undefined {
  const matches = Object.entries(config.clusters).filter(([, c]) => clusterMatches(c, cluster));
  if (matches.length <= 1) return matches[0]?.[0];
  const inRegion = matches.filter(([, c]) => c.region === cluster.region);
  return (inRegion[0] ?? matches[0])?.[0];
}

function clusterMatches(c: ClusterConfig, cluster: ClusterRef): boolean {
  if (c.name.startsWith('arn:')) return cluster.arn !== undefined ? c.name === cluster.arn : lastSegment(c.name) === cluster.name && regionOf(c.name) === cluster.region;
  return c.name === cluster.name;
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
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
  const serviceRoute = service !== undefined && Object.hasOwn(notify.services, service) ? notify.services[service] : undefined;
  const clusterSettings = settingsOf(notify, DEFAULT_NOTIFY_SETTINGS);
  if (serviceRoute) {
    return {
      alias,
      channel: serviceRoute.channel,
      kinds: serviceRoute.events ?? notify.events ?? DEFAULT_NOTIFICATION_KINDS,
      settings: settingsOf(serviceRoute, clusterSettings),
    };
  }
  return { alias, channel: notify.channel, kinds: notify.events ?? DEFAULT_NOTIFICATION_KINDS, settings: clusterSettings };
}

type NotifyKeys = { quietPeriod?: number; updateInterval?: number; threadDetails?: number; agentDisconnectGrace?: number };

/** The keys a route sets (durations already in ms), over `fallback` for the ones it does not. */
function settingsOf(keys: NotifyKeys, fallback: NotifySettings): NotifySettings {
  return {
    quietPeriodMs: keys.quietPeriod ?? fallback.quietPeriodMs,
    updateIntervalMs: keys.updateInterval ?? fallback.updateIntervalMs,
    threadDetails: keys.threadDetails ?? fallback.threadDetails,
    agentDisconnectGraceMs: keys.agentDisconnectGrace ?? fallback.agentDisconnectGraceMs,
  };
}
