import { prepareInvocation, type Invocation, type PrepareDeps } from './prepare';
import { audit } from '../audit';
import { type Logger } from '../logger';
import { type JobDispatcher } from '../jobs/dispatch';
import { escapeText, section, textMessage, type SlackMessage } from '../slack/message';

export interface ListenerDeps extends PrepareDeps {
  logger: Logger;
  dispatcher: JobDispatcher;
  /**
   * Where a response URL that came back to us inside a payload (the Scale form's hidden state)
   * may point: Slack's own hooks, plus the stand-in's base in tests and the playground.
   * Default: Slack's only.
   */
  responseUrlPrefixes?: readonly string[];
}

/** The answer when something unexpected failed before a job started: nothing changed, try again. */
export const NOTHING_STARTED_APOLOGY =
  'Sorry, something went wrong before I could start that. Nothing was changed; please try again.';

/** A reply only the user who typed or clicked sees, leaving the clicked message as it is. */
export function ephemeral(message: SlackMessage): {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
  blocks?: SlackMessage['blocks'];
} {
  return {
    response_type: 'ephemeral',
    replace_original: false,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
  };
}

/**
 * Shared by typed commands, buttons and modals: prepare, then either the immediate answer or
 * a dispatched job with a short "working" note. One audit line for what ends here.
 */
export async function runPrepared(
  input: Invocation,
  deps: ListenerDeps,
  started: number,
): Promise<{ message: SlackMessage; dispatched: boolean }> {
  const prepared = await prepareInvocation(input, deps);
  const base = {
    user: input.user.id,
    channel: input.channelId,
    workspace: input.user.teamId,
    source: input.source,
    command: input.words.join(' '),
  };
  if (prepared.kind === 'reply') {
    audit(deps.logger, {
      ...base,
      ...(prepared.cluster ? { cluster: prepared.cluster } : {}),
      outcome: prepared.outcome,
      durationMs: deps.clock.now() - started,
    });
    return { message: prepared.message, dispatched: false };
  }
  try {
    await deps.dispatcher.dispatch(prepared.job);
  } catch (err) {
    deps.logger.error({ err, jobId: prepared.job.id }, 'could not dispatch job to the worker');
    audit(deps.logger, {
      ...base,
      cluster: prepared.job.cluster,
      level: prepared.job.level,
      outcome: 'error',
      detail: 'dispatch failed',
      durationMs: deps.clock.now() - started,
    });
    return {
      message: textMessage(
        `I could not start \`${escapeText(input.words.join(' '))}\`: the worker did not accept the job. Nothing was changed; try again in a moment.`,
      ),
      dispatched: false,
    };
  }
  return {
    message: { text: prepared.working, blocks: [section(`:hourglass_flowing_sand: ${prepared.working}`)] },
    dispatched: true,
  };
}
