import { claimEventKey, releaseEventKey } from './event-ids';
import { markWindowBehind } from './pending';
import { EVENT_ID_TTL_MS, WINDOW_TTL_MS } from './constants';
import { type NotifierContext } from './context';
import { countOccurrence } from './count';
import { finalEdit, syncWindow } from './publish';
import { matchCluster, routeFor } from './routing';
import { type Occurrence, type Outcome } from './types';

export type { Outcome } from './types';

/**
 * Takes one classified occurrence to its channel: route it, drop it if its kind is not wanted
 * there or it was seen before, count it into its window, then bring the message up to date.
 */
export async function deliverOccurrence(ctx: NotifierContext, occ: Occurrence): Promise<Outcome> {
  const match = matchCluster(ctx.config, occ.cluster);
  if (!match.ok) {
    // Another account's or region's event on our bus is worth a look; an unknown cluster is not.
    if (match.foreign)
      ctx.logger.warn(
        { key: occ.dedupeKey, problem: match.reason },
        'event from outside the cluster’s account or region skipped',
      );
    return { outcome: 'skipped', reason: match.reason };
  }
  const { alias } = match;
  const route = routeFor(ctx.config, alias, occ.service);
  if (!route) return { outcome: 'skipped', reason: `cluster ${alias} has no notify route` };
  if (!route.kinds.includes(occ.kind))
    return { outcome: 'quiet', reason: `${occ.kind} is not sent for ${alias}${occ.service ? `/${occ.service}` : ''}` };

  if (!(await claimEventKey(ctx.state, occ.dedupeKey, ctx.clock.now(), EVENT_ID_TTL_MS))) {
    return { outcome: 'duplicate', key: occ.dedupeKey };
  }
  let counted;
  try {
    counted = await countOccurrence(ctx, route, occ);
  } catch (err) {
    // Not counted: give the key back so that Lambda's retry of this invocation counts it.
    await releaseEventKey(ctx.state, occ.dedupeKey).catch((releaseErr: unknown) =>
      ctx.logger.error({ err: releaseErr, key: occ.dedupeKey }, 'could not release an event key after a failed count'),
    );
    throw err;
  }
  const { window } = counted;
  // From here on the count is safe in the table; failures below delay the message, never the count.
  try {
    if (counted.fellBehind)
      await markWindowBehind(ctx.state, window.pk, window.windowId, window.count, ctx.clock.now() + WINDOW_TTL_MS);
    if (counted.replaced) await finalEdit(ctx, counted.replaced);
    await syncWindow(ctx, window);
  } catch (err) {
    ctx.logger.error(
      { err, window: window.pk },
      'counted, but could not update the notification now; the sweeper will',
    );
    ctx.windows.delete(window.pk);
  }
  return { outcome: 'counted', window: window.pk, count: window.count };
}
