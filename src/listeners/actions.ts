import { type App, type BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { audit } from '../audit';
import { type ListenerDeps, runPrepared } from './run-prepared';
import { keyOf } from './commands';

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
    const user = {
      id: body.user.id,
      name: body.user.username ?? body.user.name,
      teamId: body.user.team_id ?? body.team?.id ?? 'unknown',
    };
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const value = CommandButtonValue.safeParse(safeJson(action.value ?? ''));
    if (!value.success || !body.response_url) {
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
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That button is no longer valid. Run the command again.',
      });
      return;
    }
    try {
      const result = await runPrepared(
        {
          words: [...verb.split(' '), ...value.data.args],
          user,
          channelId,
          responseUrl: body.response_url,
          source: 'button',
          cluster: value.data.cluster,
          ...keyOf(context),
        },
        deps,
        started,
      );
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: result.message.text,
        ...(result.message.blocks ? { blocks: result.message.blocks } : {}),
      });
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
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Sorry, something went wrong before I could start that. Nothing was changed; please try again.',
      }).catch(() => undefined);
    }
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
