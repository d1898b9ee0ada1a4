import { randomUUID } from 'node:crypto';
import { activeMute } from './mutes';
import {
  claimEdit,
  claimPost,
  claimThread,
  finishPost,
  markRendered,
  type NotificationWindow,
  releasePost,
} from './windows';
import { POST_CLAIM_MS } from './constants';
import { type NotifierContext } from './context';
import { overflowNoteDue, updateIntervalOf } from './settings';
import { overflowNote, threadDetailMessage, windowMessage } from './view';

/**
 * Brings a window's Slack message up to date, as far as Slack's limits allow now: posts it if it
 * has no message yet, edits it if it is behind and the last edit is at least its update interval
 * old (the route's `updateInterval`, default UPDATE_INTERVAL_MS), and posts owed thread replies. Every step is claimed with a conditional write first, so
 * concurrent invocations never post or edit the same thing twice. A window that stays behind
 * keeps its pending marker and the sweeper comes back to it; so a Slack failure (after the
 * WebClient's own retries, 429 included) delays a message but loses no count.
 */
export async function syncWindow(ctx: NotifierContext, w: NotificationWindow): Promise<void> {
  const now = ctx.clock.now();
  const needsPost = !w.ts && (w.postClaimUntil === undefined || w.postClaimUntil < now);
  const needsEdit = !!w.ts && w.count > w.renderedCount && now - w.renderedAt >= updateIntervalOf(w);
  const needsThread = !!w.ts && threadOwed(w);
  if (!needsPost && !needsEdit && !needsThread) return;
  // Mutes are checked only when there is something to say: muted occurrences are still counted,
  // so a message that resumes after the mute tells the whole story.
  const mute = await activeMute(ctx.state, w.alias, w.service, now);
  if (mute) {
    ctx.logger.debug({ window: w.pk, mutedUntil: mute.until, by: mute.by }, 'notification muted');
    return;
  }
  if (needsPost) {
    await postWindow(ctx, w);
    return;
  }
  let current = w;
  if (needsEdit) current = (await editWindow(ctx, w)) ?? current;
  if (threadOwed(current)) await postThread(ctx, current);
}

/** A last edit of a window that was closed while behind (its item has been replaced already). */
export async function finalEdit(ctx: NotifierContext, old: NotificationWindow): Promise<void> {
  if (!old.ts || old.count <= old.renderedCount) return;
  if (await activeMute(ctx.state, old.alias, old.service, ctx.clock.now())) return;
  try {
    await ctx.slack.chat.update({ channel: old.channel, ts: old.ts, ...windowMessage(old) });
  } catch (err) {
    ctx.logger.error(
      { err, window: old.pk, windowId: old.windowId },
      'could not give a closed notification its final count',
    );
  }
}

function threadOwed(w: NotificationWindow): boolean {
  return w.threadPosted < w.details.length || overflowNoteDue(w);
}

async function postWindow(ctx: NotifierContext, w: NotificationWindow): Promise<void> {
  const me = randomUUID();
  const now = ctx.clock.now();
  const claimed = await claimPost(ctx.state, w, me, now, now + POST_CLAIM_MS);
  if (!claimed) return;
  ctx.windows.set(w.pk, claimed);
  let ts: string | undefined;
  try {
    const res = await ctx.slack.chat.postMessage({
      channel: claimed.channel,
      ...windowMessage(claimed),
      unfurl_links: false,
      unfurl_media: false,
    });
    ts = res.ts;
  } catch (err) {
    ctx.logger.error(
      { err, window: w.pk, channel: claimed.channel },
      'could not post a notification; the sweeper will try again',
    );
  }
  if (!ts) {
    await releasePost(ctx.state, claimed, me);
    ctx.windows.delete(w.pk);
    return;
  }
  const posted = await finishPost(ctx.state, claimed, ts, claimed.count, ctx.clock.now());
  ctx.logger.info({ window: w.pk, channel: claimed.channel, ts, count: claimed.count }, 'notification posted');
  if (!posted) return;
  ctx.windows.set(w.pk, posted);
  if (threadOwed(posted)) await postThread(ctx, posted);
}

async function editWindow(ctx: NotifierContext, w: NotificationWindow): Promise<NotificationWindow | undefined> {
  const claimed = await claimEdit(ctx.state, w, ctx.clock.now());
  if (!claimed || !claimed.ts) return undefined;
  ctx.windows.set(w.pk, claimed);
  try {
    await ctx.slack.chat.update({ channel: claimed.channel, ts: claimed.ts, ...windowMessage(claimed) });
  } catch (err) {
    ctx.logger.error({ err, window: w.pk }, 'could not update a notification; the sweeper will try again');
    return claimed;
  }
  const marked = await markRendered(ctx.state, claimed, claimed.count);
  if (marked) ctx.windows.set(w.pk, marked);
  return marked ?? claimed;
}

async function postThread(ctx: NotifierContext, w: NotificationWindow): Promise<void> {
  const upTo = w.details.length;
  const note = overflowNoteDue(w);
  const claimed = await claimThread(ctx.state, w, upTo, note);
  if (!claimed || !w.ts) return;
  ctx.windows.set(w.pk, claimed);
  const replies = w.details
    .slice(w.threadPosted, upTo)
    .map((fact, i) => threadDetailMessage(w, fact, w.threadPosted + i + 2));
  if (note) replies.push(overflowNote(w));
  for (const reply of replies) {
    try {
      await ctx.slack.chat.postMessage({
        channel: w.channel,
        thread_ts: w.ts,
        ...reply,
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (err) {
      ctx.logger.error({ err, window: w.pk }, 'could not post a thread reply');
    }
  }
}
