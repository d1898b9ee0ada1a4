/**
 * Events handler throughput (docs/targets.md: ≥ 500 events/s on dynalite, one process): stopped-task
 * events, 10 % delivered twice, through the real handler with the state table on in-process
 * dynalite and Slack on the stand-in. Lambda runs one event per instance at a time, so
 * concurrency here means that many warm instances (each its own handler) sharing one table.
 * Three runs per setting; the median is reported. Each event costs at least two conditional
 * writes (its event id, its window), so the same run also measures dynalite's own rate of
 * conditional puts: `events.throughput.perPut` (events/s ÷ puts/s) is the machine-independent
 * figure, 0.5 being the ceiling for two writes an event.
 */
import { systemClock } from '../src/clock';
import { createLogger } from '../src/logger';
import { createEventsHandler } from '../src/notifications/pipeline';
import { startSlackStandin } from '../src/slack/standin/server';
import { startDynalite } from '../testbed/dynalite';
import { type JsonObject, taskStopped, testConfig, testWebClient } from '../testbed/events';
import { median, report } from './report';

const EVENTS = 2000;
const RUNS = 3;

async function measure(options: {
  concurrency: number;
  services: number;
  dynaliteThread?: boolean;
}): Promise<{ eventsPerSecond: number; slackCalls: number }> {
  const table = await startDynalite({ thread: options.dynaliteThread ?? false });
  const slack = await startSlackStandin();
  const deps = {
    config: testConfig(),
    logger: createLogger({ level: 'warn', destination: process.stderr }),
    clock: systemClock,
    state: table.store,
  };
  const instances = Array.from({ length: options.concurrency }, () =>
    createEventsHandler({ ...deps, slack: testWebClient(slack.apiUrl) }),
  );
  const now = Date.now();
  const events: JsonObject[] = [];
  for (let i = 0; events.length < EVENTS; i += 1) {
    const event = taskStopped({ cluster: 'prod', service: `svc-${i % options.services}`, stoppedAt: now + i });
    events.push(event);
    if (i % 10 === 0 && events.length < EVENTS) events.push(structuredClone(event));
  }
  // Warm up the SDK, dynalite and the JIT on a few events of another cluster.
  for (let i = 0; i < 50; i += 1)
    await instances[0]!(taskStopped({ cluster: 'staging', service: 'warmup', stoppedAt: now + i }));

  let next = 0;
  const began = process.hrtime.bigint();
  await Promise.all(
    instances.map(async (handle) => {
      while (next < events.length) {
        const event = events[next]!;
        next += 1;
        await handle(event);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const slackCalls = slack.calls.length;
  await slack.stop();
  await table.stop();
  return { eventsPerSecond: events.length / seconds, slackCalls };
}

/** Raw capacity of the same setup: tiny conditional puts, as many at once as the handler instances. */
async function putsPerSecond(concurrency: number): Promise<number> {
  const table = await startDynalite();
  const per = Math.ceil(EVENTS / concurrency);
  for (let i = 0; i < 50; i += 1)
    await table.store.put({ pk: `warm#${i}`, sk: 'seen' }, { condition: 'attribute_not_exists(#pk)' });
  const began = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; i < per; i += 1)
        await table.store.put(
          { pk: `event#${w}#${i}`, sk: 'seen', expiresAt: 1 },
          { condition: 'attribute_not_exists(#pk)' },
        );
    }),
  );
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await table.stop();
  return (per * concurrency) / seconds;
}

async function medianOf(options: {
  concurrency: number;
  services: number;
  dynaliteThread?: boolean;
}): Promise<{ value: number; runs: number[]; slackCalls: number }> {
  const runs: number[] = [];
  let slackCalls = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const r = await measure(options);
    runs.push(Math.round(r.eventsPerSecond));
    slackCalls = r.slackCalls;
  }
  return { value: median(runs), runs, slackCalls };
}

export async function run(): Promise<void> {
  const sequential = await medianOf({ concurrency: 1, services: 20 });
  report('events.throughput.sequential', sequential.value, 'events/s', {
    events: EVENTS,
    services: 20,
    concurrency: 1,
    runs: sequential.runs,
  });
  const concurrent = await medianOf({ concurrency: 4, services: 20 });
  report('events.throughput', concurrent.value, 'events/s', {
    events: EVENTS,
    services: 20,
    concurrency: 4,
    runs: concurrent.runs,
    target: '>= 500',
  });
  const puts: number[] = [];
  for (let i = 0; i < RUNS; i += 1) puts.push(Math.round(await putsPerSecond(4)));
  report('events.throughput.dynalitePuts', median(puts), 'puts/s', { concurrency: 4, runs: puts });
  report('events.throughput.perPut', concurrent.value / median(puts), 'ratio', {
    note: 'events/s per conditional put/s in the same run; 0.5 is the ceiling at two writes an event',
  });
  // The same, with dynalite served from a worker thread of this process (as DynamoDB is served
  // from elsewhere): what the handler itself sustains when it does not share its thread with the table.
  const threaded = await medianOf({ concurrency: 4, services: 20, dynaliteThread: true });
  report('events.throughput.dynaliteThread', threaded.value, 'events/s', {
    events: EVENTS,
    services: 20,
    concurrency: 4,
    runs: threaded.runs,
  });
  const hot = await medianOf({ concurrency: 4, services: 1 });
  report('events.throughput.oneHotWindow', hot.value, 'events/s', {
    events: EVENTS,
    services: 1,
    concurrency: 4,
    runs: hot.runs,
    slackCalls: hot.slackCalls,
  });
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
