import { type AgentMarker, agentSk, recordAgentState } from './pending';
import { ttlSeconds } from '../state/table';
import { clusterRef, lastSegment, opt } from './classify';
import { type NotifierContext } from './context';
import { type Outcome } from './deliver';
import { type EcsEvent } from './events';
import { matchCluster, routeFor } from './routing';
import { type Occurrence } from './types';

type InstanceEvent = Extract<EcsEvent, { type: 'instance' }>;

/**
 * A container instance state change. The agent disconnects and reconnects several times an hour
 * as part of normal operation, so a disconnect is only recorded here; the sweeper turns it into a
 * notification if no reconnect has replaced it within the cluster's grace period
 * (`notify.agentDisconnectGrace`, default AGENT_DISCONNECT_GRACE_MS).
 */
export async function recordContainerInstanceState(ctx: NotifierContext, event: InstanceEvent): Promise<Outcome> {
  const d = event.detail;
  const cluster = clusterRef(d.clusterArn, event.region, event.account);
  const match = matchCluster(ctx.config, cluster);
  if (!match.ok) {
    if (match.foreign)
      ctx.logger.warn(
        { eventId: event.id, problem: match.reason },
        'event from outside the cluster’s account or region skipped',
      );
    return { outcome: 'skipped', reason: match.reason };
  }
  const { alias } = match;
  const route = routeFor(ctx.config, alias, undefined);
  if (!route?.kinds.includes('instanceDisconnected'))
    return { outcome: 'quiet', reason: `instanceDisconnected is not sent for ${alias}` };

  // A deregistered or draining instance is on its way out on purpose.
  const connected = d.agentConnected || (d.status !== undefined && d.status !== 'ACTIVE');
  const sk = agentSk(alias, d.containerInstanceArn);
  const existing = await ctx.state.get<AgentMarker>({ pk: 'notify#pending', sk });
  const version = d.version ?? event.time;
  if (existing && existing.version >= version) return { outcome: 'quiet', reason: 'an older state of the instance' };
  // Only a change of connection state matters; a disconnect keeps the time it started.
  if (existing ? existing.connected === connected : connected)
    return { outcome: 'quiet', reason: connected ? 'agent connected' : 'disconnect already recorded' };

  const now = ctx.clock.now();
  await recordAgentState(ctx.state, {
    sk,
    connected,
    alias,
    version,
    dueAt: now + route.settings.agentDisconnectGraceMs,
    fact: {
      type: 'instanceDisconnected',
      containerInstanceArn: d.containerInstanceArn,
      containerInstanceId: lastSegment(d.containerInstanceArn),
      ...opt('ec2InstanceId', d.ec2InstanceId),
      since: event.time,
    },
    clusterName: cluster.name,
    ...opt('clusterArn', cluster.arn),
    region: cluster.region,
    ...opt('account', cluster.account),
    expiresAt: ttlSeconds(now + 24 * 3_600_000),
  });
  return connected
    ? { outcome: 'quiet', reason: 'agent reconnected in time' }
    : { outcome: 'pending', reason: 'agent disconnected; waiting for a reconnect' };
}

/** The occurrence a confirmed disconnect becomes. */
export function disconnectOccurrence(marker: AgentMarker): Occurrence {
  return {
    kind: 'instanceDisconnected',
    cluster: {
      name: marker.clusterName,
      region: marker.region,
      ...opt('arn', marker.clusterArn),
      ...opt('account', marker.account),
    },
    dedupeKey: `agent:${marker.fact.containerInstanceArn}:${marker.version}`,
    at: marker.fact.since,
    fact: marker.fact,
  };
}
