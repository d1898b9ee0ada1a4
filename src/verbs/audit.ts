import { z } from 'zod';
import { defineVerb, type CommandContext } from './context';
import { ChatopsError } from '../errors';
import { type ClusterOps } from '../aws/access';
import { auditCluster } from '../best-practice/audit';
import { auditDetailMessages, auditSingleMessage, auditSummaryMessage, type ClusterAudit } from '../best-practice/view';

const ClusterAlias = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]{1,300}$/, 'a cluster is named by its alias from the config, e.g. prod');

/**
 * `/ecs audit [CLUSTER]` and `/ecs audit --all`: the cluster(s) against ECS best practice
 * (src/best-practice/rules/), read with each cluster's read role.
 *
 * Where it answers: a summary message in the channel and the details in its thread. A thread
 * needs a real channel message with a `ts`: replies through the command's response_url have no
 * ts to thread on, and ephemeral messages cannot have threads at all. So the bot posts the summary
 * with chat.postMessage (bot token) and each detail message with `thread_ts`. The team fixes
 * findings together; the findings name resources and settings, never a secret's value. Where the
 * bot cannot post (not invited to the channel), the audit comes back through the response_url as
 * one message with as many details as fit, and says how to get the thread.
 */
export const audit = defineVerb({
  verb: 'audit',
  level: 'read',
  summary:
    'Check a cluster against ECS best practice (open ports, image tags, memory limits, circuit breaker, zones, agents, IMDSv2, secrets, environments): findings by severity, details in a thread',
  usage: 'audit [CLUSTER] [--all]',
  examples: ['audit prod', 'audit --all'],
  positionals: [{ name: 'name', label: 'CLUSTER', optional: true }],
  clusterArgument: 'name',
  allClustersOption: 'all',
  options: { all: { type: 'boolean', description: 'every cluster you may read in this channel' } },
  args: z
    .object({ name: ClusterAlias.optional(), all: z.boolean().optional() })
    .refine((a) => !(a.all && a.name), { message: 'name a cluster or use --all, not both', path: ['all'] }),
  visibility: 'in_channel',
  working: ({ name, all }) => (all ? 'Auditing your clusters…' : name ? `Auditing ${name}…` : 'Auditing the cluster…'),
  async run(ctx) {
    const all = ctx.clusters ?? [ctx.aws];
    // Each cluster on its own read role, a few at a time; one that fails says why beside the others.
    const audits: ClusterAudit[] = [];
    for (let i = 0; i < all.length; i += 4)
      audits.push(...(await Promise.all(all.slice(i, i + 4).map((ops) => auditOne(ops, all.length > 1)))));
    await post(ctx, audits);
  },
});

/** One cluster's audit; with others beside it, a cluster that cannot be read becomes a line saying why. */
async function auditOne(ops: ClusterOps, amongOthers: boolean): Promise<ClusterAudit> {
  const base = { alias: ops.alias, region: ops.region };
  if (!amongOthers) {
    const evidence = await ops.bestPractice.evidence();
    return { ...base, result: auditCluster(evidence), gaps: evidence.gaps };
  }
  try {
    const evidence = await ops.bestPractice.evidence();
    return { ...base, result: auditCluster(evidence), gaps: evidence.gaps };
  } catch (err) {
    if (!(err instanceof ChatopsError)) throw err;
    return { ...base, problem: err.message };
  }
}

async function post(ctx: CommandContext, audits: ClusterAudit[]): Promise<void> {
  const summary = auditSummaryMessage(audits, { threaded: true });
  const details = auditDetailMessages(audits);
  let ts: string | undefined;
  if (ctx.slack) {
    try {
      const res = await ctx.slack.chat.postMessage({
        channel: ctx.channelId,
        text: summary.text,
        blocks: summary.blocks,
      });
      ts = res.ok ? res.ts : undefined;
    } catch (err) {
      ctx.logger.warn(
        { err, channel: ctx.channelId },
        'audit: could not post to the channel; answering the command instead',
      );
    }
  }
  if (!ts) {
    await ctx.reply.send(auditSingleMessage(audits));
    return;
  }
  for (const [n, message] of details.entries()) {
    try {
      await ctx.slack!.chat.postMessage({
        channel: ctx.channelId,
        text: message.text,
        blocks: message.blocks,
        thread_ts: ts,
      });
    } catch (err) {
      ctx.logger.warn({ err, channel: ctx.channelId }, 'audit: a thread reply failed');
      await ctx.reply.send(
        {
          text: `The audit's details stopped after ${n} of ${details.length} thread messages (Slack refused the next one). Run the audit again to see them all.`,
        },
        { visibility: 'ephemeral' },
      );
      return;
    }
  }
}
