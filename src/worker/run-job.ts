import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { type Clock } from '../clock';
import { type AwsAccess } from '../aws/access';
import { audit } from '../audit';
import { ChatopsError } from '../errors';
import { parseWords } from '../commands/parse';
import { type AnyVerbSpec, type CommandTiming } from '../verbs/context';
import { spansClusters } from '../commands/grammar';
import { Job, JOB_MAX_AGE_MS, type CommandJob } from '../jobs/job';
import { type StateStore } from '../state/table';
import { claimJob } from '../jobs/claims';
import { textMessage } from '../slack/message';
import { tookText } from '../text/times';
import { runApprovalJob, type ApprovalWorkerDeps } from '../approvals/execute';
import { type ChatClient } from '../approvals/progress';
import { replacingOriginalOnce, responseUrlReplier, type Replier } from '../slack/reply';
import { errorMessage } from '../slack/views/errors';
import { escapeText } from '../slack/message';
import { ownershipGuard } from '../auth/ownership-guard';
import { runDeploymentWatch } from '../notifications/deployments/watch-job';

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
  /**
   * How long this invocation may still run (the Lambda context's getRemainingTimeInMillis); a
   * long approved operation (a teardown) stops cleanly before it runs out. Absent: no limit.
   */
  remainingTimeMs?: () => number;
  /**
   * A job that waited longer than this is not run (default JOB_MAX_AGE_MS). The playground runs
   * jobs in-process at once, on a clock 60× or more faster than real time, and sets it to Infinity.
   */
  jobMaxAgeMs?: number;
}

/**
 * Runs one job from the Slack function. Never throws: failures become a reply and an audit line.
 *
 * Exactly once: the job id is claimed in the state table (one conditional put) before anything
 * runs, so a second delivery of the same job (Lambda delivers async invocations at least once)
 * or a replayed Slack request (same signature, so the same job id) does nothing and says why in
 * the log. A command job that waited more than JOB_MAX_AGE_MS is not run; the user is told to
 * type it again.
 */
export async function runJob(input: unknown, deps: WorkerDeps): Promise<void> {
  const parsed = Job.safeParse(input);
  if (!parsed.success) {
    deps.logger.error({ issues: parsed.error.issues.slice(0, 5) }, 'worker got a malformed job; skipped');
    return;
  }
  const job = parsed.data;
  const claim = await claimOnce(job, deps);
  if (claim !== 'claimed') {
    if (claim === 'unrecorded' && job.kind === 'command') {
      await replierFor(job, deps)
        .send(
          textMessage(
            `I could not start \`${escapeText(job.words.join(' '))}\`: the bot's state table did not answer, so I could not make sure it runs only once. Nothing was changed; type it again in a moment.`,
          ),
          { visibility: 'ephemeral' },
        )
        .catch((err: unknown) => deps.logger.error({ err, jobId: job.id }, 'could not tell the user about a failure'));
    }
    return;
  }
  if (job.kind === 'approval') return runApprovalJob(job, deps);
  if (job.kind === 'deployment-watch') return runDeploymentWatch(job, deps);
  const waited = deps.clock.now() - job.requestedAt;
  if (waited > (deps.jobMaxAgeMs ?? JOB_MAX_AGE_MS)) {
    await refuseStaleCommand(job, waited, deps);
    return;
  }
  await runCommandJob(job, deps);
}

/**
 * Claims the job id; 'duplicate' when another delivery already did (logged), 'unrecorded' when the
 * state table failed (nothing runs: running without the claim could run it twice). Without a
 * state table (local use) there is nothing to claim in, and jobs run in this process only.
 */
async function claimOnce(job: Job, deps: WorkerDeps): Promise<'claimed' | 'duplicate' | 'unrecorded'> {
  if (!deps.state) return 'claimed';
  try {
    const first = await claimJob(deps.state, job.id, deps.clock.now(), {
      kind: job.kind,
      ...(job.kind === 'command' ? { verb: job.verb } : {}),
    });
    if (first) return 'claimed';
    deps.logger.warn(
      {
        jobId: job.id,
        kind: job.kind,
        ...(job.kind === 'command'
          ? { verb: job.verb, cluster: job.cluster, user: job.user.id }
          : job.kind === 'approval'
            ? { approval: job.requestId }
            : { deployment: job.ecsId }),
      },
      'job skipped: this job id was already claimed (a second delivery of the same invocation, or a replayed Slack request)',
    );
    return 'duplicate';
  } catch (err) {
    deps.logger.error({ err, jobId: job.id }, 'could not claim the job in the state table; not run');
    return 'unrecorded';
  }
}

function replierFor(job: CommandJob, deps: WorkerDeps, visibility: 'in_channel' | 'ephemeral' = 'ephemeral'): Replier {
  const replier =
    deps.replierFor?.(job, visibility) ??
    responseUrlReplier({ responseUrl: job.responseUrl, visibility, logger: deps.logger, clock: deps.clock });
  return job.replaceOriginal ? replacingOriginalOnce(replier, visibility) : replier;
}

/** The job waited too long (a throttled or backed-up invoke queue): tell the user, run nothing. */
async function refuseStaleCommand(job: CommandJob, waitedMs: number, deps: WorkerDeps): Promise<void> {
  const command = job.words.join(' ');
  const maxAgeMs = deps.jobMaxAgeMs ?? JOB_MAX_AGE_MS;
  deps.logger.warn(
    { jobId: job.id, verb: job.verb, cluster: job.cluster, waitedMs, maxAgeMs },
    'job skipped: it waited longer than the job max age',
  );
  audit(deps.logger, {
    user: job.user.id,
    channel: job.channelId,
    workspace: job.user.teamId,
    source: job.source,
    command,
    cluster: job.cluster,
    level: job.level,
    outcome: 'expired',
    detail: `waited ${Math.round(waitedMs / 1000)}s before the worker started it (max ${Math.round(maxAgeMs / 1000)}s); not run`,
    durationMs: 0,
  });
  await replierFor(job, deps)
    .send(
      textMessage(
        `\`${escapeText(command)}\` waited ${tookText(waitedMs)} before I could start it, so I did not run it: the cluster may have changed since. Nothing was changed; type \`/ecs ${escapeText(command)}\` again if you still want it.`,
      ),
      { visibility: 'ephemeral' },
    )
    .catch((err: unknown) =>
      deps.logger.error({ err, jobId: job.id }, 'could not tell the user that their command was too old to run'),
    );
}

async function runCommandJob(job: CommandJob, deps: WorkerDeps): Promise<void> {
  const started = deps.clock.now();
  const command = parseWords(job.words, deps.verbs);
  const visibility = command.ok ? command.spec.visibility : 'ephemeral';
  const reply = replierFor(job, deps, visibility);
  const cluster = deps.config.clusters[job.cluster];
  const base = {
    user: job.user.id,
    channel: job.channelId,
    workspace: job.user.teamId,
    source: job.source,
    command: job.words.join(' '),
    cluster: job.clusters ? job.clusters.map((c) => c.alias).join(',') : job.cluster,
    level: job.level,
  };
  let role: string | undefined;
  try {
    if (!command.ok) throw new ChatopsError('usage', command.error);
    if (!command.spec.run || !cluster)
      throw new ChatopsError('unknown_verb', `\`${escapeText(job.verb)}\` cannot run in the worker.`);
    // The Slack function authorized this verb at this level; a job whose words name another verb,
    // or that asks for a role other than the one the verb needs, was not made by it: run nothing.
    if (command.spec.verb !== job.verb || command.spec.level !== job.level) {
      deps.logger.error(
        { jobId: job.id, verb: job.verb, parsedVerb: command.spec.verb, level: job.level, needs: command.spec.level },
        'worker got a job whose verb or level does not match its words; skipped',
      );
      throw new ChatopsError(
        'job_mismatch',
        `\`${escapeText(job.words.join(' '))}\` did not arrive as it was authorized, so I did not run it. Nothing was changed; run it again.`,
      );
    }
    const aws = await deps.aws.forCluster({ alias: job.cluster, level: job.level, user: job.user, team: job.team });
    role = aws.roleArn;
    // A verb that spans clusters gets each cluster on that cluster's own role.
    const clusters =
      spansClusters(command.spec, command.args) && job.clusters
        ? await Promise.all(
            job.clusters.map((c) =>
              c.alias === job.cluster
                ? aws
                : deps.aws.forCluster({ alias: c.alias, level: job.level, user: job.user, team: c.team }),
            ),
          )
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
        ownership: ownershipGuard(deps.config, job.cluster, aws),
        readCluster: (alias) => deps.aws.forCluster({ alias, level: 'read', user: job.user, team: job.team }),
        ...(deps.approvalTiming ? { approvalTiming: deps.approvalTiming } : {}),
        ...(deps.remainingTimeMs ? { remainingTimeMs: deps.remainingTimeMs } : {}),
      },
      command.args,
    );
    audit(deps.logger, { ...base, role, outcome: 'ok', durationMs: deps.clock.now() - started });
  } catch (err) {
    const known = err instanceof ChatopsError;
    if (!known) deps.logger.error({ err, jobId: job.id }, 'command failed unexpectedly');
    audit(deps.logger, {
      ...base,
      ...(role ? { role } : {}),
      outcome: 'error',
      detail: known ? err.code : 'unexpected',
      durationMs: deps.clock.now() - started,
    });
    await reply
      .send(errorMessage(err, job.cluster, job.words.join(' ')), { visibility: 'ephemeral' })
      .catch((replyErr: unknown) =>
        deps.logger.error({ err: replyErr, jobId: job.id }, 'could not tell the user about a failure'),
      );
  }
}
