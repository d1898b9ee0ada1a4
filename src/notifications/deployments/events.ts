import { type Config } from '../../config/schema';
import { clusterRef, serviceFromArn } from '../classify';
import { parseTime, type EcsEvent } from '../events';
import { matchCluster } from '../routing';
import { type Outcome } from '../deliver';
import { deploymentRoute, followLive } from './watch';
import { type AwsAccess } from '../../aws/access';
import { WATCHER, type WatchRequest } from './watch-job';

export type { WatchRequest } from './watch-job';
import {
  liveKey,
  openLive,
  publish,
  readCurrent,
  readLive,
  saveLive,
  type LiveDeps,
  type LiveDeployment,
} from './live';

export type DeploymentEvent = Extract<EcsEvent, { type: 'deployment' | 'hook' }>;
type StateChange = Extract<EcsEvent, { type: 'deployment' }>;
type HookChange = Extract<EcsEvent, { type: 'hook' }>;

export interface DeploymentEventDeps extends LiveDeps {
  config: Config;
  watch?: WatchRequest;
}

/**
 * "ECS Deployment State Change" → the deployment's live message (events first: no AWS call here).
 * A deployment the bot already shows is brought up to date from the event at once; one it has
 * never seen (started by CI or the console) gets its message now, "started outside Slack", and
 * a worker is asked to follow it when one is wired. A rollback's IN_PROGRESS event names the new
 * deployment that rolls back, so it goes to the service's newest live message.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
 */
export async function handleDeploymentEvent(deps: DeploymentEventDeps, event: DeploymentEvent): Promise<Outcome> {
  return event.type === 'hook' ? handleHookEvent(deps, event) : handleStateChange(deps, event);
}

async function handleStateChange(deps: DeploymentEventDeps, event: StateChange): Promise<Outcome> {
  const service = serviceFromArn(event.resources.find((r) => r.includes(':service/')));
  if (!service.name || !service.arn) return { outcome: 'skipped', reason: 'no service ARN in resources' };
  const clusterArn = service.arn.replace(/:service\/([^/]+)\/.*$/, ':cluster/$1');
  const match = matchCluster(deps.config, clusterRef(clusterArn, event.region, event.account));
  if (!match.ok) return { outcome: 'skipped', reason: match.reason };
  const alias = match.alias;
  const ecsId = event.detail.deploymentId;
  if (!ecsId) return { outcome: 'skipped', reason: 'no deploymentId' };
  const name = event.detail.eventName;
  const reason = event.detail.reason;
  const fact = { name, ...(reason ? { reason: reason.slice(0, 1000) } : {}), at: event.time };
  const rollingBack = name === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && /rolling back/i.test(reason ?? '');

  let item: LiveDeployment | undefined = await readLive(deps.state, liveKey(alias, service.name, ecsId));
  if (!item && rollingBack) item = await readCurrent(deps.state, alias, service.name);
  if (item) {
    // Events arrive out of order and twice: an older one changes nothing.
    if (item.event && item.event.at > fact.at) return { outcome: 'duplicate', key: `${item.pk}|${item.sk}` };
    // The rollback's own COMPLETED event says the rollback is done, not the deployment: kept as the rollback's.
    const own = item.ecsId === ecsId;
    item.event =
      own || rollingBack
        ? fact
        : { ...fact, name: rollbackOutcome(name), ...(item.event?.reason ? { reason: item.event.reason } : {}) };
    await saveLive(deps.state, item, ['event']);
    await publish(deps, item);
    return { outcome: 'counted', window: `${item.pk}|${item.sk}`, count: 1 };
  }
  if (name !== 'SERVICE_DEPLOYMENT_IN_PROGRESS' || rollingBack) {
    return { outcome: 'quiet', reason: `${name} of a deployment the bot does not show` };
  }
  const route = deploymentRoute(deps.config, alias, service.name, undefined);
  if (!route) return { outcome: 'quiet', reason: `no channel for ${alias}/${service.name}` };
  const opened = await openLive(deps, {
    alias,
    service: service.name,
    ecsId,
    channel: route.channel,
    startedBy: { kind: 'outside' },
    startedAt: event.time,
    updateIntervalMs: route.updateIntervalMs,
    event: fact,
  });
  if (deps.watch) {
    await deps
      .watch({ alias, service: service.name, ecsId })
      .catch((err: unknown) => deps.logger.warn({ err, ecsId }, 'deployment watch not started'));
  }
  return { outcome: 'counted', window: `${opened.pk}|${opened.sk}`, count: 1 };
}

/**
 * "ECS Hook State Change" → the live message of the service deployment it names: a PAUSE hook
 * that starts waiting (HOOK_AWAITING_ACTION) shows at once, with Continue and Roll back, however
 * long after its start the deployment reached it (no watcher needs to be reading then); the
 * hook's end (HOOK_SUCCEEDED, HOOK_FAILED, HOOK_TIMED_OUT) shows too. The event names the service
 * deployment by ARN, and the message is keyed by the `ecs-svc/…` id: it is the service's newest
 * live message (a newer deployment supersedes a waiting hook), when its ARN is that one or not
 * known yet. No AWS call. Developer Guide, ecs_hook_state_change_events.html.
 */
async function handleHookEvent(deps: DeploymentEventDeps, event: HookChange): Promise<Outcome> {
  const service = serviceFromArn(event.detail.serviceArn);
  if (!service.name || !service.arn) return { outcome: 'skipped', reason: 'no service ARN' };
  const clusterArn = event.detail.clusterArn ?? service.arn.replace(/:service\/([^/]+)\/.*$/, ':cluster/$1');
  const match = matchCluster(deps.config, clusterRef(clusterArn, event.region, event.account));
  if (!match.ok) return { outcome: 'skipped', reason: match.reason };
  const arn = event.detail.serviceDeploymentArn;
  const item = await readCurrent(deps.state, match.alias, service.name);
  // Without the message's ARN, only a hook starting to wait, or the end of the hook it shows, is
  // its own: the end of a hook a newer deployment superseded (HOOK_FAILED) is an older one's.
  const ours =
    item !== undefined &&
    (item.arn === arn ||
      (item.arn === undefined &&
        (event.detail.eventName === 'HOOK_AWAITING_ACTION' ||
          (item.hook?.hookId !== undefined && item.hook.hookId === event.detail.hookId))));
  if (!item || !ours) {
    return { outcome: 'quiet', reason: `${event.detail.eventName} of a deployment the bot does not show` };
  }
  const at = parseTime(event.detail.updatedAt) ?? event.time;
  // Events arrive out of order and twice: an older one changes nothing.
  if (item.hook && item.hook.at >= at) return { outcome: 'duplicate', key: `${item.pk}|${item.sk}` };
  const expiresAt = parseTime(event.detail.expiresAt);
  item.hook = {
    name: event.detail.eventName,
    at,
    ...(event.detail.hookId ? { hookId: event.detail.hookId } : {}),
    ...(event.detail.hookType ? { type: event.detail.hookType } : {}),
    ...(event.detail.lifecycleStage ? { stage: event.detail.lifecycleStage } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
  item.arn ??= arn;
  await saveLive(deps.state, item, ['hook', 'arn']);
  await publish(deps, item);
  return { outcome: 'counted', window: `${item.pk}|${item.sk}`, count: 1 };
}

/** A rollback deployment's end, said of the deployment it rolled back. */
function rollbackOutcome(name: string): string {
  return name === 'SERVICE_DEPLOYMENT_COMPLETED' ? 'ROLLBACK_COMPLETED' : name;
}

/**
 * A WatchRequest that follows the deployment in this process (the playground, tests): the
 * cluster's read role, for the bot itself rather than a person.
 */
export function inProcessWatch(
  deps: LiveDeps & { aws: AwsAccess },
  options: { pollMs: number; forMs: number },
): WatchRequest {
  return async ({ alias, service, ecsId }) => {
    const item = await readLive(deps.state, liveKey(alias, service, ecsId));
    if (!item) return;
    const aws = await deps.aws.forCluster({ alias, level: 'read', user: WATCHER, team: 'deployments' });
    await followLive({ ...deps, aws }, item, options);
  };
}
