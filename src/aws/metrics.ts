import { type STSClientConfig } from '@aws-sdk/client-sts';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { createRoleCredentials } from './credentials';
// Types only from ./clients: the events function uses this module and must not load the ECS client.
import { type AwsClients } from './clients';
import { awsCall, type AwsCallBase } from './errors';

/** One metric's points, oldest first (percent). */
export interface MetricSeries {
  /** Period start times (ms). */
  times: number[];
  values: number[];
}

/** A service's CPU and memory utilisation: the average and the maximum of each period. */
export interface ServiceUtilization {
  periodMs: number;
  cpu: { average: MetricSeries; maximum: MetricSeries };
  memory: { average: MetricSeries; maximum: MetricSeries };
}

export interface MetricOps {
  /**
   * AWS/ECS CPUUtilization and MemoryUtilization of one service, Average and Maximum, from
   * `from` to `to` in periods of `periodMs` (a multiple of a minute): one GetMetricData call.
   */
  serviceUtilization(
    service: string,
    window: { from: number; to: number; periodMs: number },
  ): Promise<ServiceUtilization>;
}

const QUERIES = [
  { id: 'cpuavg', metric: 'CPUUtilization', stat: 'Average' },
  { id: 'cpumax', metric: 'CPUUtilization', stat: 'Maximum' },
  { id: 'memavg', metric: 'MemoryUtilization', stat: 'Average' },
  { id: 'memmax', metric: 'MemoryUtilization', stat: 'Maximum' },
] as const;

/**
 * The per-service metrics ECS publishes to CloudWatch every minute (no Container Insights needed)
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html).
 * GetMetricData has no resource-level permissions, so the read role's statement is `*`.
 */
export function createMetricOps(clients: Pick<AwsClients, 'cloudwatch'>, base: AwsCallBase): MetricOps {
  const load = () => clients.cloudwatch();
  const cluster = base.clusterName.split('/').pop() ?? base.clusterName;
  return {
    async serviceUtilization(service, window) {
      const { m, client } = await load();
      const period = Math.max(60, Math.round(window.periodMs / 60_000) * 60);
      const out = await awsCall({ ...base, action: 'cloudwatch:GetMetricData', resource: `service ${service}` }, () =>
        client.send(
          new m.GetMetricDataCommand({
            StartTime: new Date(window.from),
            EndTime: new Date(window.to),
            ScanBy: 'TimestampAscending',
            MetricDataQueries: QUERIES.map((q) => ({
              Id: q.id,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ECS',
                  MetricName: q.metric,
                  Dimensions: [
                    { Name: 'ClusterName', Value: cluster },
                    { Name: 'ServiceName', Value: service },
                  ],
                },
                Period: period,
                Stat: q.stat,
              },
            })),
          }),
        ),
      );
      const series = (id: string): MetricSeries => {
        const r = out.MetricDataResults?.find((x) => x.Id === id);
        // Oldest first whatever order came back: the timestamps and values are paired by index.
        const pairs = (r?.Timestamps ?? [])
          .map((t, i) => ({ at: t.getTime(), value: r?.Values?.[i] }))
          .filter((p): p is { at: number; value: number } => typeof p.value === 'number' && Number.isFinite(p.value))
          .sort((a, b) => a.at - b.at);
        return { times: pairs.map((p) => p.at), values: pairs.map((p) => p.value) };
      };
      return {
        periodMs: period * 1000,
        cpu: { average: series('cpuavg'), maximum: series('cpumax') },
        memory: { average: series('memavg'), maximum: series('memmax') },
      };
    },
  };
}

/** Who the events function's CloudWatch reads are made as: no Slack user, so the function itself. */
export const NOTIFIER_IDENTITY = { user: { id: 'ecs-chatops-events', teamId: 'events' }, team: 'notifications' };

/**
 * For the events function: a service's memory (maximum per `periodMs`) in the `windowMs` before a
 * moment, read with the READ role of the service's cluster (one GetMetricData, credentials cached
 * per role as the worker's are). Loads STS and CloudWatch only; no ECS client.
 */
export function createMemoryReader(deps: {
  config: Config;
  clock: Clock;
  logger: Logger;
  clientConfig?: { endpoint?: string; maxAttempts?: number };
  stsConfig?: STSClientConfig;
  windowMs: number;
  periodMs?: number;
}): (where: { alias: string; service: string }, at: number) => Promise<MetricSeries | undefined> {
  const credentials = createRoleCredentials({
    clock: deps.clock,
    logger: deps.logger,
    stsConfig: {
      ...(deps.clientConfig?.endpoint ? { endpoint: deps.clientConfig.endpoint } : {}),
      ...deps.stsConfig,
    },
  });
  const readers = new Map<string, MetricOps>();
  return async ({ alias, service }, at) => {
    const cluster = deps.config.clusters[alias];
    const roleArn = cluster?.roles.read;
    if (!cluster || !roleArn) return undefined;
    let ops = readers.get(alias);
    if (!ops) {
      const config = {
        region: cluster.region,
        maxAttempts: deps.clientConfig?.maxAttempts ?? 3,
        ...(deps.clientConfig?.endpoint ? { endpoint: deps.clientConfig.endpoint } : {}),
        credentials: credentials.provider({
          roleArn,
          region: cluster.region,
          ...(cluster.externalId ? { externalId: cluster.externalId } : {}),
          ...NOTIFIER_IDENTITY,
          alias,
          level: 'read',
        }),
      };
      let loaded: ReturnType<AwsClients['cloudwatch']> | undefined;
      ops = createMetricOps(
        {
          cloudwatch: () =>
            (loaded ??= import('@aws-sdk/client-cloudwatch').then((m) => ({
              m,
              client: new m.CloudWatchClient(config),
            }))),
        },
        { alias, clusterName: cluster.name, region: cluster.region, roleArn },
      );
      readers.set(alias, ops);
    }
    const u = await ops.serviceUtilization(service, {
      from: at - deps.windowMs,
      // Whole minutes before the kill: the minute it happened in would mix in the replacement task.
      to: Math.floor(at / 60_000) * 60_000,
      periodMs: deps.periodMs ?? 60_000,
    });
    return u.memory.maximum;
  };
}
