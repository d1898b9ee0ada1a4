import { z } from 'zod';

/**
 * What the listeners read from Slack's interaction payloads (https://docs.slack.dev/reference/interaction-payloads):
 * who clicked or submitted, where, and the JSON the bot put into a button's value or a modal's
 * `private_metadata`. Bolt has verified the request's signature; the fields are still parsed,
 * not trusted to have the shape Bolt's types claim.
 */

/** A Slack user as the bot records them: id, display name when Slack sent one, workspace. */
export interface SlackUser {
  id: string;
  name?: string;
  /** Slack workspace (team) id. */
  teamId: string;
}

/** Who clicked a button or submitted a modal, where, and how to answer. */
export interface Interaction {
  user: SlackUser;
  /** The channel of the clicked message ('' for a modal, which belongs to no channel). */
  channelId: string;
  /** The thread of the clicked message: its own thread, else the message itself. */
  threadTs?: string;
  /** Where to answer the click (block actions only). */
  responseUrl?: string;
}

const InteractionBody = z.object({
  user: z.object({
    id: z.string().min(1),
    username: z.string().optional(),
    name: z.string().optional(),
    team_id: z.string().nullish(),
  }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }).nullish(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).nullish(),
  message: z.object({ ts: z.string().optional(), thread_ts: z.string().optional() }).nullish(),
  response_url: z.string().optional(),
});

/** Reads a block action or view submission body; throws when it names no user (no payload Slack sends). */
export function interactionOf(body: unknown): Interaction {
  const parsed = InteractionBody.parse(body);
  const name = parsed.user.username ?? parsed.user.name;
  const threadTs = parsed.message?.thread_ts ?? parsed.message?.ts ?? parsed.container?.message_ts;
  return {
    user: {
      id: parsed.user.id,
      ...(name ? { name } : {}),
      teamId: parsed.user.team_id ?? parsed.team?.id ?? 'unknown',
    },
    channelId: parsed.channel?.id ?? parsed.container?.channel_id ?? '',
    ...(threadTs ? { threadTs } : {}),
    ...(parsed.response_url ? { responseUrl: parsed.response_url } : {}),
  };
}

/** The user who typed a slash command. */
export function commandUserOf(command: { user_id: string; user_name?: string; team_id: string }): SlackUser {
  return { id: command.user_id, ...(command.user_name ? { name: command.user_name } : {}), teamId: command.team_id };
}

/** `text` parsed as JSON and then by `schema`: a button value or modal metadata the bot wrote (or someone forged). */
export function parseJsonAs<T extends z.ZodType>(
  schema: T,
  text: string | undefined,
): z.ZodSafeParseResult<z.output<T>> {
  return schema.safeParse(safeJson(text));
}

/** JSON.parse that answers undefined for text that is not JSON. */
export function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
