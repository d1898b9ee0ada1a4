import { type App, type BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { audit, type AuditEntry } from '../audit';
import { interactionOf, parseJsonAs } from '../slack/payloads';
import { ephemeral, type ListenerDeps, NOTHING_STARTED_APOLOGY, runPrepared } from './run-prepared';
import { requestKeyPart } from '../slack/request-key';

const CommandButtonValue = z.object({
  cluster: z.string().min(1),
  args: z.array(z.string()).max(50),
  /** The command's first in-channel reply replaces the clicked message (a scale offer's buttons go away). */
  replaceOriginal: z.literal(true).optional(),
});

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
    // One audit line per click, whatever becomes of it.
    const auditClick = (entry: Pick<AuditEntry, 'outcome' | 'detail' | 'cluster'>): void =>
      audit(deps.logger, {
        user: user.id,
        channel: channelId,
        workspace: user.teamId,
        source: 'button',
        command: verb,
        ...entry,
        durationMs: deps.clock.now() - started,
      });
    if (!value.success || !responseUrl) {
      auditClick({ outcome: 'usage', detail: 'malformed button' });
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
          ...(value.data.replaceOriginal ? { replaceOriginal: true } : {}),
          ...requestKeyPart(context),
        },
        deps,
        started,
      );
      await respond(ephemeral(result.message));
    } catch (err) {
      // As for typed commands: an unexpected failure still gets an answer, and an audit line.
      deps.logger.error({ err }, 'button failed before its job started');
      auditClick({ outcome: 'error', cluster: value.data.cluster });
      await respond(ephemeral({ text: NOTHING_STARTED_APOLOGY })).catch(() => undefined);
    }
  });
}
