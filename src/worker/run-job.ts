import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { type Clock } from '../clock';
import { type AwsAccess } from '../aws/types';
import { audit } from '../audit';
import { ChatopsError } from '../errors';
import { parseWords } from '../commands/parse';
import { type AnyVerbSpec, type CommandTiming } from '../commands/types';
import { Job, type CommandJob } from '../jobs/job';
import { type StateStore } from '../state/table';
import { runApprovalJob, type ApprovalWorkerDeps } from '../approvals/execute';
import { type ChatClient } from '../approvals/progress';
import { responseUrlReplier, type Replier } from '../slack/reply';
import { errorMessage } from '../slack/views/errors';
import { escapeText } from '../slack/message';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  aws: AwsAccess;
  verbs: readonly AnyVerbSpec[];
  timing: CommandTiming;
  /** How replies reach Slack; response_url by default. */
  replierFor?: (job: CommandJob, visibility: 'in_channel' | 'ephemeral') => Replier;
  /** The state table (approval requests); without it approval-gated verbs cannot run. */
  state?: StateStore;
  /** The Slack Web API with the bot token: messages the bot posts and edits (approval requests). */
  slack?: ChatClient;
  approvalTiming?: ApprovalWorkerDeps['approvalTiming'];
}

/** Runs one job from the Slack function. Never throws: failures become a reply and an audit line. */
export async function runJob(input: unknown, deps: WorkerDeps): Promise<void> {
  const parsed = Job.safeParse(input);
  if (!parsed.success) {
    deps.logger.error({ issues: parsed.error.issues.slice(0, 5) }, 'worker got a malformed job; skipped');
    return;
  }
  const job = parsed.data;
  if (job.kind === 'approval') return runApprovalJob(job, deps);
  await runCommandJob(job, deps);
}

async function runCommandJob(job: CommandJob, deps: WorkerDeps): Promise<void> {
  const started = deps.clock.now();
  const command = parseWords(job.words, deps.verbs);
  const visibility = command.ok ? command.spec.visibility : 'ephemeral';
  const reply = deps.replierFor?.(job, visibility) ?? responseUrlReplier({ responseUrl: job.responseUrl, visibility, logger: deps.logger, clock: deps.clock });
  const cluster = deps.config.clusters[job.cluster];
  const base = { user: job.user.id, channel: job.channelId, workspace: job.user.teamId, source: job.source, command: job.words.join(' '), cluster: job.clusters ? job.clusters.map((c) => c.alias).join(',') : job.cluster, level: job.level };
  let role: string | undefined;
  try {
    if (!command.ok) throw new ChatopsError('usage', command.error);
    if (!command.spec.run || !cluster) throw new ChatopsError('unknown_verb', `\`${escapeText(job.verb)}\` cannot run in the worker.`);
    // The Slack function authorized this verb at this level; a job whose words name another verb,
    // or that asks for a role other than the one the verb needs, was not made by it: run nothing.
    if (command.spec.verb !== job.verb || command.spec.level !== job.level) {
      deps.logger.error({ jobId: job.id, verb: job.verb, parsedVerb: command.spec.verb, level: job.level, needs: command.spec.level }, 'worker got a job whose verb or level does not match its words; skipped');
      throw new ChatopsError('job_mismatch', `\`${escapeText(job.words.join(' '))}\` did not arrive as it was authorized, so I did not run it. Nothing was changed; run it again.`);
    }
    const aws = await deps.aws.forCluster({ alias: job.cluster, level: job.level, user: job.user, team: job.team });
    role = aws.roleArn;
    // A verb that spans clusters gets each cluster on that cluster's own role.
    const clusters = command.spec.scope === 'allClusters' && job.clusters
      ? await Promise.all(job.clusters.map((c) => (c.alias === job.cluster ? aws : deps.aws.forCluster({ alias: c.alias, level: job.level, user: job.user, team: c.team }))))
      : undefined;
    if (clusters) role = clusters.map((c) => c.roleArn).join(',');
    await command.spec.run(
      {
        alias: job.cluster,
        cluster,
        level: job.level,
        user: job.user,
        channelId: job.channelId,
        aws,
        reply,
        config: deps.config,
        clock: deps.clock,
        logger: deps.logger.child({ jobId: job.id }),
        timing: deps.timing,
        source: job.source,
        team: job.team,
        ...(deps.state ? { state: deps.state } : {}),
        ...(deps.slack ? { slack: deps.slack } : {}),
        ...(clusters ? { clusters } : {}),
      },
      command.args,
    );
    audit(deps.logger, { ...base, role, outcome: 'ok', durationMs: deps.clock.now() - started });
  } catch (err) {
    const known = err instanceof ChatopsError;
    if (!known) deps.logger.error({ err, jobId: job.id }, 'command failed unexpectedly');
    audit(deps.logger, { ...base, ...(role ? { role } : {}), outcome: 'error', detail: known ? err.code : 'unexpected', durationMs: deps.clock.now() - started });
    await reply
      .send(errorMessage(err, job.cluster, job.words.join(' ')), { visibility: 'ephemeral' })
      .catch((replyErr: unknown) => deps.logger.error({ err: replyErr, jobId: job.id }, 'could not tell the user about a failure'));
  }
}
