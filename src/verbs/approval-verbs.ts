import { z } from 'zod';
import { ClusterWord, ImageTag, RepositoryName, ServiceName, TaskDefinitionRevision } from '../commands/arguments';
import { defineVerb, type CommandContext } from './context';
import { ChatopsError } from '../errors';
import { escapeText, textMessage } from '../slack/message';
import { requestApproval } from '../approvals/request';
import { readImageDeletePlan } from '../approvals/operations/image-delete';
import { readRepoDeletePlan } from '../approvals/operations/repo-delete';
import { readServiceDeletePlan } from '../approvals/operations/service-delete';
import { readTaskdefDeregisterPlan } from '../approvals/operations/taskdef-deregister';
import { readTeardownPlan, teardownIsEmpty } from '../approvals/operations/teardown';
import { usageReader } from '../approvals/operations/usage';

/**
 * The destructive verbs. Each reads its plan from the live state in the worker, then asks for a
 * second person's approval when the config's `approvals.verbs` lists it (all of them by default),
 * or runs at once when it does not. See docs/approvals.md.
 */

export const teardown = defineVerb({
  verb: 'teardown',
  level: 'admin',
  summary:
    'Delete a whole cluster: services, tasks, instances (EC2 terminated), the cluster and its ECR repositories, after approval',
  usage: 'teardown CLUSTER',
  examples: ['teardown staging'],
  positionals: [{ name: 'cluster', label: 'CLUSTER' }],
  clusterArgument: 'cluster',
  args: z.object({ cluster: ClusterWord }),
  visibility: 'ephemeral',
  working: ({ cluster }) => `Reading ${cluster} to plan its teardown…`,
  async run(ctx, { cluster }) {
    // The Slack function picked the cluster from this word; a job whose words disagree is not run.
    if (
      cluster !== ctx.alias &&
      cluster.toLowerCase() !== ctx.alias.toLowerCase() &&
      cluster !== ctx.cluster.name &&
      !ctx.cluster.name.endsWith(`/${cluster}`)
    ) {
      throw new ChatopsError(
        'cluster_mismatch',
        `This job was for *${ctx.alias}*, not \`${escapeText(cluster)}\`; nothing was changed. Run \`/ecs teardown ${escapeText(cluster)}\` again.`,
      );
    }
    const plan = await readTeardownPlan({
      aws: ctx.aws,
      alias: ctx.alias,
      cluster: ctx.cluster,
      state: requireState(ctx),
      now: ctx.clock.now(),
    });
    if (teardownIsEmpty(plan)) {
      await ctx.reply.send(
        textMessage(
          `There is nothing left to tear down in *${ctx.alias}*: the ECS cluster is deleted and nothing the config lists for it remains.`,
        ),
      );
      return;
    }
    await requestApproval(ctx, 'teardown', ['teardown', ctx.alias], plan);
  },
});

export const serviceDelete = defineVerb({
  verb: 'service delete',
  level: 'admin',
  summary: 'Scale a service to 0 and delete it (force), after approval',
  usage: 'service delete SVC',
  examples: ['service delete web', 'service delete worker -c staging'],
  positionals: [{ name: 'service', label: 'SVC' }],
  args: z.object({ service: ServiceName }),
  visibility: 'ephemeral',
  working: ({ service }) => `Reading ${service} to plan its deletion…`,
  async run(ctx, { service }) {
    const plan = await readServiceDeletePlan(ctx.aws, service);
    await requestApproval(ctx, 'service delete', ['service', 'delete', service, '-c', ctx.alias], plan);
  },
});

export const taskdefDeregister = defineVerb({
  verb: 'taskdef deregister',
  level: 'admin',
  summary: 'Deregister one task definition revision (it becomes INACTIVE), after approval',
  usage: 'taskdef deregister FAMILY:REV',
  examples: ['taskdef deregister web:3'],
  positionals: [{ name: 'taskDefinition', label: 'FAMILY:REV' }],
  args: z.object({ taskDefinition: TaskDefinitionRevision }),
  visibility: 'ephemeral',
  working: ({ taskDefinition }) => `Reading ${taskDefinition}…`,
  async run(ctx, { taskDefinition }) {
    await ctx.ownership.family(taskDefinition, 'taskdef deregister');
    const plan = await readTaskdefDeregisterPlan(ctx.aws, taskDefinition, usageReader(ctx));
    if ('nothingToDo' in plan) {
      await ctx.reply.send(textMessage(plan.nothingToDo));
      return;
    }
    await requestApproval(ctx, 'taskdef deregister', ['taskdef', 'deregister', taskDefinition, '-c', ctx.alias], plan);
  },
});

export const imageDelete = defineVerb({
  verb: 'image delete',
  level: 'admin',
  summary: 'Delete an image tag from an ECR repository (the image too, with its last tag), after approval',
  usage: 'image delete REPO TAG',
  examples: ['image delete web 1.4.2'],
  positionals: [
    { name: 'repository', label: 'REPO' },
    { name: 'tag', label: 'TAG' },
  ],
  args: z.object({ repository: RepositoryName, tag: ImageTag }),
  visibility: 'ephemeral',
  working: ({ repository, tag }) => `Reading ${repository}:${tag}…`,
  async run(ctx, { repository, tag }) {
    ctx.ownership.repository(repository, 'image delete');
    const plan = await readImageDeletePlan(ctx.aws, repository, tag, usageReader(ctx));
    await requestApproval(ctx, 'image delete', ['image', 'delete', repository, tag, '-c', ctx.alias], plan);
  },
});

export const repoDelete = defineVerb({
  verb: 'repo delete',
  level: 'admin',
  summary: 'Delete an ECR repository and every image in it (force), after approval',
  usage: 'repo delete REPO',
  examples: ['repo delete old-web'],
  positionals: [{ name: 'repository', label: 'REPO' }],
  args: z.object({ repository: RepositoryName }),
  visibility: 'ephemeral',
  working: ({ repository }) => `Reading ${repository}…`,
  async run(ctx, { repository }) {
    ctx.ownership.repository(repository, 'repo delete');
    const plan = await readRepoDeletePlan(ctx.aws, repository, usageReader(ctx));
    await requestApproval(ctx, 'repo delete', ['repo', 'delete', repository, '-c', ctx.alias], plan);
  },
});

function requireState(ctx: CommandContext) {
  if (!ctx.state)
    throw new ChatopsError(
      'approvals_unavailable',
      'Teardown needs the bot’s state table (STATE_TABLE), and this deployment has none. Nothing was changed.',
    );
  return ctx.state;
}
