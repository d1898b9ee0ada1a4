import { type App } from '@slack/bolt';
import { tokenize } from '../commands/tokenize';
import { audit } from '../audit';
import { type ListenerDeps, runPrepared } from './run-prepared';
import { requestKeyFrom } from '../slack/request-key';

/** `/ecs …`: every slash command routed to this app. Acks within Slack's 3 s; the work goes to the worker. */
export function registerCommandListener(app: App, deps: ListenerDeps): void {
  app.command(/.*/, async ({ command, ack, context }) => {
    const started = deps.clock.now();
    const user = { id: command.user_id, name: command.user_name, teamId: command.team_id };
    try {
      const result = await runPrepared(
        {
          words: tokenize(command.text ?? ''),
          user,
          channelId: command.channel_id,
          responseUrl: command.response_url,
          source: 'slash',
          ...keyOf(context),
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
      await ack({
        response_type: 'ephemeral',
        text: 'Sorry, something went wrong before I could start that. Nothing was changed; please try again.',
      });
    }
  });
}

/** The signed request's key, when the receiver set one: a replay of the request then starts nothing new. */
export function keyOf(context: Record<string, unknown>): { requestKey?: string } {
  const key = requestKeyFrom(context);
  return key ? { requestKey: key } : {};
}
