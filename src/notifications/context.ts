import { type WebClient } from '@slack/web-api';
import { type Clock } from '../clock';
import { type Config } from '../config/schema';
import { type Logger } from '../logger';
import { type StateStore } from '../state/table';
import { type NotificationWindow } from './windows';
import { type MetricSeries } from '../aws/metrics';
import { type EcsEvent } from './events';
import { type Outcome } from './types';

/** What the events function needs; built once per cold start by the entry point, or by a test. */
export interface NotificationDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** A WebClient with the bot token. Its own retries handle 429 (Retry-After) and network errors. */
  slack: WebClient;
  state: StateStore;
  /**
   * The service's memory utilisation (maximum per minute) in the half hour before `at`, read from
   * CloudWatch with the cluster's read role: an OOM kill's message shows the curve that led to it.
   * Absent (or failing): the message goes out without it.
   */
  memoryBefore?: (where: { alias: string; service: string }, at: number) => Promise<MetricSeries | undefined>;
  /** Other periodic work that rides on the same scheduled tick (the approvals' expiry sweep). */
  onTick?: () => Promise<unknown>;
  /**
   * Deployment State Change and Hook State Change events, when the live deployment messages take
   * them (src/notifications/deployments): they then replace the deployment notifications of the
   * window pipeline. Without them, hook events tell nothing.
   */
  onDeploymentEvent?: (event: Extract<EcsEvent, { type: 'deployment' | 'hook' }>) => Promise<Outcome>;
}

/** Per warm instance: the deps plus what this instance remembers between invocations. */
export interface NotifierContext extends NotificationDeps {
  /**
   * The last window state this instance wrote or read, per window key. Only a hint: the write
   * that follows is conditional on its `rev`, and a stale copy costs one re-read. It saves the
   * read on the hot path of a burst.
   */
  windows: Map<string, NotificationWindow>;
  lastSweepAt: number;
}
