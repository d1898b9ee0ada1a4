import { type EventsHandler } from '../notifications/pipeline';
import { type EcsEventBridgeEvent, type Sandbox } from '../sandbox';
import { type Logger } from '../logger';
import { type PlaygroundTime } from './simulated-time';

/** EventBridge's schedule for the events function's sweep (serverless.yml: every minute). */
const SWEEP_EVERY_MS = 60_000;
/**
 * With no ECS event for this long (twice the default quiet period) and no approval request
 * waiting, every fifth tick is enough: nothing is left to edit or expire, and a sweep costs a few
 * state-table queries, which a /wait of a simulated day would otherwise spend most of its time on.
 */
const BUSY_FOR_MS = 30 * 60_000;
const IDLE_SWEEP_EVERY = 5;

export interface NotificationBridge {
  /** Resolves when every event delivered so far has been handled. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What EventBridge does for the deployed bot: every ECS event of the simulated account goes to
 * the real events handler (which routes, de-duplicates, counts and posts through the Slack
 * stand-in), and a scheduled tick every simulated minute lets it sweep trailing edits. Events
 * are handed over one at a time, in the order the account emitted them. The tick follows
 * simulated time, so it keeps its minute when `/wait` jumps ahead.
 */
export function startNotificationBridge(options: {
  sandbox: Sandbox;
  handler: EventsHandler;
  time: PlaygroundTime;
  logger: Logger;
  /** Something the sweep may have to act on is on screen (an approval request): sweep every minute. */
  pending?: () => boolean;
}): NotificationBridge {
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const deliver = (event: unknown) => {
    if (stopped) return;
    chain = chain.then(async () => {
      try {
        await options.handler(event);
      } catch (err) {
        // The deployed function would be retried by Lambda; here the next sweep picks up what is owed.
        options.logger.warn({ err }, 'the events handler failed on an event');
      }
    });
  };
  let lastEventAt = options.time.now();
  const unsubscribe = options.sandbox.onEvent((event: EcsEventBridgeEvent) => {
    lastEventAt = options.time.now();
    deliver(structuredClone(event));
  });
  void (async () => {
    for (let tick = 1; !stopped; tick += 1) {
      await options.time.background(SWEEP_EVERY_MS);
      const now = options.time.now();
      if (now - lastEventAt <= BUSY_FOR_MS || tick % IDLE_SWEEP_EVERY === 0 || options.pending?.())
        deliver(scheduledEvent(options.sandbox, now));
    }
  })();
  return {
    settle: () => chain,
    async stop() {
      stopped = true;
      unsubscribe();
      await chain;
    },
  };
}

function scheduledEvent(sandbox: Sandbox, at: number) {
  return {
    version: '0',
    id: `playground-sweep-${at}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: sandbox.accountId,
    time: new Date(at).toISOString(),
    region: sandbox.region,
    resources: [`arn:aws:events:${sandbox.region}:${sandbox.accountId}:rule/ecs-chatops-events-sweep`],
    detail: {},
  };
}
