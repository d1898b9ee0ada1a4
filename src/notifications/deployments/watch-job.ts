import { type AwsAccess } from '../../aws/access';
import { type Clock } from '../../clock';
import { watchFor } from '../../config/deployments';
import { type Config } from '../../config/schema';
import { type DeploymentWatchJob } from '../../jobs/job';
import { type Logger } from '../../logger';
import { type StateStore } from '../../state/table';
import { liveKey, readLive, type LiveChat } from './live';
import { followLive } from './watch';

/** Asks a worker to follow a deployment started outside Slack (reads ECS; the events function does not). */
export type WatchRequest = (ref: { alias: string; service: string; ecsId: string }) => Promise<void>;

/** Who a watch started by an event reads as: the bot (its role session's SourceIdentity names it). */
export const WATCHER = { id: 'ecs-chatops', teamId: 'bot' };

export interface DeploymentWatchDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  aws: AwsAccess;
  state?: StateStore;
  slack?: LiveChat;
  remainingTimeMs?: () => number;
  /** `deploymentPollMs` overrides the message's update interval as the poll interval (tests). */
  timing?: { deploymentPollMs?: number };
}

/**
 * The worker's half of a deployment started outside Slack: its live message was posted by the
 * events function from the first event; this follows it on the cluster's read role until it
 * ends, pauses, or `deployments.watch` runs out (within the worker's time).
 */
export async function runDeploymentWatch(job: DeploymentWatchJob, deps: DeploymentWatchDeps): Promise<void> {
  if (!deps.state || !deps.slack) return;
  try {
    const item = await readLive(deps.state, liveKey(job.alias, job.service, job.ecsId));
    if (!item) return;
    const aws = await deps.aws.forCluster({ alias: job.alias, level: 'read', user: WATCHER, team: 'deployments' });
    await followLive({ state: deps.state, slack: deps.slack, clock: deps.clock, logger: deps.logger, aws }, item, {
      pollMs: deps.timing?.deploymentPollMs ?? item.updateIntervalMs,
      forMs: watchFor(deps.config.deployments),
      ...(deps.remainingTimeMs ? { remainingTimeMs: deps.remainingTimeMs } : {}),
    });
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err), job: job.id }, 'deployment watch failed');
  }
}

/**
 * A WatchRequest that hands the watch to the worker as a job (the events function on Lambda): one
 * job id per deployment, so a second event or a redelivery starts no second watch.
 */
export function watchByJob(dispatch: (job: DeploymentWatchJob) => Promise<void>, clock: Clock): WatchRequest {
  return ({ alias, service, ecsId }) =>
    dispatch({
      kind: 'deployment-watch',
      id: `watch#${alias}#${service}#${ecsId}`.slice(0, 100),
      alias,
      service,
      ecsId,
      requestedAt: clock.now(),
    });
}
