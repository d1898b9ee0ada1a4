import { type App, type BlockButtonAction } from '@slack/bolt';
import { prepareInvocation } from './prepare';
import { audit } from '../audit';
import { responseUrlReplier } from '../slack/reply';
import { escapeText } from '../slack/message';
import {
  ScaleButtonValue,
  ScaleModalMetadata,
  scaleModal,
  SCALE_INPUT_ACTION,
  SCALE_INPUT_BLOCK,
  SCALE_MODAL_ACTION,
  SCALE_MODAL_CALLBACK,
} from '../slack/views/scale-modal';
import { interactionOf, parseJsonAs } from '../slack/payloads';
import { hostOf, isAllowedResponseUrl } from '../slack/response-url';
import { requestKeyPart } from '../slack/request-key';
import { ephemeral, type ListenerDeps, runPrepared } from './run-prepared';

/**
 * The Scale button opens a modal (views.open must use the trigger_id within ~3 s, so it happens
 * in the ack path); submitting it runs `scale SVC N` through the same path as typing it.
 */
export function registerScaleModal(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(SCALE_MODAL_ACTION, async ({ action, body, ack, client, respond }) => {
    await ack();
    const started = deps.clock.now();
    const { user, channelId, responseUrl } = interactionOf(body);
    const value = parseJsonAs(ScaleButtonValue, action.value);
    if (!value.success || !responseUrl) {
      await respond(ephemeral({ text: 'That Scale button is no longer valid. Use `/ecs scale SVC N`.' }));
      return;
    }
    const { cluster, service, current } = value.data;
    // Refuse before opening a form the user could not submit. The count only has to parse (scale takes
    // at most 1000); a service already above that must still be able to open the form and scale down.
    const check = await prepareInvocation(
      {
        words: ['scale', service, String(Math.min(current, 1000))],
        user,
        channelId,
        responseUrl,
        source: 'button',
        cluster,
      },
      deps,
    );
    if (check.kind === 'reply') {
      audit(deps.logger, {
        user: user.id,
        channel: channelId,
        workspace: user.teamId,
        source: 'button',
        command: `scale ${service} (modal)`,
        cluster,
        outcome: check.outcome,
        durationMs: deps.clock.now() - started,
      });
      await respond(ephemeral(check.message));
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: scaleModal({ cluster, service, current, channelId, responseUrl }),
      });
    } catch (err) {
      // Usually an expired trigger_id (Slack allows 3 s): say what to do instead of failing silently.
      deps.logger.warn({ err }, 'could not open the scale form');
      await respond(
        ephemeral({
          text: `I could not open the Scale form. Type \`/ecs scale ${escapeText(service)} N -c ${escapeText(cluster)}\` instead.`,
        }),
      );
    }
  });

  app.view(SCALE_MODAL_CALLBACK, async ({ ack, view, body, context }) => {
    const meta = parseJsonAs(ScaleModalMetadata, view.private_metadata);
    const { user } = interactionOf(body);
    const raw = view.state.values[SCALE_INPUT_BLOCK]?.[SCALE_INPUT_ACTION]?.value ?? '';
    // The hidden state comes back from the client: a response URL that is not Slack's is never posted to.
    if (!meta.success || !isAllowedResponseUrl(meta.data.responseUrl, deps.responseUrlPrefixes)) {
      if (meta.success) {
        deps.logger.warn(
          { user: user.id, host: hostOf(meta.data.responseUrl) },
          'scale form with a response URL that is not Slack’s; refused',
        );
        audit(deps.logger, {
          user: user.id,
          channel: meta.data.channelId,
          workspace: user.teamId,
          source: 'modal',
          command: `scale ${meta.data.service}`,
          cluster: meta.data.cluster,
          outcome: 'refused',
          detail: 'response URL is not Slack’s',
          durationMs: 0,
        });
      }
      await ack({
        response_action: 'errors',
        errors: { [SCALE_INPUT_BLOCK]: 'This form has expired; close it and click Scale again.' },
      });
      return;
    }
    if (!/^\d+$/.test(raw) || Number(raw) > 1000) {
      await ack({ response_action: 'errors', errors: { [SCALE_INPUT_BLOCK]: 'Enter a whole number from 0 to 1000.' } });
      return;
    }
    await ack();
    const started = deps.clock.now();
    const result = await runPrepared(
      {
        words: ['scale', meta.data.service, raw],
        user,
        channelId: meta.data.channelId,
        responseUrl: meta.data.responseUrl,
        source: 'modal',
        cluster: meta.data.cluster,
        ...requestKeyPart(context),
      },
      deps,
      started,
    );
    if (!result.dispatched) {
      // Refused or failed to start: say so where the button was.
      await responseUrlReplier({
        responseUrl: meta.data.responseUrl,
        visibility: 'ephemeral',
        logger: deps.logger,
        clock: deps.clock,
      })
        .send(result.message)
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not tell the user why the scale form was refused'));
    }
  });
}
