import { AwsError } from './errors';
import { defineService, JSON_SERVICE_ERRORS, type ActionContext, type ServiceModuleInit } from './service-module';
import type { TaskBehaviour } from './seed';
import type { TaskRecord } from './world/records';
import type { SandboxWorld } from './world/world';

/**
 * Amazon CloudWatch GetMetricData over AWS JSON 1.0 (`X-Amz-Target:
 * GraniteServiceVersion20100801.GetMetricData`, what @aws-sdk/client-cloudwatch speaks since it
 * moved off the query protocol), for the metrics ECS publishes without Container Insights:
 * namespace `AWS/ECS`, CPUUtilization and MemoryUtilization, dimensions ClusterName and
 * ServiceName (or ClusterName alone for the cluster)
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html).
 *
 * The values come from the world's tasks: each task that was RUNNING at a minute gives one
 * sample per metric (ECS publishes one-minute data), so a period's Average is the mean of the
 * samples and Maximum the busiest task. A task's CPU is a steady level for its family with a
 * slow wave and noise; its memory a flat level, except for a family whose tasks are OOM-killed
 * (a crash behaviour with exit code 137 or OutOfMemoryError): there memory grows from the
 * task's start to about 100 % when it is killed, the curve of a leak. Minutes with no running
 * task have no data point, as in CloudWatch. Other namespaces and metrics have no data.
 * Tasks are forgotten an hour after they stop (stoppedTaskRetentionMs), so older curves thin out.
 */

export interface MetricsState {
  world: SandboxWorld;
  behaviours: Record<string, TaskBehaviour>;
}

type Ctx = ActionContext<MetricsState>;

const MINUTE = 60_000;
/** GetMetricData: at most 500 queries, 100,800 data points in one answer. */
const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const STATS = new Set(['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount']);
const QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;

function createState(init: ServiceModuleInit): MetricsState {
  return { world: init.world, behaviours: init.account.behaviours ?? {} };
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message);
}

/** Epoch seconds (the JSON protocols' timestamps) or an ISO string → ms. */
function timeParam(ctx: Ctx, name: string): number {
  const value = ctx.params.raw[name];
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`The parameter ${name} is required.`);
  return ms;
}

interface MetricQuery {
  id: string;
  label: string;
  namespace: string;
  metric: string;
  dimensions: Map<string, string>;
  periodMs: number;
  stat: string;
  returnData: boolean;
}

function readQuery(raw: Record<string, unknown>): MetricQuery {
  const id = typeof raw.Id === 'string' ? raw.Id : '';
  if (!QUERY_ID.test(id)) {
    throw invalid(
      `The value ${id} for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase letter.`,
    );
  }
  if (raw.Expression !== undefined) throw invalid('Metric math expressions are not simulated by the sandbox.');
  const stat = raw.MetricStat as Record<string, unknown> | undefined;
  const metric = stat?.Metric as Record<string, unknown> | undefined;
  if (!stat || !metric) throw invalid(`The parameter MetricDataQueries.member.MetricStat is required for ${id}.`);
  const period = typeof stat.Period === 'number' ? stat.Period : NaN;
  // Periods of a minute or more are multiples of 60; shorter ones only for high-resolution metrics.
  if (
    !Number.isInteger(period) ||
    period < 1 ||
    (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 20, 30].includes(period))
  ) {
    throw invalid(
      `The parameter MetricDataQueries.member.MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60 (${id}).`,
    );
  }
  const statName = typeof stat.Stat === 'string' ? stat.Stat : '';
  if (!STATS.has(statName)) throw invalid(`The sandbox does not compute the statistic ${statName} (${id}).`);
  const dimensions = new Map<string, string>();
  for (const d of (metric.Dimensions as { Name?: unknown; Value?: unknown }[] | undefined) ?? []) {
    if (typeof d.Name === 'string' && typeof d.Value === 'string') dimensions.set(d.Name, d.Value);
  }
  const metricName = typeof metric.MetricName === 'string' ? metric.MetricName : '';
  return {
    id,
    label: typeof raw.Label === 'string' ? raw.Label : metricName,
    namespace: typeof metric.Namespace === 'string' ? metric.Namespace : '',
    metric: metricName,
    dimensions,
    // Sub-minute periods of a one-minute metric answer at one-minute resolution.
    periodMs: Math.max(period * 1000, MINUTE),
    stat: statName,
    returnData: raw.ReturnData !== false,
  };
}

function getMetricData(ctx: Ctx): unknown {
  const queries = ctx.params.optList('MetricDataQueries');
  const start = timeParam(ctx, 'StartTime');
  const end = timeParam(ctx, 'EndTime');
  const scanBy = ctx.params.optString('ScanBy') ?? 'TimestampDescending';
  const maxDatapoints = ctx.params.optInt('MaxDatapoints') ?? MAX_DATAPOINTS;
  // GetMetricData has no resource-level permissions: IAM evaluates it against `*`.
  ctx.authorize();
  if (!queries || queries.length === 0) throw invalid('The parameter MetricDataQueries is required.');
  if (queries.length > MAX_QUERIES)
    throw invalid(`The collection MetricDataQueries must not have more than ${MAX_QUERIES} members.`);
  if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalid(
      `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
    );
  }
  const parsed = queries.map(readQuery);
  const ids = new Set<string>();
  for (const q of parsed) {
    if (ids.has(q.id)) throw invalid(`The value ${q.id} for parameter MetricDataQueries.member.Id is not unique.`);
    ids.add(q.id);
  }
  const now = ctx.world.now;
  const results = parsed
    .filter((q) => q.returnData)
    .map((q) => {
      const points = datapoints(ctx, q, start, Math.min(end, now)).slice(0, maxDatapoints);
      if (scanBy === 'TimestampDescending') points.reverse();
      return {
        Id: q.id,
        Label: q.label,
        Timestamps: points.map((p) => p.at / 1000),
        Values: points.map((p) => p.value),
        StatusCode: 'Complete',
        Messages: [],
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

/** Oldest first: one point per period that has at least one sample. */
function datapoints(ctx: Ctx, q: MetricQuery, start: number, end: number): { at: number; value: number }[] {
  if (q.namespace !== 'AWS/ECS' || (q.metric !== 'CPUUtilization' && q.metric !== 'MemoryUtilization')) return [];
  const clusterName = q.dimensions.get('ClusterName');
  const serviceName = q.dimensions.get('ServiceName');
  const cluster = clusterName ? ctx.world.findCluster(clusterName) : undefined;
  if (!cluster || [...q.dimensions.keys()].some((k) => k !== 'ClusterName' && k !== 'ServiceName')) return [];
  const tasks = [...cluster.tasks.values()].filter(
    (t) =>
      t.startedAt !== undefined &&
      (serviceName === undefined ? t.service !== undefined : t.service?.name === serviceName),
  );
  const points: { at: number; value: number }[] = [];
  // Periods are aligned to multiples of the period, as CloudWatch aligns them.
  for (let at = Math.floor(start / q.periodMs) * q.periodMs; at < end; at += q.periodMs) {
    const samples: number[] = [];
    for (let minute = at; minute < at + q.periodMs && minute < end; minute += MINUTE) {
      const sampleAt = minute + MINUTE / 2;
      for (const task of tasks) {
        if (!runningAt(task, sampleAt)) continue;
        samples.push(q.metric === 'CPUUtilization' ? cpuOf(task, sampleAt) : memoryOf(ctx.state, task, sampleAt));
      }
    }
    if (samples.length > 0) points.push({ at, value: statistic(q.stat, samples) });
  }
  return points;
}

function runningAt(task: TaskRecord, at: number): boolean {
  const stopped = task.executionStoppedAt ?? task.stoppedAt ?? task.stoppingAt;
  return task.startedAt !== undefined && task.startedAt <= at && (stopped === undefined || at < stopped);
}

function statistic(stat: string, samples: number[]): number {
  const sum = samples.reduce((a, b) => a + b, 0);
  const value =
    stat === 'Maximum'
      ? Math.max(...samples)
      : stat === 'Minimum'
        ? Math.min(...samples)
        : stat === 'Sum'
          ? sum
          : stat === 'SampleCount'
            ? samples.length
            : sum / samples.length;
  return Math.round(value * 100) / 100;
}

/** A stable number in [0, 1) for a text: the same task and minute always give the same noise. */
function unit(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h / 2 ** 32;
}

function cpuOf(task: TaskRecord, at: number): number {
  const family = task.taskDefinition.family;
  const level = 12 + unit(`cpu:${family}`) * 30;
  const wave = 8 * Math.sin((at / (20 * MINUTE)) * 2 * Math.PI + unit(family) * 6);
  const noise = (unit(`${task.id}:${Math.floor(at / MINUTE)}`) - 0.5) * 10;
  return clampPercent(level + wave + noise);
}

function memoryOf(state: MetricsState, task: TaskRecord, at: number): number {
  const family = task.taskDefinition.family;
  const level = 25 + unit(`memory:${family}`) * 25;
  const noise = (unit(`mem:${task.id}:${Math.floor(at / MINUTE)}`) - 0.5) * 3;
  const leak = leakDurationMs(state, task);
  if (leak === undefined) return clampPercent(level + noise);
  const grown = Math.min(1, (at - task.startedAt!) / leak);
  return clampPercent(level + (99 - level) * grown + noise);
}

/**
 * How long a leaking task takes to fill its memory: from its start to its OOM kill when it has
 * been killed, else the family's crash time.
 */
function leakDurationMs(state: MetricsState, task: TaskRecord): number | undefined {
  const crash = state.behaviours[task.taskDefinition.family]?.crash;
  if (!crash || !(crash.exitCode === 137 || /OutOfMemory/i.test(crash.reason ?? ''))) return undefined;
  const killedAt = task.executionStoppedAt ?? task.stoppedAt;
  const oom = task.containers.some((c) => c.exitCode === 137 || /OutOfMemory/i.test(c.reason ?? ''));
  if (killedAt !== undefined && oom && task.startedAt !== undefined) return Math.max(MINUTE, killedAt - task.startedAt);
  return Math.max(MINUTE, crash.afterMs + (crash.jitterMs ?? 0) / 2);
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

export const metricsService = defineService<MetricsState>({
  name: 'cloudwatch',
  protocol: { kind: 'json', targetPrefix: 'GraniteServiceVersion20100801', version: '1.0' },
  errors: { ...JSON_SERVICE_ERRORS, validation: 'InvalidParameterValueException' },
  createState,
  actions: { GetMetricData: getMetricData },
});
