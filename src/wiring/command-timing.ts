import { type CommandTiming } from '../verbs/context';

/**
 * How follow-ups watch a service after a change, as deployed: a read every 5 s, for up to
 * 3 minutes, settled after a minute of the right counts with no task replaced. The environment
 * can change each (CHATOPS_FOLLOW_UP_*); the playground runs them in simulated time.
 */
export const DEPLOYED_COMMAND_TIMING = {
  followUpPollMs: 5000,
  followUpTimeoutMs: 180_000,
  followUpSteadyMs: 60_000,
  // A live deployment message's reads and watch default to its route's update interval and
  // `deployments.watch` (src/notifications/deployments/), so they have no deployed value here.
} as const satisfies Required<Omit<CommandTiming, 'deploymentPollMs' | 'deploymentWatchMs'>>;
