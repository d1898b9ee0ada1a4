import { z } from 'zod';
import { defineVerb } from './context';
import { ClusterWord, NewClusterName, PageNumber, PageOption } from '../commands/arguments';
import { ChatopsError } from '../errors';
import { type ClusterOps } from '../aws/access';
import { pageOf } from '../slack/paging';
import {
  CLUSTERS_PER_PAGE,
  clusterCreatedMessage,
  clusterDetailMessage,
  clusterListMessage,
  type ClusterRow,
} from '../slack/views/clusters';

export const clusters = defineVerb({
  verb: 'clusters',
  level: 'read',
  scope: 'allClusters',
  summary: 'List the clusters you can use here: status, services, tasks and instances of each',
  usage: 'clusters',
  examples: ['clusters'],
  positionals: [],
  options: PageOption,
  args: z.object({ page: PageNumber }),
  visibility: 'ephemeral',
  working: () => 'Reading your clusters…',
  async run(ctx, { page }) {
    const all = ctx.clusters ?? [ctx.aws];
    const shown = pageOf(all, page, CLUSTERS_PER_PAGE, { cluster: ctx.alias, verb: 'clusters', args: [] });
    // Each cluster with its own read role (a page is at most 20: one call each, at once); one
    // that fails says why without hiding the others.
    const rows = await Promise.all(
      shown.items.map((ops) => clusterRow(ops, ctx.config.clusters[ops.alias]?.name ?? ops.clusterName)),
    );
    await ctx.reply.send(clusterListMessage({ ...shown, items: rows }));
  },
});

async function clusterRow(ops: ClusterOps, name: string): Promise<ClusterRow> {
  const row = { alias: ops.alias, name, region: ops.region };
  try {
    return { ...row, summary: await ops.cluster.describe() };
  } catch (err) {
    if (!(err instanceof ChatopsError)) throw err;
    return { ...row, problem: err.message };
  }
}

export const cluster = defineVerb({
  verb: 'cluster',
  level: 'read',
  summary: 'One cluster: status, services, tasks, instances, and CPU and memory left across its instances',
  usage: 'cluster [NAME]',
  examples: ['cluster prod', 'cluster'],
  positionals: [{ name: 'name', label: 'NAME', optional: true }],
  clusterArgument: 'name',
  args: z.object({ name: ClusterWord.optional() }),
  visibility: 'ephemeral',
  working: ({ name }) => (name ? `Reading cluster ${name}…` : 'Reading the cluster…'),
  async run(ctx) {
    const [summary, instances] = await Promise.all([ctx.aws.cluster.describe(), ctx.aws.instances.list()]);
    await ctx.reply.send(clusterDetailMessage({ alias: ctx.alias, region: ctx.cluster.region, summary, instances }));
  },
});

export const clusterCreate = defineVerb({
  verb: 'cluster create',
  level: 'admin',
  summary: 'Create an ECS cluster in the account and region of the current cluster, and show the config entry it needs',
  usage: 'cluster create NAME',
  examples: ['cluster create qa -c staging'],
  positionals: [{ name: 'name', label: 'NAME' }],
  args: z.object({ name: NewClusterName }),
  visibility: 'in_channel',
  working: ({ name }) => `Creating cluster ${name}…`,
  async run(ctx, { name }) {
    // CreateCluster answers the same for a new and an existing cluster: ask first, to say which.
    const before = await ctx.aws.cluster.find(name).catch(() => undefined);
    const summary = before ?? (await ctx.aws.cluster.create(name));
    const configuredAs = Object.entries(ctx.config.clusters).find(
      ([, c]) => c.region === ctx.cluster.region && (c.name === name || c.name === summary.arn),
    )?.[0];
    const accountId = summary.arn.split(':')[4] || ctx.cluster.roles.read.split(':')[4] || 'ACCOUNT_ID';
    await ctx.reply.send(
      clusterCreatedMessage({
        name,
        region: ctx.cluster.region,
        summary,
        existed: before !== undefined,
        ...(configuredAs ? { configuredAs } : {}),
        accountId,
        rolePrefix: rolePrefixOf(ctx.cluster.roles.read, ctx.cluster.name),
        ...(ctx.team ? { team: ctx.team } : {}),
        userId: ctx.user.id,
      }),
    );
  },
});

/** `arn:…:role/chatops-prod-read` → `chatops`: new roles are named like the existing ones (deploy/cluster-roles.yaml). */
function rolePrefixOf(readRoleArn: string, clusterName: string): string {
  const roleName = readRoleArn.split('/').pop() ?? '';
  const suffix = `-${clusterName.split('/').pop()}-read`;
  return roleName.endsWith(suffix) && roleName.length > suffix.length ? roleName.slice(0, -suffix.length) : 'chatops';
}
