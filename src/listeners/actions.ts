import { type App, type BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { audit } from '../audit';
import { interactionOf, parseJsonAs } from '../slack/payloads';
import { ephemeral, type ListenerDeps, NOTHING_STARTED_APOLOGY, runPrepared } from './run-prepared';
import { requestKeyPart } from '../slack/request-key';

const CommandButtonValue = z.object({ cluster: z.string().min(1), args: z.array(z.string()).max(50) });

/**
 * Buttons that run a command (`action_id` `cmd:<verb>[#n]`): the same parse, cluster and
 * authorization path as typed text, with the button's cluster.
 */
export function registerCommandButtons(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(/^cmd:/, async ({ action, body, ack, respond, context }) => {
    await ack();
    const started = deps.clock.now();
    const verb = action.action_id.slice('cmd:'.length).split('#')[0]!;
    const { user, channelId, responseUrl } = interactionOf(body);
    const value = parseJsonAs(CommandButtonValue, action.value);
    if (!value.success || !responseUrl) {
      audit(deps.logger, {
        user: user.id,
        channel: channelId,
        workspace: user.teamId,
        source: 'button',
        command: verb,
        outcome: 'usage',
        detail: 'malformed button',
        durationMs: deps.clock.now() - started,
      });
      await respond(ephemeral({ text: 'That button is no longer valid. Run the command again.' }));
      return;
    }
    try {
      const result = await runPrepared(
        {
          words: [...verb.split(' '), ...value.data.args],
          user,
          channelId,
          responseUrl,
          source: 'button',
          cluster: value.data.cluster,
          ...requestKeyPart(context),
        },
        deps,
        started,
      );
      await respond(ephemeral(result.message));
    } catch (err) {
      // As for typed commands: an unexpected failure still gets an answer, and an audit line.
      deps.logger.error({ err }, 'button failed before its job started');
      audit(deps.logger, {
        user: user.id,
        channel: channelId,
        workspace: user.teamId,
        source: 'button',
        command: verb,
        cluster: value.data.cluster,
        outcome: 'error',
        durationMs: deps.clock.now() - started,
      });
      await respond(ephemeral({ text: NOTHING_STARTED_APOLOGY })).catch(() => undefined);
    }
  });
}
