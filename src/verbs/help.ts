import { z } from 'zod';
import { defineVerb, type AnyVerbSpec } from './context';
import { findVerb, usageText } from '../commands/parse';
import { didYouMean } from '../commands/suggest';
import { clustersWith } from '../auth/policy';
import { LEVELS } from '../levels';
import { context, escapeText, header, section, textMessage, type SlackMessage } from '../slack/message';

export const help = defineVerb({
  verb: 'help',
  level: 'none',
  summary: 'List the commands, or show how to use one',
  usage: 'help [VERB]',
  examples: ['help', 'help scale'],
  positionals: [{ name: 'topic', optional: true, rest: true }],
  args: z.object({ topic: z.array(z.string()).default([]) }),
  visibility: 'ephemeral',
  async local(ctx, { topic }) {
    if (topic.length > 0) {
      const found = findVerb(topic, ctx.verbs);
      if (found) return textMessage(usageText(found.spec));
      const names = ctx.verbs.map((v) => v.verb);
      return textMessage(
        `There is no command \`${escapeText(topic.join(' '))}\`.${didYouMean(topic.join(' '), names)} Type \`/ecs help\` for the list.`,
      );
    }
    return helpMessage(ctx.verbs, clustersWith(ctx.access), ctx.config.channels[ctx.channelId]?.cluster);
  },
});

export function helpMessage(verbs: readonly AnyVerbSpec[], clusters: string[], channelDefault?: string): SlackMessage {
  const line = (v: AnyVerbSpec) =>
    `\`${v.usage}\`${v.aliases?.length ? ` (alias ${v.aliases.map((a) => `\`${a}\``).join(', ')})` : ''} — ${v.summary}`;
  const blocks = [header('ecs-chatops: /ecs commands')];
  const general = verbs.filter((v) => v.level === 'none');
  if (general.length > 0) blocks.push(section(`*General*\n${general.map(line).join('\n')}`));
  for (const level of LEVELS) {
    const group = verbs.filter((v) => v.level === level);
    if (group.length > 0)
      blocks.push(
        section(`*${level[0]!.toUpperCase()}${level.slice(1)}* (needs ${level})\n${group.map(line).join('\n')}`),
      );
  }
  const where = channelDefault
    ? `This channel's default cluster is *${channelDefault}*.`
    : 'This channel has no default cluster.';
  blocks.push(
    context(
      `Every command takes \`--cluster NAME\` (\`-c\`). ${where} Your clusters: ${clusters.length > 0 ? clusters.join(', ') : 'none yet'}. \`/ecs help VERB\` shows usage and an example.`,
    ),
  );
  return { text: 'ecs-chatops commands', blocks };
}
