import { type App, type BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { audit } from '../audit';
import { interactionOf, parseJsonAs } from '../slack/payloads';
import { escapeText } from '../text/escape';
import { SCALE_OFFER_CANCEL } from '../slack/views/autoscaling';
import { type ListenerDeps } from './run-prepared';

const OfferValue = z.object({ cluster: z.string().min(1).max(100), service: z.string().min(1).max(255) });

/**
 * The Cancel button of a `scale` outside the autoscaling range: nothing had been changed, so it
 * only replaces the offer (its buttons go away) with who cancelled it. No AWS call, no job.
 */
export function registerScaleOfferCancel(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(SCALE_OFFER_CANCEL, async ({ action, body, ack, respond }) => {
    await ack();
    const started = deps.clock.now();
    const who = interactionOf(body);
    const parsed = parseJsonAs(OfferValue, action.value);
    const offer = parsed.success ? parsed.data : undefined;
    audit(deps.logger, {
      user: who.user.id,
      channel: who.channelId,
      workspace: who.user.teamId,
      source: 'button',
      command: 'scale cancel',
      ...(offer ? { cluster: offer.cluster } : {}),
      outcome: 'ok',
      durationMs: deps.clock.now() - started,
    });
    const what = offer ? `Scaling *${escapeText(offer.service)}* in *${escapeText(offer.cluster)}*` : 'Scaling';
    await respond({
      replace_original: true,
      text: `${what} was cancelled by <@${who.user.id}>. Nothing was changed.`,
    });
  });
}
