/**
 * A watched rollout with a failing circuit breaker (docs/targets.md): a deploy of a revision whose
 * tasks cannot start, on a service whose tasks take minutes to start, so the rollout, the
 * circuit breaker's failure and its rollback take about ten simulated minutes. Three watchers
 * follow the one live message at once (the job that started it, a Roll back click's job, and a
 * watch started by its events), the Deployment State Change events reach the events path, and the
 * message updates at most once per update interval. Reports the AWS reads (target ≤ 20 in all)
 * and the chat.update calls per update interval (target ≤ 1).
 */
import { WebClient } from '@slack/web-api';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { type Clock } from '../src/clock';
import { createAwsAccess } from '../src/aws/access';
import { handleDeploymentEvent } from '../src/notifications/deployments/events';
import { liveKey, openLive, readLive } from '../src/notifications/deployments/live';
import { followLive } from '../src/notifications/deployments/watch';
import { parseEvent } from '../src/notifications/events';
import { ManualClock, startSandbox, type EcsEventBridgeEvent } from '../src/sandbox';
import { startSlackStandin } from '../src/slack/standin/server';
import { BOT_AWS_KEY, BOT_TOKEN } from '../testbed/harness';
import { startDynalite } from '../testbed/dynalite';
import { captureLogs } from '../testbed/logs';
import { testConfig, USERS } from '../testbed/config';
import { servicesAccount } from '../testbed/services-fixtures';
import { report } from './report';

const UPDATE_INTERVAL_MS = 60_000;
const TASK_START_MS = 4 * 60_000;
const WATCHERS = 3;

export async function run(): Promise<void> {
  const clock = new ManualClock(Date.parse('2026-03-02T12:00:00Z'));
  const sandbox = await startSandbox({
    account: servicesAccount(),
    clock,
    timings: { taskStartMs: TASK_START_MS, taskStopMs: 0 },
  });
  // When (in simulated time) each edit was made.
  const editAt: number[] = [];
  const slackStandin = await startSlackStandin({
    onCall: (call) => {
      if (call.method === 'chat.update') editAt.push(clock.now());
    },
  });
  const table = await startDynalite();
  const logger = captureLogs().logger;
  const config = testConfig();
  // The bot's clock is the sandbox's: a watcher's sleep waits for simulated time to reach its wake-up.
  let running = true;
  const botClock: Clock = {
    now: () => clock.now(),
    sleep: async (ms) => {
      const wake = clock.now() + ms;
      while (running && clock.now() < wake) await new Promise((r) => setImmediate(r));
    },
  };
  const aws = createAwsAccess({
    config,
    clock: botClock,
    logger,
    clientConfig: { endpoint: sandbox.url, retryStrategy: new ConfiguredRetryStrategy(6, 10) },
    stsConfig: { credentials: BOT_AWS_KEY },
  });
  const slack = new WebClient(BOT_TOKEN, { slackApiUrl: slackStandin.apiUrl });
  const live = { state: table.store, slack, clock: botClock, logger };
  const ops = await aws.forCluster({
    alias: 'prod',
    level: 'operate',
    user: { id: USERS.alice, teamId: 'T0TEST' },
    team: 'web',
  });
  const events: EcsEventBridgeEvent[] = [];
  sandbox.onEvent((e) => events.push(structuredClone(e)));
  try {
    sandbox.world.createService('prod', {
      name: 'rollout',
      taskDefinition: 'solo',
      desiredCount: 4,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    clock.advance(TASK_START_MS + 1000);
    sandbox.world.advance();
    events.length = 0;
    const readsBefore = sandbox.calls.length;

    // The command: UpdateService (a write, not counted), then its live message.
    const after = await ops.services.deploy('rollout', 'broken:1');
    const primary = after.deployments.find((d) => d.status === 'PRIMARY')!;
    const item = await openLive(live, {
      alias: 'prod',
      service: 'rollout',
      ecsId: primary.id,
      ...(after.currentServiceDeployment ? { arn: after.currentServiceDeployment } : {}),
      channel: 'C0ALERTS',
      startedBy: { kind: 'user', id: USERS.alice, verb: 'deploy' },
      from: 'solo:1',
      to: 'broken:1',
      startedAt: clock.now(),
      updateIntervalMs: UPDATE_INTERVAL_MS,
    });
    const began = clock.now();
    const watchers = Array.from({ length: WATCHERS }, () =>
      followLive({ ...live, aws: ops }, item, { pollMs: UPDATE_INTERVAL_MS, forMs: 14 * 60_000 }),
    );
    let done = false;
    void Promise.all(watchers).then(() => {
      done = true;
    });
    // Simulated time moves a second at a time; the account's events reach the events path as they happen.
    while (!done && clock.now() - began < 20 * 60_000) {
      clock.advance(1000);
      sandbox.world.advance();
      for (const raw of events.splice(0)) {
        const parsed = parseEvent(raw, clock.now());
        if (parsed.ok && 'event' in parsed && parsed.event.type === 'deployment')
          await handleDeploymentEvent({ ...live, config }, parsed.event);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    running = false;
    await Promise.all(watchers);
    const tookMs = clock.now() - began;
    const final = await readLive(table.store, liveKey('prod', 'rollout', primary.id));
    const calls = sandbox.calls.slice(readsBefore).filter((c) => c.service === 'ecs');
    const reads = calls.filter((c) => /^(Describe|List)/.test(c.action));
    const byAction: Record<string, number> = {};
    for (const c of reads) byAction[c.action] = (byAction[c.action] ?? 0) + 1;
    // The most edits within any one update interval.
    const mostInOneInterval = Math.max(
      0,
      ...editAt.map((t) => editAt.filter((u) => u >= t && u < t + UPDATE_INTERVAL_MS).length),
    );
    report('deployment.rollout.awsReads', reads.length, 'calls', {
      target: '<= 20',
      watchers: WATCHERS,
      simulatedMinutes: Math.round(tookMs / 60_000),
      byAction,
      ended: final?.shownPhase,
    });
    report('deployment.rollout.chatUpdatesPerInterval', mostInOneInterval, 'calls', {
      chatUpdates: editAt.length,
      intervals: Math.ceil(tookMs / UPDATE_INTERVAL_MS),
      target: '<= 1 per update interval',
      postMessage: slackStandin.callsTo('chat.postMessage').length,
      finalText: slackStandin.messages('C0ALERTS').find((m) => !m.threadTs)?.text,
    });
  } finally {
    running = false;
    await Promise.all([sandbox.stop(), slackStandin.stop(), table.stop()]);
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
