import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { type Clock } from '../src/clock';
import { Config, type ConfigInput } from '../src/config/schema';
import { createEventsHandler, type EventsHandler, type NotificationDeps } from '../src/notifications/pipeline';
import { blockKitProblems } from '../src/slack/limits';
import { type SlackMessage } from '../src/slack/message';
import { startSlackStandin, type SlackStandin } from '../src/slack/standin/server';
import { startDynalite, type LocalStateTable } from './dynalite';
import { captureLogs } from './logs';

/**
 * Factories for the notification tests and benches: EventBridge events built from the fixtures
 * in testbed/event-fixtures (shapes from AWS's "Amazon ECS events" documentation), a clock the test
 * drives, a config, and a harness that wires the real events handler to dynalite and the Slack
 * stand-in.
 */

const FIXTURES = join(__dirname, 'event-fixtures');
const ACCOUNT = '111111111111';

export type JsonObject = Record<string, unknown>;

export function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as JsonObject;
}

// ---- the clock ---------------------------------------------------------------------------

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock that moves only when the test says so. `sleep` moves it (simulated waiting). */
/** The sandbox's clock as the events function's: both move when the test moves time. */
export function clockOfSandbox(sandboxClock: Pick<ManualClock, 'now' | 'advance' | 'set'>): ManualClock {
  return {
    now: () => sandboxClock.now(),
    sleep: async () => {},
    advance: (ms) => sandboxClock.advance(ms),
    set: (ms) => sandboxClock.set(ms),
  };
}

export function manualClock(start = Date.parse('2026-03-02T12:00:00Z')): ManualClock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

// ---- the config --------------------------------------------------------------------------

export const PROD_CHANNEL = 'C0PRODALERTS';
export const WEB_CHANNEL = 'C0WEBALERTS';
export const STAGING_CHANNEL = 'C0STAGING';

/** prod routes to #prod-alerts, its service `web` to #web-alerts; staging (named by ARN) asks for every kind. */
export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  const input: ConfigInput = {
    clusters: {
      prod: {
        name: 'prod',
        region: 'us-east-1',
        roles: {
          read: `arn:aws:iam::${ACCOUNT}:role/chatops-prod-read`,
          operate: `arn:aws:iam::${ACCOUNT}:role/chatops-prod-operate`,
        },
        notify: { channel: PROD_CHANNEL, services: { web: { channel: WEB_CHANNEL } } },
      },
      staging: {
        name: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/staging`,
        region: 'us-east-1',
        roles: { read: `arn:aws:iam::${ACCOUNT}:role/chatops-staging-read` },
        notify: {
          channel: STAGING_CHANNEL,
          events: [
            'unexpectedStop',
            'placementFailure',
            'deploymentFailure',
            'instanceDisconnected',
            'scaleIn',
            'userStop',
            'deploymentComplete',
          ],
        },
      },
      quiet: {
        name: 'quiet',
        region: 'us-east-1',
        roles: { read: `arn:aws:iam::${ACCOUNT}:role/chatops-quiet-read` },
      },
    },
    ...overrides,
  };
  return Config.parse(input);
}

// ---- events ------------------------------------------------------------------------------

let idCounter = 0;
function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${String(idCounter).padStart(8, '0')}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface TaskStoppedInput {
  cluster?: string;
  region?: string;
  /** Service name; null for a standalone task. */
  service?: string | null;
  taskId?: string;
  family?: string;
  revision?: number;
  stopCode?: string | null;
  stoppedReason?: string;
  containers?: { name: string; exitCode?: number; reason?: string }[];
  startedAt?: number | null;
  stoppedAt: number;
  id?: string;
}

/** An "ECS Task State Change" for a task that has STOPPED (from the essential-container-exited fixture). */
export function taskStopped(input: TaskStoppedInput): JsonObject {
  const event = fixture('task-stopped-essential-container-exited');
  const cluster = input.cluster ?? 'prod';
  const region = input.region ?? 'us-east-1';
  const taskId = input.taskId ?? randomHex(32);
  const taskArn = `arn:aws:ecs:${region}:${ACCOUNT}:task/${cluster}/${taskId}`;
  const detail = event.detail as JsonObject;
  event.id = input.id ?? nextId('task');
  event.region = region;
  event.time = iso(input.stoppedAt).replace(/\.\d+Z$/, 'Z');
  event.resources = [taskArn];
  detail.clusterArn = `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${cluster}`;
  detail.taskArn = taskArn;
  detail.taskDefinitionArn = `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${input.family ?? input.service ?? 'web'}:${input.revision ?? 42}`;
  if (input.service === null) detail.group = `family:${input.family ?? 'batch'}`;
  else detail.group = `service:${input.service ?? 'web'}`;
  if (input.stopCode === null) delete detail.stopCode;
  else if (input.stopCode !== undefined) detail.stopCode = input.stopCode;
  if (input.stoppedReason !== undefined) detail.stoppedReason = input.stoppedReason;
  if (input.containers) {
    detail.containers = input.containers.map((c) => ({
      name: c.name,
      lastStatus: 'STOPPED',
      taskArn,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    }));
  } else {
    for (const c of detail.containers as JsonObject[]) c.taskArn = taskArn;
  }
  if (input.startedAt === null) delete detail.startedAt;
  else detail.startedAt = iso(input.startedAt ?? input.stoppedAt - 125_000);
  detail.stoppingAt = iso(input.stoppedAt - 1000);
  detail.stoppedAt = iso(input.stoppedAt);
  detail.updatedAt = iso(input.stoppedAt);
  return event;
}

export function serviceAction(input: {
  eventName?: string;
  cluster?: string;
  service?: string;
  reason?: string;
  at: number;
}): JsonObject {
  const event = fixture('service-task-placement-failure');
  const cluster = input.cluster ?? 'prod';
  const detail = event.detail as JsonObject;
  event.id = nextId('svc');
  event.time = iso(input.at);
  event.resources = [`arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${input.service ?? 'web'}`];
  detail.clusterArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`;
  detail.eventName = input.eventName ?? 'SERVICE_TASK_PLACEMENT_FAILURE';
  if (detail.eventName !== 'SERVICE_TASK_PLACEMENT_FAILURE') {
    delete detail.reason;
    delete detail.containerInstanceArns;
  }
  if (input.reason !== undefined) detail.reason = input.reason;
  detail.createdAt = iso(input.at);
  return event;
}

export function deploymentEvent(
  name: 'deployment-in-progress' | 'deployment-failed' | 'deployment-rollback-in-progress' | 'deployment-completed',
  input: { cluster?: string; service?: string; at: number },
): JsonObject {
  const event = fixture(name);
  event.id = nextId('dep');
  event.time = iso(input.at);
  event.resources = [`arn:aws:ecs:us-east-1:${ACCOUNT}:service/${input.cluster ?? 'prod'}/${input.service ?? 'web'}`];
  (event.detail as JsonObject).updatedAt = iso(input.at);
  return event;
}

/**
 * An "ECS Hook State Change" (the documented HOOK_AWAITING_ACTION example, with another event
 * name or the same): for service deployment `deployment` of `service` in `cluster`.
 */
export function hookEvent(
  name: 'HOOK_AWAITING_ACTION' | 'HOOK_SUCCEEDED' | 'HOOK_FAILED' | 'HOOK_TIMED_OUT',
  input: { cluster?: string; service?: string; deployment?: string; at: number; expiresAt?: number },
): JsonObject {
  const event = fixture('hook-awaiting-action');
  const cluster = input.cluster ?? 'prod';
  const service = input.service ?? 'web';
  const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/${cluster}/${service}/${input.deployment ?? '0EYSiB0qap8xf0N76FsbE'}`;
  event.id = nextId('hook');
  event.time = iso(input.at);
  event.resources = [arn];
  const detail = event.detail as JsonObject;
  detail.eventName = name;
  detail.clusterArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`;
  detail.serviceArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${service}`;
  detail.serviceDeploymentArn = arn;
  detail.updatedAt = iso(input.at);
  detail.expiresAt = iso(input.expiresAt ?? input.at + 10 * 60_000);
  return event;
}

export function containerInstanceState(input: {
  connected: boolean;
  version: number;
  at: number;
  cluster?: string;
  instanceId?: string;
  status?: string;
}): JsonObject {
  const event = fixture('container-instance-agent-disconnected');
  const cluster = input.cluster ?? 'prod';
  const detail = event.detail as JsonObject;
  const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/${cluster}/${input.instanceId ?? 'b54a2a04046f43319d743f6d7f6ca315'}`;
  event.id = nextId('ci');
  event.time = iso(input.at);
  event.resources = [arn];
  detail.clusterArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`;
  detail.containerInstanceArn = arn;
  detail.agentConnected = input.connected;
  detail.version = input.version;
  detail.status = input.status ?? 'ACTIVE';
  detail.updatedAt = iso(input.at);
  return event;
}

/** What a scheduled EventBridge rule (rate(1 minute)) delivers. */
export function scheduledTick(at: number): JsonObject {
  return {
    version: '0',
    id: nextId('tick'),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: iso(at),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/chatops-events-sweep`],
    detail: {},
  };
}

export function randomHex(length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

// ---- the harness -------------------------------------------------------------------------

export interface EventsHarness {
  handler: EventsHandler;
  /** Another warm Lambda instance: same table and Slack, its own memory. */
  newInstance(): EventsHandler;
  deps: NotificationDeps;
  clock: ManualClock;
  slack: SlackStandin;
  table: LocalStateTable;
  /** Every log line so far, parsed. */
  readonly logs: JsonObject[];
  /** Block Kit problems of every message posted or edited so far (empty when Slack would accept them all). */
  messageProblems(): string[];
  /** Slack Web API calls so far (response_url posts excluded). */
  webApiCalls(): number;
  stop(): Promise<void>;
}

export async function startEventsHarness(
  options: { config?: Config; clock?: ManualClock; memoryBefore?: NotificationDeps['memoryBefore'] } = {},
): Promise<EventsHarness> {
  const table = await startDynalite();
  const slack = await startSlackStandin();
  const clock = options.clock ?? manualClock();
  const { logger, lines } = captureLogs();
  const deps: NotificationDeps = {
    config: options.config ?? testConfig(),
    logger,
    clock,
    slack: testWebClient(slack.apiUrl),
    state: table.store,
    ...(options.memoryBefore ? { memoryBefore: options.memoryBefore } : {}),
  };
  const messageProblems = (): string[] =>
    slack.calls
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
      .flatMap((c) =>
        blockKitProblems({
          text: String(c.args.text ?? ''),
          ...(Array.isArray(c.args.blocks) ? { blocks: c.args.blocks } : {}),
        } as SlackMessage).map((p) => `${c.method}: ${p}`),
      );
  return {
    handler: createEventsHandler(deps),
    newInstance: () => createEventsHandler({ ...deps, slack: testWebClient(slack.apiUrl) }),
    deps,
    clock,
    slack,
    table,
    get logs() {
      return lines();
    },
    messageProblems,
    webApiCalls: () => slack.calls.filter((c) => c.method !== 'response_url').length,
    async stop() {
      await slack.stop();
      await table.stop();
      // Every message posted or edited must be one Slack accepts, and no secret may reach the logs.
      const problems = messageProblems();
      if (problems.length > 0) throw new Error(`messages break Slack's Block Kit limits:\n${problems.join('\n')}`);
      const leaks = lines().filter((line) => JSON.stringify(line).includes('xoxb-'));
      if (leaks.length > 0) throw new Error(`the bot token reached the logs:\n${JSON.stringify(leaks[0])}`);
    },
  };
}

/** A WebClient pointed at the stand-in, retrying as the real one does (429 waits for Retry-After). */
export function testWebClient(apiUrl: string): WebClient {
  return new WebClient('xoxb-test', {
    slackApiUrl: apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
  });
}
