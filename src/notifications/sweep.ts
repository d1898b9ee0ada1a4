import { clearWindowMarker, listPending, takeAgentMarker } from './pending';
import { getWindow } from './windows';
import { disconnectOccurrence } from './agents';
import { type NotifierContext } from './context';
import { deliverOccurrence } from './deliver';
import { syncWindow } from './publish';
import { overflowNoteDue } from './settings';

/**
 * Comes back to work that no event will trigger: the trailing edit of a burst that has ended, a
 * post that failed, a disconnect whose grace period is over. Run by a scheduled EventBridge rule
 * (every minute) and, opportunistically, by warm invocations.
 */
export async function sweep(ctx: NotifierContext): Promise<number> {
  const items = await listPending(ctx.state);
  const now = ctx.clock.now();
  for (const item of items) {
    try {
      if (item.type === 'window') {
        const w = await getWindow(ctx.state, item.windowPk);
        const upToDate =
          !w ||
          (w.ts !== undefined &&
            w.count <= w.renderedCount &&
            w.threadPosted >= w.details.length &&
            !overflowNoteDue(w));
        if (upToDate) {
          await clearWindowMarker(ctx.state, item);
          continue;
        }
        ctx.windows.set(w.pk, w);
        await syncWindow(ctx, w);
      } else if (item.dueAt <= now) {
        // Deliver first, then take the marker: a crash in between repeats the delivery, which the
        // occurrence's dedupe key turns into a no-op.
        if (!item.connected) await deliverOccurrence(ctx, disconnectOccurrence(item));
        await takeAgentMarker(ctx.state, item);
      }
    } catch (err) {
      ctx.logger.error({ err, item: item.sk }, 'sweep: could not finish an item; next sweep retries');
    }
  }
  return items.length;
}
