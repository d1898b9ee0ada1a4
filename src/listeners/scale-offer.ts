import { type App, type BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { audit } from '../audit';
import { escapeText } from '../slack/message';
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
    const parsed = OfferValue.safeParse(safeJson(action.value ?? ''));
    const service = parsed.success ? parsed.data.service : '';
    const cluster = parsed.success ? parsed.data.cluster : '';
    audit(deps.logger, {
      user: body.user.id,
      channel: body.channel?.id ?? body.container?.channel_id ?? '',
      workspace: body.user.team_id ?? body.team?.id ?? 'unknown',
      source: 'button',
      command: 'scale cancel',
      ...(cluster ? { cluster } : {}),
      outcome: 'ok',
      durationMs: deps.clock.now() - started,
    });
    const what = parsed.success ? `Scaling *${escapeText(service)}* in *${escapeText(cluster)}*` : 'Scaling';
    await respond({
      replace_original: true,
      text: `${what} was cancelled by <@${body.user.id}>. Nothing was changed.`,
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
