import { z } from 'zod';
import { Level } from '../levels';
import { Duration } from './duration';

/** The longest a worker follows a deployment: it must end inside Lambda's 15 minutes. */
export const MAX_DEPLOYMENT_WATCH_MS = 14 * 60_000;

/**
 * `deployments:` — the live deployment messages. Who may press Continue on a deployment paused at
 * a PAUSE lifecycle hook, and how long the worker that started a deployment follows it before
 * leaving the message to the deployment's events.
 */
export const DeploymentsConfig = z.strictObject({
  continue: z
    .strictObject({
      level: Level.default('operate').describe(
        'The access level on the cluster needed to press Continue (or Roll back) on a paused deployment',
      ),
      teams: z
        .array(z.string())
        .default([])
        .describe('When set, only members of these teams may continue a paused deployment (with the level)'),
      starter: z
        .boolean()
        .default(true)
        .describe('Whether the person who started a deployment from Slack may continue it themselves'),
    })
    .default({ level: 'operate', teams: [], starter: true }),
  watch: Duration.default(10 * 60_000).describe(
    'How long the worker that started a deployment follows it (at most 14m: a worker runs at most 15 minutes); its events keep the message up to date after',
  ),
});
export type DeploymentsConfig = z.infer<typeof DeploymentsConfig>;

/** `deployments.watch`, within what a worker may run. */
export function watchFor(config: DeploymentsConfig): number {
  return Math.min(config.watch, MAX_DEPLOYMENT_WATCH_MS);
}

export const DEFAULT_DEPLOYMENTS_CONFIG: DeploymentsConfig = {
  continue: { level: 'operate', teams: [], starter: true },
  watch: 10 * 60_000,
};
