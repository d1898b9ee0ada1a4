import { audit, type AuditEntry } from '../audit';
import { type AwsAccess } from '../aws/access';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { ChatopsError } from '../errors';
import { type Logger } from '../logger';
import { JOB_MAX_AGE_MS, type ApprovalJob } from '../jobs/job';
import { claimExecution, failUnfinished, finishExecution, forgetPending } from './store';
import { type StateStore } from '../state/table';
import { progressMessage, staleMessage } from './view';
import { tookText } from '../text/times';
import { count } from '../text/words';
import { stripMarkup } from '../text/markup';
import {
  DEFAULT_APPROVAL_TIMING,
  OutOfTime,
  type ApprovalTiming,
  type ExecutionEnv,
  type GatedOperation,
  type StepRecord,
} from './gated-operation';
import { levelFor, operationFor, type Plan } from './plan';
import { ProgressMessage, type ChatClient } from './progress';
import { type ApprovalRequest } from './types';
import { escapeText } from '../slack/message';
import { NotOwnedError, ownershipGuard, type OwnershipGuard } from '../auth/ownership-guard';

/** What the worker needs to run an approved request (a subset of its WorkerDeps). */
export interface ApprovalWorkerDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  aws: AwsAccess;
  state?: StateStore;
  slack?: ChatClient;
  approvalTiming?: Partial<ApprovalTiming>;
  /** How long the worker may still run (the Lambda context's remaining time); absent: no limit. */
  remainingTimeMs?: () => number;
  /** An approval job that waited longer than this is not run (default JOB_MAX_AGE_MS). */
  jobMaxAgeMs?: number;
}

/**
 * The worker's half of an approval: claim the approved request (a conditional write, so a job
 * delivered twice runs once), then run it. Never throws: a Lambda retry must not run it again.
 */
export async function runApprovalJob(job: ApprovalJob, deps: ApprovalWorkerDeps): Promise<void> {
  const log = deps.logger.child({ jobId: job.id, approval: job.requestId });
  try {
    if (!deps.state || !deps.slack) {
      log.error('an approval job reached a worker without the state table or the Slack client; skipped');
      return;
    }
    const waited = job.requestedAt === undefined ? 0 : deps.clock.now() - job.requestedAt;
    if (waited > (deps.jobMaxAgeMs ?? JOB_MAX_AGE_MS)) {
      // Too late to run what was approved against a cluster that may have changed: say so instead.
      const reason = `the approved work waited ${tookText(waited)} before the worker could start it, so it did not run.`;
      const ended = await failUnfinished(
        deps.state,
        job.requestId,
        'approved',
        `Not started: ${reason} Nothing was changed.`,
        deps.clock.now(),
      );
      log.warn(
        { waitedMs: waited, maxAgeMs: deps.jobMaxAgeMs ?? JOB_MAX_AGE_MS },
        'approval job skipped: it waited longer than the job max age',
      );
      if (ended) {
        await forgetPending(deps.state, ended.id).catch(() => undefined);
        await new ProgressMessage({
          slack: deps.slack,
          channel: ended.channelId,
          ts: ended.messageTs,
          clock: deps.clock,
          intervalMs: 0,
          logger: deps.logger,
        }).final(staleMessage(ended, reason));
      }
      return;
    }
    const request = await claimExecution(deps.state, job.requestId, deps.clock.now());
    if (!request) {
      log.info('approval job skipped: the request is not (or no longer) approved and waiting to run');
      return;
    }
    await executeRequest(request, { ...deps, state: deps.state, slack: deps.slack });
  } catch (err) {
    log.error({ err }, 'approval job failed unexpectedly');
  }
}

/**
 * Runs a request whose status is `running`: assume the admin role it runs as, re-read the live
 * state against the approved plan, then each step in order, the channel message showing every
 * step as it goes. The first failing step ends the run; the message says what was done and what
 * was not. Every step is an audit line.
 */
export async function executeRequest(
  request: ApprovalRequest,
  deps: ApprovalWorkerDeps & { state: StateStore; slack: ChatClient },
): Promise<void> {
  const timing = { ...DEFAULT_APPROVAL_TIMING, ...deps.approvalTiming };
  const started = deps.clock.now();
  const runAs = request.runAs ?? { user: request.requester, team: request.requesterTeam };
  const progress = new ProgressMessage({
    slack: deps.slack,
    channel: request.channelId,
    ts: request.messageTs,
    clock: deps.clock,
    intervalMs: timing.progressIntervalMs,
    logger: deps.logger,
  });
  const line: Omit<AuditEntry, 'outcome' | 'durationMs'> = {
    user: runAs.user.id,
    channel: request.channelId,
    workspace: runAs.user.teamId,
    source: 'approval',
    command: request.command,
    cluster: request.alias,
    level: levelFor(request.plan),
  };
  let records: StepRecord[] = [];

  const finish = async (status: 'done' | 'failed' | 'stale', outcome: string) => {
    await finishExecution(deps.state, request.id, { status, steps: records, outcome, now: deps.clock.now() }).catch(
      (err: unknown) =>
        deps.logger.error({ err, approval: request.id }, 'could not record how the approved request ended'),
    );
    // Ended either way: the sweep need not watch it any more (it would find it ended anyway).
    await forgetPending(deps.state, request.id).catch(() => undefined);
  };
  const timeLeftMs = () => deps.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY;

  let role: string | undefined;
  try {
    const cluster = deps.config.clusters[request.alias];
    if (!cluster)
      throw new ChatopsError('unknown_cluster', `*${request.alias}* is no longer in the config, so nothing was run.`);
    const aws = await deps.aws.forCluster({
      alias: request.alias,
      level: levelFor(request.plan),
      user: runAs.user,
      team: runAs.team,
    });
    role = aws.roleArn;
    const env: ExecutionEnv = {
      requestId: request.id,
      alias: request.alias,
      cluster,
      aws,
      state: deps.state,
      clock: deps.clock,
      logger: deps.logger.child({ approval: request.id }),
      timing,
      timeLeftMs,
      reason: `${request.command}, ${request.decidedBy ? `approved by ${request.decidedBy.name ?? request.decidedBy.id}` : `by ${request.requester.name ?? request.requester.id}`} (ecs-chatops)`,
    };
    const operation = operationFor(request.plan);
    // The config may have changed since the plan was read: what it deletes must still be this cluster's.
    const refusal = await ownershipRefusal(operation, request.plan, ownershipGuard(deps.config, request.alias, aws));
    const prepared =
      refusal !== undefined ? { ok: false as const, reason: refusal } : await operation.prepare(env, request.plan);
    if (!prepared.ok) {
      await finish('stale', prepared.reason);
      await progress.final(staleMessage(request, prepared.reason));
      audit(deps.logger, {
        ...line,
        role,
        outcome: 'refused',
        detail: `not started: ${prepared.reason}`,
        durationMs: deps.clock.now() - started,
      });
      return;
    }

    const steps = prepared.steps;
    records = steps.map((s) => ({ kind: s.kind, label: s.label, state: 'pending' }));
    await progress.show(progressMessage(request, records));
    let failure: { index: number; err: unknown } | undefined;
    let outOfTimeAt: number | undefined;
    for (const [i, step] of steps.entries()) {
      if (timeLeftMs() < timing.stopMarginMs) {
        outOfTimeAt = i;
        break;
      }
      const stepStarted = deps.clock.now();
      records[i] = { kind: step.kind, label: step.label, state: 'running' };
      await progress.show(progressMessage(request, records));
      try {
        const note = await step.run({
          note: async (text) => {
            records[i] = { kind: step.kind, label: step.label, state: 'running', ...(text ? { note: text } : {}) };
            await progress.show(progressMessage(request, records));
          },
        });
        records[i] = { kind: step.kind, label: step.label, state: 'done', ...(note ? { note } : {}) };
        audit(deps.logger, {
          ...line,
          role,
          outcome: 'ok',
          detail: `step ${i + 1}/${steps.length}: ${stripMarkup(step.label)}${note ? ` (${note})` : ''}`,
          durationMs: deps.clock.now() - stepStarted,
        });
      } catch (err) {
        if (err instanceof OutOfTime) {
          // The step stopped itself (a wait) before the worker's time ran out: not done, not failed.
          records[i] = { kind: step.kind, label: step.label, state: 'pending' };
          outOfTimeAt = i;
          break;
        }
        records[i] = { kind: step.kind, label: step.label, state: 'failed', note: errorText(err) };
        audit(deps.logger, {
          ...line,
          role,
          outcome: 'error',
          detail: `step ${i + 1}/${steps.length}: ${stripMarkup(step.label)}: ${stripMarkup(errorText(err))}`,
          durationMs: deps.clock.now() - stepStarted,
        });
        if (!(err instanceof ChatopsError))
          deps.logger.error({ err, approval: request.id }, 'an approved step failed unexpectedly');
        failure = { index: i, err };
        break;
      }
      await progress.show(progressMessage(request, records));
    }

    const tookMs = deps.clock.now() - started;
    const stopped = failure !== undefined || outOfTimeAt !== undefined;
    const closing =
      outOfTimeAt !== undefined
        ? outOfTimeText(request, records, outOfTimeAt, tookMs)
        : failure
          ? failureText(request, records, failure.index, tookMs)
          : operation.summary(request.plan, records, tookMs);
    await finish(stopped ? 'failed' : 'done', closing);
    await progress.final(progressMessage(request, records, { ok: !stopped, text: closing }));
    audit(deps.logger, {
      ...line,
      role,
      outcome: stopped ? 'error' : 'ok',
      detail: stripMarkup(closing),
      durationMs: tookMs,
    });
  } catch (err) {
    // Before any step ran: the role could not be assumed, or the live state could not be read.
    if (!(err instanceof ChatopsError))
      deps.logger.error({ err, approval: request.id }, 'an approved request could not start');
    const closing = `Could not start: ${errorText(err)} Nothing was changed. Run \`/ecs ${escapeText(request.command)}\` again once that is fixed.`;
    await finish('failed', closing);
    await progress.final(progressMessage(request, records, { ok: false, text: closing }));
    audit(deps.logger, {
      ...line,
      ...(role ? { role } : {}),
      outcome: 'error',
      detail: stripMarkup(closing),
      durationMs: deps.clock.now() - started,
    });
  }
}

/** Why the cluster no longer owns the family or repository the plan deletes, if it does not. */
async function ownershipRefusal(
  operation: GatedOperation<Plan>,
  plan: Plan,
  guard: OwnershipGuard,
): Promise<string | undefined> {
  try {
    await operation.checkOwnership?.(plan, guard);
    return undefined;
  } catch (err) {
    // The stale message says "Nothing was changed" itself.
    if (err instanceof NotOwnedError) return err.message.replace(/ Nothing was changed\.$/, '');
    throw err;
  }
}

function failureText(request: ApprovalRequest, records: StepRecord[], failedAt: number, tookMs: number): string {
  const done = records.filter((r) => r.state === 'done').length;
  const notDone = records.slice(failedAt);
  const shown = notDone.slice(0, 5).map((r) => r.label);
  const more = notDone.length > 5 ? ` and ${notDone.length - 5} more` : '';
  return (
    `Stopped at step ${failedAt + 1} of ${records.length} after ${tookText(tookMs)}: ${firstSentence(records[failedAt]?.note ?? 'it failed.')} ` +
    `Done: ${count(done, 'step')}. Not done: ${shown.join('; ')}${more}. ` +
    `Run \`/ecs ${escapeText(request.command)}\` again: it plans from what is left${request.plan.kind === 'teardown' ? ' and finishes the job' : ''}.`
  );
}

/** Stopped before the worker's time limit, between two steps: what was done, and how to go on. */
function outOfTimeText(request: ApprovalRequest, records: StepRecord[], stoppedAt: number, tookMs: number): string {
  const done = records.filter((r) => r.state === 'done').length;
  const notDone = records.slice(stoppedAt);
  const shown = notDone.slice(0, 5).map((r) => r.label);
  const more = notDone.length > 5 ? ` and ${notDone.length - 5} more` : '';
  const verb = request.command.split(' ')[0] === 'teardown' ? 'teardown' : `\`${escapeText(request.command)}\``;
  return (
    `Paused at step ${stoppedAt + 1} of ${records.length} after ${tookText(tookMs)}, before the worker's time limit. ` +
    `Done: ${count(done, 'step')}. Not done: ${shown.join('; ')}${more}. ` +
    `Run ${verb} again to continue: \`/ecs ${escapeText(request.command)}\` plans from what is left.`
  );
}

/** The step's line above has the whole error; the closing sentence repeats only its first sentence. */
function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text);
  return match ? match[0] : text;
}

function errorText(err: unknown): string {
  if (err instanceof ChatopsError) return /[.!?]$/.test(err.message) ? err.message : `${err.message}.`;
  return 'it failed unexpectedly (the details are in the bot’s logs).';
}
