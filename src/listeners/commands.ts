import { type App } from '@slack/bolt';
import { tokenize } from '../commands/tokenize';
import { audit } from '../audit';
import { commandUserOf } from '../slack/payloads';
import { type ListenerDeps, NOTHING_STARTED_APOLOGY, runPrepared } from './run-prepared';
import { requestKeyPart } from '../slack/request-key';

/** `/ecs …`: every slash command routed to this app. Acks within Slack's 3 s; the work goes to the worker. */
export function registerCommandListener(app: App, deps: ListenerDeps): void {
  app.command(/.*/, async ({ command, ack, context }) => {
    const started = deps.clock.now();
    const user = commandUserOf(command);
    try {
      const result = await runPrepared(
        {
          words: tokenize(command.text ?? ''),
          user,
          channelId: command.channel_id,
          responseUrl: command.response_url,
          source: 'slash',
          ...requestKeyPart(context),
        },
        deps,
        started,
      );
      await ack({
        response_type: 'ephemeral',
        text: result.message.text,
        ...(result.message.blocks ? { blocks: result.message.blocks } : {}),
      });
    } catch (err) {
      deps.logger.error({ err }, 'slash command failed before ack');
      audit(deps.logger, {
        user: user.id,
        channel: command.channel_id,
        workspace: user.teamId,
        source: 'slash',
        command: command.text,
        outcome: 'error',
        durationMs: deps.clock.now() - started,
      });
      await ack({ response_type: 'ephemeral', text: NOTHING_STARTED_APOLOGY });
    }
  });
}
