import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { AwsError } from './errors';
import { decodeOffsetToken, encodeOffsetToken } from './paging-token';
import type { EcsEventBridgeEvent } from './events';
import type { AuthResource } from './iam';
import { defineService, JSON_SERVICE_ERRORS, type ActionContext, type ServiceModuleInit } from './service-module';
import type { TaskRecord } from './world/records';
import type { SandboxWorld } from './world/world';

/**
 * Amazon CloudWatch Logs over AWS JSON 1.1 (`X-Amz-Target: Logs_20140328.<Action>`): the log
 * groups, streams and events that the sandbox's ECS tasks write through the awslogs driver of
 * their task definitions, read with GetLogEvents, DescribeLogGroups, DescribeLogStreams and
 * FilterLogEvents. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 *
 * What a task writes, per container with `logDriver: awslogs`, into stream
 * `PREFIX/CONTAINER/TASK_ID` (ECS's naming with awslogs-stream-prefix; without a prefix the
 * stream is named by the Docker container id, as on EC2):
 * - a few start-up lines when the task reaches RUNNING;
 * - one line every `intervalMs` of sandbox time while it runs (request lines for containers with
 *   port mappings, progress lines otherwise), at most `maxCatchUpLines` per stream per catch-up
 *   and `maxEventsPerStream` kept per stream, so a clock jumped a day ahead stays small;
 * - when it stops: the crash line and exit code (the OOM kill for exit 137), a clean shutdown
 *   for a container that handled SIGTERM and exited 0, nothing for one the SIGTERM or SIGKILL ended.
 *
 * The lines are written lazily: ECS's task events are noted as they happen (tasks stopped and
 * forgotten by ECS still leave their logs) and turned into log events when the logs are read.
 * Seed: `account.services.logs = { groups: [{ name, retentionInDays }], intervalMs }`.
 */

export interface LogsSeed {
  /** Log groups that exist from the start (others are created when a task first writes to them). */
  groups?: { name: string; retentionInDays?: number }[];
  /** Sandbox time between two periodic lines of a running container; default one minute. */
  intervalMs?: number;
  maxCatchUpLines?: number;
  maxEventsPerStream?: number;
}

export interface LogEventRecord {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStreamRecord {
  name: string;
  createdAt: number;
  /** In timestamp order. */
  events: LogEventRecord[];
  storedBytes: number;
}

export interface LogGroupRecord {
  name: string;
  createdAt: number;
  retentionInDays?: number;
  streams: Map<string, LogStreamRecord>;
}

/** What the logs need to know of a task, from ECS's events or the world's records. */
interface TaskSnapshot {
  taskArn: string;
  taskId: string;
  taskDefinitionArn: string;
  lastStatus: string;
  startedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  containers: { name: string; exitCode?: number; reason?: string; runtimeId?: string }[];
}

/** A started task whose containers are being logged. */
interface TaskWriter {
  taskId: string;
  startedAt: number;
  /** The last time periodic lines were written up to. */
  writtenUntil: number;
  lines: number;
  outputs: { container: ContainerDefinition; group: LogGroupRecord; stream: LogStreamRecord }[];
}

export interface LogsState {
  world: SandboxWorld;
  region: string;
  accountId: string;
  groups: Map<string, LogGroupRecord>;
  /** Latest snapshot per task since the last read, in the order tasks first changed. */
  pending: Map<string, TaskSnapshot>;
  writers: Map<string, TaskWriter>;
  /** Tasks whose last lines are written (bounded: a duplicate STOPPED event writes nothing twice). */
  finished: Set<string>;
  intervalMs: number;
  maxCatchUpLines: number;
  maxEventsPerStream: number;
}

type Ctx = ActionContext<LogsState>;

const DEFAULT_INTERVAL_MS = 60_000;
const MAX_FINISHED = 20_000;
const MAX_PENDING = 50_000;

function createState(init: ServiceModuleInit): LogsState {
  const seed = (init.account.services?.logs ?? {}) as LogsSeed;
  const now = init.world.now;
  const state: LogsState = {
    world: init.world,
    region: init.account.region,
    accountId: init.account.accountId,
    groups: new Map(),
    pending: new Map(),
    writers: new Map(),
    finished: new Set(),
    intervalMs: seed.intervalMs ?? DEFAULT_INTERVAL_MS,
    maxCatchUpLines: seed.maxCatchUpLines ?? 500,
    maxEventsPerStream: seed.maxEventsPerStream ?? 10_000,
  };
  for (const group of seed.groups ?? []) ensureGroup(state, group.name, now, group.retentionInDays);
  // Tasks of the seeded history ran before this module was listening.
  for (const cluster of init.world.clusters()) {
    for (const task of cluster.tasks.values()) note(state, snapshotOfRecord(task));
  }
  init.onEvent((event) => {
    const snapshot = snapshotOfEvent(event);
    if (snapshot) note(state, snapshot);
  });
  init.world.addStartCheck((task) =>
    missingLogGroup(state, task.taskDefinition.containerDefinitions, task.launchType, init.world.now),
  );
  return state;
}

/**
 * The awslogs driver needs its log group: Docker's driver fails to create the container's stream
 * and the task stops before RUNNING, unless `awslogs-create-group` is "true", when the agent
 * creates the group. On EC2 Docker reports it as CannotStartContainerError; on Fargate the task
 * fails while its resources are prepared, a ResourceInitializationError ("Troubleshooting
 * ResourceInitializationError errors", ECS Developer Guide: "failed to validate logger args").
 */
function missingLogGroup(
  state: LogsState,
  containers: readonly ContainerDefinition[],
  launchType: 'EC2' | 'FARGATE',
  now: number,
): string | undefined {
  for (const container of containers) {
    const options =
      container.logConfiguration?.logDriver === 'awslogs' ? container.logConfiguration.options : undefined;
    const name = options?.['awslogs-group'];
    if (!options || !name || state.groups.has(name)) continue;
    // Another region's log groups are not simulated: nothing to check there.
    if (options['awslogs-region'] !== undefined && options['awslogs-region'] !== state.region) continue;
    if (options['awslogs-create-group'] === 'true') ensureGroup(state, name, now);
    else if (launchType === 'FARGATE') {
      return 'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1';
    } else
      return 'CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.';
  }
  return undefined;
}

function note(state: LogsState, snapshot: TaskSnapshot): void {
  if (state.finished.has(snapshot.taskArn)) return;
  state.pending.set(snapshot.taskArn, snapshot);
  // Nobody read logs for a very long time: bring them up to date rather than grow without bound.
  if (state.pending.size > MAX_PENDING) syncLogs(state, state.world.now);
}

function snapshotOfRecord(task: TaskRecord): TaskSnapshot {
  return {
    taskArn: task.arn,
    taskId: task.id,
    taskDefinitionArn: task.taskDefinition.arn,
    lastStatus: task.lastStatus,
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(task.lastStatus === 'STOPPED'
      ? { stoppedAt: task.executionStoppedAt ?? task.stoppedAt ?? task.startedAt }
      : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    containers: task.containers.map((c) => ({
      name: c.name,
      exitCode: c.exitCode,
      reason: c.reason,
      runtimeId: c.runtimeId,
    })),
  };
}

function snapshotOfEvent(event: EcsEventBridgeEvent): TaskSnapshot | undefined {
  if (event['detail-type'] !== 'ECS Task State Change') return undefined;
  const d = event.detail;
  if (!d.taskArn || !d.taskDefinitionArn) return undefined;
  const time = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : undefined;
  const startedAt = time(d.startedAt);
  const stoppedAt = time(d.executionStoppedAt) ?? time(d.stoppedAt);
  return {
    taskArn: d.taskArn,
    taskId: d.taskArn.slice(d.taskArn.lastIndexOf('/') + 1),
    taskDefinitionArn: d.taskDefinitionArn,
    lastStatus: d.lastStatus ?? 'UNKNOWN',
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(d.lastStatus === 'STOPPED' ? { stoppedAt: stoppedAt ?? startedAt } : {}),
    ...(d.stopCode ? { stopCode: d.stopCode } : {}),
    containers: (d.containers ?? []).map((c) => ({
      name: c.name ?? 'container',
      ...(c.exitCode !== undefined && c.exitCode !== null ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
    })),
  };
}

// ---- writing ---------------------------------------------------------------------------------

/** Turns what happened to tasks since the last read into log events, up to `now`. */
export function syncLogs(state: LogsState, now: number): void {
  const pending = [...state.pending.values()];
  state.pending.clear();
  for (const snapshot of pending) apply(state, snapshot);
  for (const writer of state.writers.values()) writePeriodic(state, writer, now);
}

function apply(state: LogsState, snapshot: TaskSnapshot): void {
  if (state.finished.has(snapshot.taskArn)) return;
  // Never started (still pending, or failed to start: an image that could not be pulled writes nothing).
  if (snapshot.startedAt === undefined) {
    if (snapshot.lastStatus === 'STOPPED') markFinished(state, snapshot.taskArn);
    return;
  }
  let writer = state.writers.get(snapshot.taskArn);
  if (!writer) {
    writer = openWriter(state, snapshot, snapshot.startedAt);
    if (!writer) {
      markFinished(state, snapshot.taskArn);
      return;
    }
    state.writers.set(snapshot.taskArn, writer);
  }
  if (snapshot.lastStatus !== 'STOPPED') return;
  const stoppedAt = Math.max(snapshot.stoppedAt ?? writer.writtenUntil, writer.startedAt);
  writePeriodic(state, writer, stoppedAt);
  for (const output of writer.outputs) {
    const container = snapshot.containers.find((c) => c.name === output.container.name);
    for (const message of stopLines(output.container, container, snapshot.stopCode))
      append(state, output.stream, stoppedAt, message);
  }
  state.writers.delete(snapshot.taskArn);
  markFinished(state, snapshot.taskArn);
}

function markFinished(state: LogsState, taskArn: string): void {
  state.finished.add(taskArn);
  if (state.finished.size > MAX_FINISHED) state.finished.delete(state.finished.values().next().value as string);
}

/** Opens a stream per awslogs container; undefined when no container logs to CloudWatch. */
function openWriter(state: LogsState, snapshot: TaskSnapshot, startedAt: number): TaskWriter | undefined {
  const td = state.world.findTaskDefinition(snapshot.taskDefinitionArn);
  if (!td) return undefined;
  const outputs: TaskWriter['outputs'] = [];
  for (const container of td.containerDefinitions) {
    const config = container.logConfiguration;
    const groupName = config?.options?.['awslogs-group'];
    if (config?.logDriver !== 'awslogs' || !groupName) continue;
    // One region per sandbox: a container that logs to another region writes nowhere we can read.
    const region = config.options?.['awslogs-region'];
    if (region !== undefined && region !== state.region) continue;
    const prefix = config.options?.['awslogs-stream-prefix'];
    const runtimeId = snapshot.containers.find((c) => c.name === container.name)?.runtimeId;
    const streamName = prefix
      ? `${prefix}/${container.name ?? 'container'}/${snapshot.taskId}`
      : (runtimeId ?? snapshot.taskId);
    const group = ensureGroup(state, groupName, startedAt);
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, createdAt: startedAt, events: [], storedBytes: 0 };
      group.streams.set(streamName, stream);
    }
    outputs.push({ container, group, stream });
  }
  if (outputs.length === 0) return undefined;
  const writer: TaskWriter = { taskId: snapshot.taskId, startedAt, writtenUntil: startedAt, lines: 0, outputs };
  for (const output of outputs) {
    for (const [i, message] of startLines(output.container).entries())
      append(state, output.stream, startedAt + i, message);
  }
  return writer;
}

function ensureGroup(state: LogsState, name: string, at: number, retentionInDays?: number): LogGroupRecord {
  let group = state.groups.get(name);
  if (!group) {
    group = { name, createdAt: at, streams: new Map(), ...(retentionInDays !== undefined ? { retentionInDays } : {}) };
    state.groups.set(name, group);
  }
  return group;
}

/** One line every intervalMs while the task runs, up to `until`; a long gap writes only its last lines. */
function writePeriodic(state: LogsState, writer: TaskWriter, until: number): void {
  const interval = state.intervalMs;
  const first = writer.startedAt + interval * (Math.floor((writer.writtenUntil - writer.startedAt) / interval) + 1);
  if (first > until) {
    writer.writtenUntil = Math.max(writer.writtenUntil, until);
    return;
  }
  const due = Math.floor((until - first) / interval) + 1;
  const skip = Math.max(0, due - state.maxCatchUpLines);
  for (let k = skip; k < due; k += 1) {
    const at = first + k * interval;
    const n = writer.lines + k + 1;
    for (const output of writer.outputs)
      append(state, output.stream, at, periodicLine(output.container, n, writer.taskId));
  }
  writer.lines += due;
  writer.writtenUntil = until;
}

function append(state: LogsState, stream: LogStreamRecord, timestamp: number, message: string): void {
  stream.events.push({ timestamp, message, ingestionTime: timestamp + 150 });
  stream.storedBytes += message.length + 26;
  if (stream.events.length > state.maxEventsPerStream)
    stream.events.splice(0, stream.events.length - state.maxEventsPerStream);
}

function imageName(container: ContainerDefinition): string {
  const image = container.image ?? 'scratch';
  return image.slice(image.lastIndexOf('/') + 1).split(/[:@]/)[0] ?? image;
}

function startLines(container: ContainerDefinition): string[] {
  const ports = (container.portMappings ?? []).map((p) => p.containerPort).filter((p): p is number => p !== undefined);
  if (imageName(container) === 'nginx') {
    return [
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
      `nginx: [notice] start worker processes${ports.length > 0 ? ` (listening on ${ports.join(', ')})` : ''}`,
    ];
  }
  const name = container.name ?? 'container';
  return [
    `${name}: starting ${container.image ?? ''}${container.command ? ` (${container.command.join(' ')})` : ''}`,
    ports.length > 0 ? `${name}: listening on port ${ports.join(', ')}` : `${name}: ready, waiting for work`,
  ];
}

function periodicLine(container: ContainerDefinition, n: number, taskId: string): string {
  const ports = container.portMappings ?? [];
  if (ports.length > 0) {
    const path = ['/health', '/', '/api/orders', '/api/users/42', '/static/app.js'][n % 5]!;
    const status = path === '/api/orders' && n % 7 === 0 ? 502 : 200;
    return `10.0.${(n % 3) + 1}.${(n * 37) % 250} - - "GET ${path} HTTP/1.1" ${status} ${status === 200 ? 512 + ((n * 131) % 4096) : 157} "-" "ELB-HealthChecker/2.0"`;
  }
  const name = container.name ?? 'container';
  // Memory that creeps up towards the limit is what an OOM kill looks like from inside; it only
  // ever grows within one task (a new task starts low again).
  const heap = container.memory
    ? ` heap=${Math.round(container.memory * (0.4 + 0.58 * (1 - Math.exp(-n / 12))))}MiB`
    : '';
  return `${name}: processed batch ${n} (${((n * 17) % 90) + 10} jobs) task=${taskId.slice(0, 8)}${heap}`;
}

function stopLines(
  container: ContainerDefinition,
  state: TaskSnapshot['containers'][number] | undefined,
  stopCode: string | undefined,
): string[] {
  const name = container.name ?? 'container';
  const exitCode = state?.exitCode;
  if (exitCode === undefined) return [];
  if (exitCode === 0) return [`${name}: received SIGTERM, shutting down gracefully`, `${name}: exited with code 0`];
  // Ended by the agent's SIGTERM (no handler) or SIGKILL (stopTimeout passed): the process writes nothing more.
  const stoppedByAgent =
    stopCode !== undefined && stopCode !== 'EssentialContainerExited' && stopCode !== 'TaskFailedToStart';
  if (stoppedByAgent && (exitCode === 143 || exitCode === 137) && !/OutOfMemory/i.test(state?.reason ?? '')) return [];
  if (/OutOfMemory/i.test(state?.reason ?? '')) {
    const limit = container.memory ? ` (limit ${container.memory} MiB)` : '';
    return [
      `fatal error: runtime: out of memory${limit}`,
      `${name}: killed by the OOM killer, exit code ${exitCode} — ${state?.reason ?? ''}`,
    ];
  }
  if (exitCode === 137) return [`${name}: killed (SIGKILL), exit code 137${state?.reason ? ` — ${state.reason}` : ''}`];
  const why = state?.reason ?? (stopCode === 'EssentialContainerExited' ? 'unhandled error' : 'error');
  return [`${name}: fatal: ${why}`, `${name}: exited with code ${exitCode}`];
}

// ---- the API ---------------------------------------------------------------------------------

function groupArn(ctx: Ctx, group: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`;
}

function groupResource(ctx: Ctx, group: string): AuthResource {
  return { arn: `${groupArn(ctx, group)}:*` };
}

function streamResource(ctx: Ctx, group: string, stream: string): AuthResource {
  return { arn: `${groupArn(ctx, group)}:log-stream:${stream}` };
}

/** `logGroupName`, or `logGroupIdentifier` (a name or an ARN); not both. */
function groupName(ctx: Ctx): string {
  const name = ctx.params.optString('logGroupName');
  const identifier = ctx.params.optString('logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
    );
  }
  const value = name ?? identifier?.replace(/^arn:[^:]+:logs:[^:]*:\d*:log-group:/, '').replace(/:\*$/, '');
  if (value === undefined || value === '')
    throw new AwsError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
  return value;
}

function requireGroup(ctx: Ctx, name: string): LogGroupRecord {
  const group = ctx.state.groups.get(name);
  if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
}

function limit(ctx: Ctx, max: number, fallback: number): number {
  const value = ctx.params.optInt('limit') ?? fallback;
  if (value < 1 || value > max) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${value}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return value;
}

function offsetOf(ctx: Ctx): number {
  const token = ctx.params.optString('nextToken');
  if (token === undefined) return 0;
  const offset = decodeOffsetToken(token);
  if (offset === undefined) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return offset;
}

function renderGroup(ctx: Ctx, group: LogGroupRecord) {
  let storedBytes = 0;
  for (const stream of group.streams.values()) storedBytes += stream.storedBytes;
  return {
    logGroupName: group.name,
    creationTime: group.createdAt,
    ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${groupArn(ctx, group.name)}:*`,
    logGroupArn: groupArn(ctx, group.name),
    storedBytes,
    logGroupClass: 'STANDARD',
  };
}

function renderStream(ctx: Ctx, group: LogGroupRecord, stream: LogStreamRecord) {
  const first = stream.events[0];
  const last = stream.events.at(-1);
  return {
    logStreamName: stream.name,
    creationTime: stream.createdAt,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp, lastIngestionTime: last.ingestionTime } : {}),
    uploadSequenceToken: String(49_000_000_000_000_000_000_000n + BigInt(stream.events.length)),
    arn: `${groupArn(ctx, group.name)}:log-stream:${stream.name}`,
    storedBytes: 0,
  };
}

function describeLogGroups(ctx: Ctx) {
  ctx.authorize({ arn: `${groupArn(ctx, '*')}` });
  syncLogs(ctx.state, ctx.world.now);
  const prefix = ctx.params.optString('logGroupNamePrefix');
  const pattern = ctx.params.optString('logGroupNamePattern');
  if (prefix !== undefined && pattern !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  const max = limit(ctx, 50, 50);
  const all = [...ctx.state.groups.values()]
    .filter(
      (g) =>
        (prefix === undefined || g.name.startsWith(prefix)) &&
        (pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase())),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const offset = offsetOf(ctx);
  const items = all.slice(offset, offset + max);
  return {
    logGroups: items.map((g) => renderGroup(ctx, g)),
    ...(offset + max < all.length ? { nextToken: encodeOffsetToken(offset + max) } : {}),
  };
}

function describeLogStreams(ctx: Ctx) {
  const name = groupName(ctx);
  ctx.authorize(groupResource(ctx, name));
  syncLogs(ctx.state, ctx.world.now);
  const group = requireGroup(ctx, name);
  const prefix = ctx.params.optString('logStreamNamePrefix');
  const orderBy = ctx.params.optString('orderBy') ?? 'LogStreamName';
  const descending = ctx.params.optBool('descending') ?? false;
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  if (prefix !== undefined && orderBy === 'LastEventTime')
    throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  const max = limit(ctx, 50, 50);
  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  const key = (s: LogStreamRecord) => (orderBy === 'LastEventTime' ? (s.events.at(-1)?.timestamp ?? 0) : 0);
  streams.sort((a, b) => key(a) - key(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (descending) streams.reverse();
  const offset = offsetOf(ctx);
  const items = streams.slice(offset, offset + max);
  return {
    logStreams: items.map((s) => renderStream(ctx, group, s)),
    ...(offset + max < streams.length ? { nextToken: encodeOffsetToken(offset + max) } : {}),
  };
}

function timeRange(ctx: Ctx): (e: LogEventRecord) => boolean {
  const start = ctx.params.optInt('startTime');
  const end = ctx.params.optInt('endTime');
  return (e) => (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp <= end);
}

/**
 * GetLogEvents: the newest `limit` events unless startFromHead; `nextForwardToken` and
 * `nextBackwardToken` page from there (the same forward token again means the end, as in AWS).
 */
function getLogEvents(ctx: Ctx) {
  const group = groupName(ctx);
  const streamName = ctx.params.string('logStreamName');
  ctx.authorize(streamResource(ctx, group, streamName));
  syncLogs(ctx.state, ctx.world.now);
  const stream = requireGroup(ctx, group).streams.get(streamName);
  if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const max = limit(ctx, 10_000, 10_000);
  const events = stream.events.filter(timeRange(ctx));
  const token = ctx.params.optString('nextToken');
  let from: number;
  let to: number;
  if (token !== undefined) {
    const match = /^([fb])\/(\d+)$/.exec(token);
    if (!match) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
    const at = Math.min(Number(match[2]), events.length);
    [from, to] = match[1] === 'f' ? [at, Math.min(events.length, at + max)] : [Math.max(0, at - max), at];
  } else if (ctx.params.optBool('startFromHead') ?? false) {
    [from, to] = [0, Math.min(events.length, max)];
  } else {
    [from, to] = [Math.max(0, events.length - max), events.length];
  }
  const pad = (n: number) => String(n).padStart(56, '0');
  return {
    events: events
      .slice(from, to)
      .map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: `f/${pad(to)}`,
    nextBackwardToken: `b/${pad(from)}`,
  };
}

/**
 * The filter pattern's term syntax: every word or "quoted phrase" must appear, `?a ?b` means any
 * of them, `-word` excludes (case-sensitive, as CloudWatch). JSON and space-delimited patterns
 * (`{ … }`, `[ … ]`) are not simulated.
 */
export function matchesFilterPattern(pattern: string | undefined): (message: string) => boolean {
  if (pattern === undefined || pattern.trim() === '') return () => true;
  const trimmed = pattern.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    throw new AwsError(
      'InvalidParameterException',
      'The sandbox supports only term filter patterns (words, "phrases", ?any, -exclude).',
    );
  }
  const terms = [...trimmed.matchAll(/([?-]?)(?:"([^"]*)"|(\S+))/g)].map((m) => ({
    kind: m[1] ?? '',
    text: m[2] ?? m[3] ?? '',
  }));
  const all = terms.filter((t) => t.kind === '').map((t) => t.text);
  const any = terms.filter((t) => t.kind === '?').map((t) => t.text);
  const none = terms.filter((t) => t.kind === '-').map((t) => t.text);
  return (message) =>
    all.every((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t))) &&
    !none.some((t) => message.includes(t));
}

function filterLogEvents(ctx: Ctx) {
  const name = groupName(ctx);
  ctx.authorize(groupResource(ctx, name));
  syncLogs(ctx.state, ctx.world.now);
  const group = requireGroup(ctx, name);
  const names = ctx.params.optStringList('logStreamNames');
  const prefix = ctx.params.optString('logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.',
    );
  }
  const matches = matchesFilterPattern(ctx.params.optString('filterPattern'));
  const inRange = timeRange(ctx);
  const max = limit(ctx, 10_000, 10_000);
  const streams = [...group.streams.values()]
    .filter(
      (s) => (names === undefined || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found = streams
    .flatMap((s) => s.events.map((e, i) => ({ stream: s, event: e, index: i })))
    .filter(({ event }) => inRange(event) && matches(event.message))
    .sort((a, b) => a.event.timestamp - b.event.timestamp);
  const offset = offsetOf(ctx);
  const items = found.slice(offset, offset + max);
  return {
    events: items.map(({ stream, event, index }) => ({
      logStreamName: stream.name,
      timestamp: event.timestamp,
      message: event.message,
      ingestionTime: event.ingestionTime,
      eventId: `${String(event.timestamp).padStart(20, '0')}${String(index).padStart(16, '0')}`,
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    ...(offset + max < found.length ? { nextToken: encodeOffsetToken(offset + max) } : {}),
  };
}

const NAME_LIMITS = { group: /^[.\-_/#A-Za-z0-9]{1,512}$/, stream: /^[^:*]{1,512}$/ };

/** CreateLogGroup: an empty answer; ResourceAlreadyExistsException when it exists. */
function createLogGroup(ctx: Ctx) {
  const name = ctx.params.string('logGroupName');
  ctx.authorize(groupResource(ctx, name));
  if (!NAME_LIMITS.group.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
  if (ctx.state.groups.has(name))
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  ensureGroup(ctx.state, name, ctx.world.now);
  return {};
}

/** CreateLogStream in an existing group: an empty answer. */
function createLogStream(ctx: Ctx) {
  const group = ctx.params.string('logGroupName');
  const name = ctx.params.string('logStreamName');
  ctx.authorize(streamResource(ctx, group, name));
  if (!NAME_LIMITS.stream.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
  const record = requireGroup(ctx, group);
  if (record.streams.has(name))
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  record.streams.set(name, { name, createdAt: ctx.world.now, events: [], storedBytes: 0 });
  return {};
}

const FOURTEEN_DAYS_MS = 14 * 24 * 60 * 60 * 1000;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

/**
 * PutLogEvents (CloudWatch Logs API Reference): events in chronological order, at most 10,000
 * and 1,048,576 bytes (message bytes + 26 each); those more than 2 hours ahead or 14 days
 * behind are rejected while the rest are kept. The sequence token is ignored.
 */
function putLogEvents(ctx: Ctx) {
  const group = ctx.params.string('logGroupName');
  const streamName = ctx.params.string('logStreamName');
  ctx.authorize(streamResource(ctx, group, streamName));
  syncLogs(ctx.state, ctx.world.now);
  const events = (ctx.params.optList('logEvents') ?? []) as { timestamp?: unknown; message?: unknown }[];
  if (events.length < 1 || events.length > 10_000) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000`,
    );
  }
  const parsed = events.map((e) => ({
    timestamp: Number(e.timestamp),
    message: typeof e.message === 'string' ? e.message : '',
  }));
  if (parsed.some((e) => !Number.isInteger(e.timestamp) || e.message.length === 0)) {
    throw new AwsError('InvalidParameterException', 'Each log event needs a timestamp and a non-empty message.');
  }
  const bytes = parsed.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8') + 26, 0);
  if (bytes > 1_048_576)
    throw new AwsError('InvalidParameterException', 'Upload too large: 1048576 bytes exceeds limit of 1048576');
  for (let i = 1; i < parsed.length; i += 1) {
    if (parsed[i]!.timestamp < parsed[i - 1]!.timestamp) {
      throw new AwsError(
        'InvalidParameterException',
        'Log events in a single PutLogEvents request must be in chronological order.',
      );
    }
  }
  const record = requireGroup(ctx, group);
  const stream = record.streams.get(streamName);
  if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const now = ctx.world.now;
  const oldest = Math.max(
    now - FOURTEEN_DAYS_MS,
    record.retentionInDays !== undefined ? now - record.retentionInDays * 24 * 60 * 60 * 1000 : 0,
  );
  let tooOldLogEventEndIndex: number | undefined;
  let tooNewLogEventStartIndex: number | undefined;
  for (const [i, e] of parsed.entries()) {
    if (e.timestamp < oldest) tooOldLogEventEndIndex = i + 1;
    else if (e.timestamp > now + TWO_HOURS_MS) tooNewLogEventStartIndex ??= i;
    else {
      // Kept in timestamp order with what the stream already holds.
      const at = stream.events.findIndex((x) => x.timestamp > e.timestamp);
      const event = { timestamp: e.timestamp, message: e.message, ingestionTime: now };
      if (at < 0) stream.events.push(event);
      else stream.events.splice(at, 0, event);
      stream.storedBytes += Buffer.byteLength(e.message, 'utf8') + 26;
    }
  }
  if (stream.events.length > ctx.state.maxEventsPerStream)
    stream.events.splice(0, stream.events.length - ctx.state.maxEventsPerStream);
  const rejected = {
    ...(tooNewLogEventStartIndex !== undefined ? { tooNewLogEventStartIndex } : {}),
    ...(tooOldLogEventEndIndex !== undefined ? { tooOldLogEventEndIndex } : {}),
  };
  return {
    nextSequenceToken: String(49_000_000_000_000_000_000_000n + BigInt(stream.events.length)),
    ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
  };
}

export const logsService = defineService<LogsState>({
  name: 'logs',
  protocol: { kind: 'json', targetPrefix: 'Logs_20140328' },
  errors: JSON_SERVICE_ERRORS,
  createState,
  actions: {
    DescribeLogGroups: describeLogGroups,
    DescribeLogStreams: describeLogStreams,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    CreateLogGroup: createLogGroup,
    CreateLogStream: createLogStream,
    PutLogEvents: putLogEvents,
  },
});
