import { recordContainerInstanceState } from './agents';
import { classifyEvent } from './classify';
import { OPPORTUNISTIC_SWEEP_MS } from './constants';
import { type NotificationDeps, type NotifierContext } from './context';
import { deliverOccurrence, type Outcome } from './deliver';
import { clampEventTime, parseEvent } from './events';
import { isPoisonError } from './poison';
import { sweep } from './sweep';

export type { NotificationDeps } from './context';
export type { Outcome } from './deliver';

/** Takes one EventBridge event; returns what became of it (for logs and tests; Lambda ignores it). */
export type EventsHandler = (event: unknown) => Promise<Outcome | { outcome: 'malformed'; reason: string }>;

/**
 * The events function: ECS events from EventBridge → route → de-duplicate → count into a window
 * → Slack. Also takes the scheduled tick (`source: aws.events`, `detail-type: Scheduled Event`)
 * that sweeps trailing edits and confirms agent disconnects.
 *
 * A malformed or foreign event is logged and skipped, never thrown: a throw makes Lambda retry an
 * event that can never succeed. Only state-table failures are thrown, and then before anything
 * was counted, so the retry is safe.
 */
export function createEventsHandler(deps: NotificationDeps): EventsHandler {
  const ctx: NotifierContext = { ...deps, windows: new Map(), lastSweepAt: Number.NEGATIVE_INFINITY };
  const { logger } = deps;

  return async function handleEvent(raw) {
    const parsed = parseEvent(raw, deps.clock.now());
    if (!parsed.ok) {
      if (parsed.reason === 'malformed') {
        logger.warn(
          { eventId: parsed.id, detailType: parsed.detailType, problem: parsed.message },
          'malformed event skipped',
        );
        return { outcome: 'malformed', reason: parsed.message };
      }
      logger.debug({ eventId: parsed.id, detailType: parsed.detailType }, `event ignored: ${parsed.message}`);
      return { outcome: 'skipped', reason: parsed.message };
    }
    if ('tick' in parsed) {
      ctx.lastSweepAt = deps.clock.now();
      // Other periodic work failing must not stop the notification sweep, nor make Lambda retry.
      await deps
        .onTick?.()
        .catch((err: unknown) => logger.error({ err }, 'tick work failed; the next tick tries again'));
      return { outcome: 'swept', items: await sweep(ctx) };
    }
    const { event } = parsed;
    const arrivedAt = deps.clock.now();
    let result: Outcome;
    try {
      if (event.type === 'instance') {
        result = await recordContainerInstanceState(ctx, event);
      } else if ((event.type === 'deployment' || event.type === 'hook') && deps.onDeploymentEvent) {
        result = await deps.onDeploymentEvent({ ...event, time: clampEventTime(event.time, arrivedAt) });
      } else {
        const occurrence = classifyEvent(event);
        // Times inside the detail (stoppedAt, updatedAt) are clamped as the envelope's is.
        result = occurrence
          ? await deliverOccurrence(ctx, { ...occurrence, at: clampEventTime(occurrence.at, arrivedAt) })
          : { outcome: 'quiet', reason: 'nothing to tell' };
      }
    } catch (err) {
      // DynamoDB refused the event's own data (a key too large, say): a retry would fail the same way.
      if (!isPoisonError(err)) throw err;
      logger.error(
        { eventId: event.id, detailType: event.type, err },
        'event the state table refuses skipped (poison event)',
      );
      return { outcome: 'malformed', reason: 'the state table refused its keys' };
    }
    logger.debug({ eventId: event.id, ...result }, 'event handled');
    await sweepIfDue(ctx);
    return result;
  };
}

async function sweepIfDue(ctx: NotifierContext): Promise<void> {
  const now = ctx.clock.now();
  if (now - ctx.lastSweepAt < OPPORTUNISTIC_SWEEP_MS) return;
  ctx.lastSweepAt = now;
  try {
    await sweep(ctx);
  } catch (err) {
    ctx.logger.error({ err }, 'opportunistic sweep failed; the scheduled one will retry');
  }
}
