import { z } from 'zod';
import { defineVerb } from './context';
import { FamilyName, PageNumber, PageOption, TaskDefinitionRef } from '../commands/arguments';
import { familiesMessage, revisionsMessage, taskDefinitionMessage } from '../slack/views/taskdefs';

export const taskdefs = defineVerb({
  verb: 'taskdefs',
  level: 'read',
  summary: 'List task definition families, or the revisions of one (newest first)',
  usage: 'taskdefs [FAMILY]',
  examples: ['taskdefs', 'taskdefs web'],
  positionals: [{ name: 'family', label: 'FAMILY', optional: true }],
  options: { ...PageOption },
  args: z.object({ family: FamilyName.optional(), page: PageNumber }),
  visibility: 'ephemeral',
  working: ({ family }) => (family ? `Listing the revisions of ${family}…` : 'Listing task definition families…'),
  async run(ctx, { family, page }) {
    if (family === undefined) {
      const families = await ctx.aws.taskDefinitions.families();
      await ctx.reply.send(familiesMessage({ alias: ctx.alias, region: ctx.aws.region, families, page }));
      return;
    }
    await ctx.ownership.family(family, 'taskdefs');
    const revisions = await ctx.aws.taskDefinitions.revisions(family);
    await ctx.reply.send(revisionsMessage({ alias: ctx.alias, family, revisions, page }));
  },
});

export const taskdef = defineVerb({
  verb: 'taskdef',
  level: 'read',
  summary: 'Show a task definition: containers, images, CPU and memory, ports, logging, environment names, roles',
  usage: 'taskdef FAMILY[:REV]',
  examples: ['taskdef web', 'taskdef web:3'],
  positionals: [{ name: 'taskDefinition', label: 'FAMILY[:REV]' }],
  args: z.object({ taskDefinition: TaskDefinitionRef }),
  visibility: 'ephemeral',
  working: ({ taskDefinition }) => `Reading task definition ${taskDefinition}…`,
  async run(ctx, { taskDefinition }) {
    await ctx.ownership.family(taskDefinition, 'taskdef');
    const detail = await ctx.aws.taskDefinitions.describe(taskDefinition);
    await ctx.reply.send(taskDefinitionMessage(ctx.alias, detail));
  },
});
