import { z } from 'zod';
import { defineVerb } from './context';
import { context, escapeText, fieldsSection, header, section } from '../slack/message';

export const whoami = defineVerb({
  verb: 'whoami',
  level: 'none',
  summary: 'Show your teams and your access level on each cluster',
  usage: 'whoami',
  examples: ['whoami'],
  positionals: [],
  args: z.object({}),
  visibility: 'ephemeral',
  async local(ctx) {
    const { access, config } = ctx;
    if (access.teams.length === 0) {
      return {
        text: 'You are in no team.',
        blocks: [
          header('Who am I'),
          section(
            `<@${ctx.user.id}> (id \`${ctx.user.id}\`) is not in any team of the ecs-chatops config, so you have no access yet. A platform admin can add your user id or one of your Slack user groups to a team.`,
          ),
        ],
      };
    }
    const lines = Object.entries(access.clusters).map(([alias, a]) => {
      const here = a.level ? `*${a.level}* (team ${escapeText(a.team ?? '')})` : 'no access';
      const elsewhere = a.elsewhere.map(
        (g) => `${g.level} via ${escapeText(g.team)} in ${g.channels!.map((c) => `<#${c}>`).join(', ')}`,
      );
      return `• *${alias}*: ${here}${elsewhere.length > 0 ? ` — also ${elsewhere.join('; ')}` : ''}`;
    });
    const channelDefault = config.channels[ctx.channelId]?.cluster;
    return {
      text: `You are in teams ${escapeText(access.teams.join(', '))}`,
      blocks: [
        header('Who am I'),
        fieldsSection([`*User*\n<@${ctx.user.id}>`, `*Teams*\n${escapeText(access.teams.join(', '))}`]),
        section(`*Access in this channel*\n${lines.join('\n')}`),
        context(
          channelDefault
            ? `Commands here go to *${channelDefault}* unless you add \`--cluster\`.`
            : 'This channel has no default cluster; add `--cluster NAME`.',
        ),
      ],
    };
  },
});
