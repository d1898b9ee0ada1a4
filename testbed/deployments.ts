import { type Harness } from './harness';
import { CHANNELS } from './config';

/** A deployment's live message as it reads now (after its last edit). */
export interface LiveMessage {
  ts: string;
  text: string;
  /** Its blocks, as JSON (handy for `toContain`). */
  blocks: string;
}

/**
 * The live deployment messages the bot posted in a channel (#alerts, prod's channel in the test
 * config, by default), oldest first, each as it reads now.
 */
export function deploymentMessages(h: Pick<Harness, 'slack'>, channel: string = CHANNELS.alerts): LiveMessage[] {
  return h.slack
    .messages(channel)
    .filter((m) => m.threadTs === undefined && JSON.stringify(m.blocks ?? []).includes('started '))
    .map((m) => ({ ts: m.ts, text: m.text ?? '', blocks: JSON.stringify(m.blocks ?? []) }));
}

/** The one live deployment message in the channel; fails the test when there is not exactly one. */
export function liveMessage(h: Pick<Harness, 'slack'>, channel: string = CHANNELS.alerts): LiveMessage {
  const all = deploymentMessages(h, channel);
  if (all.length !== 1) throw new Error(`expected one deployment message in ${channel}, found ${all.length}`);
  return all[0]!;
}

/** The replies in a message's thread, each as its text and blocks. */
export function threadReplies(h: Pick<Harness, 'slack'>, channel: string, ts: string): string[] {
  return h.slack
    .messages(channel)
    .filter((m) => m.threadTs === ts)
    .map((m) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`);
}

/** A blue/green deployment configuration with a PAUSE hook once test traffic is on the new tasks (30 min, then roll back). */
export const BLUE_GREEN_WITH_PAUSE = {
  strategy: 'BLUE_GREEN' as const,
  lifecycleHooks: [
    {
      targetType: 'PAUSE' as const,
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const],
      timeoutConfiguration: { timeoutInMinutes: 30, action: 'ROLLBACK' as const },
    },
  ],
};
