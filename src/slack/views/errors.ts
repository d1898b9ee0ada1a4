import { ChatopsError } from '../../errors';
import { escapeText, section, type SlackMessage } from '../message';
import { stripMarkup } from '../../text/markup';

/** What the user reads when a command fails: our phrased message, never a stack trace. */
export function errorMessage(err: unknown, cluster: string, command: string): SlackMessage {
  if (err instanceof ChatopsError) {
    return { text: stripMarkup(err.message), blocks: [section(`:warning: ${err.message}`)] };
  }
  const text = `\`/ecs ${escapeText(command)}\` on *${escapeText(cluster)}* failed unexpectedly. Nothing more was attempted; the error is in the bot's logs. Try again, or ask the platform team if it keeps failing.`;
  return { text: stripMarkup(text), blocks: [section(`:x: ${text}`)] };
}
