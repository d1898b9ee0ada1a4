/**
 * A crash loop (docs/targets.md): 1,000 stopped tasks of one service in 5 simulated minutes, every
 * tenth delivered twice, through the events handler on dynalite and the Slack stand-in, then the
 * scheduled sweep a minute later. Reports the Slack Web API calls it cost (target ≤ 12) and the
 * count the message ends with (must be exactly 1,000), and the DynamoDB calls per delivered event
 * (target ≤ 2 on average).
 */
import { getWindow, windowPk } from '../src/notifications/windows';
import { scheduledTick, startEventsHarness, taskStopped, WEB_CHANNEL } from '../testbed/events';
import { report } from './report';

const STOPS = 1000;
const SPAN_MS = 5 * 60_000;

export async function run(): Promise<void> {
  const h = await startEventsHarness();
  // Every request the state table's client sends, by operation (GetItem, PutItem, UpdateItem, …).
  const dynamo: Record<string, number> = {};
  h.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      dynamo[op] = (dynamo[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countDynamoCalls' },
  );
  try {
    const start = h.clock.now();
    const originals = Array.from({ length: STOPS }, (_, i) => {
      const at = start + Math.floor((i * SPAN_MS) / STOPS);
      return { at, event: taskStopped({ service: 'web', stoppedAt: at }) };
    });
    const deliveries = [...originals];
    for (let i = 0; i < STOPS; i += 10)
      deliveries.push({ at: originals[i]!.at + 2_500, event: structuredClone(originals[i]!.event) });
    deliveries.sort((a, b) => a.at - b.at);

    for (const key of Object.keys(dynamo)) delete dynamo[key]; // the table's creation is not the burst's
    const began = process.hrtime.bigint();
    for (const { at, event } of deliveries) {
      h.clock.set(at);
      await h.handler(event);
    }
    h.clock.advance(61_000);
    await h.handler(scheduledTick(h.clock.now()));
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;

    const stored = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    const parent = h.slack.messages(WEB_CHANNEL).find((m) => !m.threadTs);
    const shown = Number((/([\d,]+) tasks stopped/.exec(parent?.text ?? '')?.[1] ?? '0').replace(/,/g, ''));
    const byMethod: Record<string, number> = {};
    for (const call of h.slack.calls) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;

    report('events.burst.slackCalls', h.webApiCalls(), 'calls', {
      stops: STOPS,
      deliveries: deliveries.length,
      simulatedMinutes: SPAN_MS / 60_000,
      target: '<= 12',
      byMethod,
    });
    report('events.burst.finalCount', shown, 'stops', { stored: stored?.count, target: STOPS });
    const dynamoCalls = Object.values(dynamo).reduce((a, b) => a + b, 0);
    report('events.burst.dynamoCallsPerEvent', Number((dynamoCalls / deliveries.length).toFixed(3)), 'calls/event', {
      dynamoCalls,
      deliveries: deliveries.length,
      target: '<= 2',
      byOperation: dynamo,
    });
    report('events.burst.wallTime', seconds, 's', { eventsPerSecond: Math.round(deliveries.length / seconds) });
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
