import { z } from 'zod';
import { defineVerb } from '../commands/types';
import { ServiceName, WholeNumber } from '../commands/arguments';
import { waitForSettlement } from './follow-up';
import { scaledMessage, settlementMessage } from '../slack/views/services';

export const scale = defineVerb({
  verb: 'scale',
  level: 'operate',
  summary: 'Set how many tasks of a service should run',
  usage: 'scale SVC N',
  examples: ['scale web 4', 'scale worker 0 -c staging'],
  positionals: [{ name: 'service', label: 'SVC' }, { name: 'count', label: 'N' }],
  args: z.object({ service: ServiceName, count: WholeNumber('N', 1000) }),
  visibility: 'in_channel',
  working: ({ service, count }) => `Scaling ${service} to ${count}…`,
  async run(ctx, { service, count }) {
    const before = await ctx.aws.services.describe(service);
    const after = await ctx.aws.services.scale(service, count);
    await ctx.reply.send(scaledMessage(ctx.alias, before, after, ctx.user.id));
    const outcome = await waitForSettlement(ctx, service, after);
    await ctx.reply.send(settlementMessage(ctx.alias, outcome, ctx.timing.followUpTimeoutMs));
  },
});
