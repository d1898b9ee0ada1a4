import { type ChatClient } from '../../slack/chat-client';
import { z } from 'zod';
import { type Clock } from '../../clock';
import { type Logger } from '../../logger';
import { isConditionFailed, ttlSeconds, type StateStore } from '../../state/table';
import { type ServiceDeploymentInfo } from '../../aws/service-deployments';
import { liveDeploymentMessage, stoppedTasksThread } from '../../slack/views/deployments';

/**
 * One live Slack message per service deployment, kept in the state table so every writer — the
 * worker that started the deployment, the events function, a button's job — edits the same
 * message and none posts a second one.
 *
 * | pk                          | sk             | item                                              | expiresAt       |
 * |-----------------------------|----------------|---------------------------------------------------|-----------------|
 * | `deploy#<alias>#<service>`  | `ecs#<ecs-svc>`| the live message of one service deployment        | started + 7 days|
 * | `deploy#<alias>#<service>`  | `current`      | which one is the service's newest (for rollbacks) | started + 7 days|
 *
 * A service deployment is keyed by its `ecs-svc/…` deployment id rather than by its ARN alone: the
 * "ECS Deployment State Change" events name only that id (Developer Guide,
 * ecs_service_deployment_events.html), and the events function makes no AWS call. The ARN is kept
 * on the item once a worker knows it (UpdateService answers it as currentServiceDeployment).
 */

/** Who or what started it. */
export const StartedBy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string().max(64), verb: z.string().max(40) }),
  z.object({ kind: z.literal('outside') }),
]);
export type StartedBy = z.infer<typeof StartedBy>;

/** The last Deployment State Change event seen for it. */
export const EventFact = z.object({
  name: z.string().max(64),
  reason: z.string().max(1000).optional(),
  at: z.number(),
});
export type EventFact = z.infer<typeof EventFact>;

/** The last Hook State Change event seen for it (a PAUSE hook waiting, or how it ended). */
export const HookFact = z.object({
  name: z.string().max(64),
  at: z.number(),
  hookId: z.string().max(256).optional(),
  type: z.string().max(32).optional(),
  stage: z.string().max(64).optional(),
  expiresAt: z.number().optional(),
});
export type HookFact = z.infer<typeof HookFact>;

export const StoppedSummary = z.object({
  summary: z.string().max(200),
  reasons: z.array(z.string().max(1000)).max(10),
  /** Per-task lines for the thread. */
  details: z.array(z.string().max(600)).max(20),
  /** The newest of them (what Why? diagnoses). */
  newestTask: z.string().max(100).optional(),
});
export type StoppedSummary = z.infer<typeof StoppedSummary>;

/**
 * What the follow-up of the command that started it found (settled, crash-looping, could not
 * place…): the reply it would have sent, shown in the message while the deployment runs.
 */
export const Verdict = z.object({
  kind: z.string().max(20),
  text: z.string().max(4000),
  /** Our own Block Kit, already escaped. */
  blocks: z.array(z.unknown()).max(12),
});
export type Verdict = z.infer<typeof Verdict>;

/** Most the verdict's blocks may take on the item (the item's limit is 400 KB; the message's is 50 blocks). */
const VERDICT_BYTES = 12_000;

/** The follow-up's reply as a verdict, bounded: too big, and only its text is kept. */
export function verdictOf(kind: string, message: { text: string; blocks?: readonly unknown[] }): Verdict {
  const text = message.text.slice(0, 4000);
  const blocks = JSON.parse(JSON.stringify(message.blocks ?? [])) as unknown[];
  const fits = blocks.length <= 12 && JSON.stringify(blocks).length <= VERDICT_BYTES;
  return { kind, text, blocks: fits ? blocks : [] };
}

export const LiveDeployment = z.object({
  pk: z.string(),
  sk: z.string(),
  alias: z.string().max(100),
  service: z.string().max(255),
  ecsId: z.string().max(100),
  arn: z.string().max(512).optional(),
  channel: z.string().max(64),
  ts: z.string().max(64).optional(),
  startedBy: StartedBy,
  from: z.string().max(300).optional(),
  to: z.string().max(300).optional(),
  startedAt: z.number(),
  /** When ECS was last read for it (a claim: at most one read per poll interval, whoever watches). */
  readAt: z.number().default(0),
  /** When the message was last edited. */
  editedAt: z.number().default(0),
  /** The facts last shown (the view without its clock), to skip edits that would only move the time on. */
  shown: z.string().max(20_000).optional(),
  /** The phase last shown: a new one is news worth an edit at once. */
  shownPhase: z.string().max(20).optional(),
  updateIntervalMs: z.number(),
  snapshot: z.unknown().optional(),
  event: EventFact.optional(),
  hook: HookFact.optional(),
  stopped: StoppedSummary.optional(),
  threadPosted: z.boolean().default(false),
  verdict: Verdict.optional(),
  /** The command's announcement (its fallback text, already escaped), when the message is its only answer in its channel. */
  said: z.string().max(1000).optional(),
});
export type LiveDeployment = z.infer<typeof LiveDeployment>;

/** The Slack calls a live message makes (WebClient has them). */
export type LiveChat = ChatClient;

export interface LiveDeps {
  state: StateStore;
  slack: LiveChat;
  clock: Clock;
  logger: Logger;
}

const KEEP_MS = 7 * 24 * 60 * 60_000;

export function liveKey(alias: string, service: string, ecsId: string): { pk: string; sk: string } {
  return { pk: `deploy#${alias}#${service}`, sk: `ecs#${ecsId}` };
}

export function currentKey(alias: string, service: string): { pk: string; sk: string } {
  return { pk: `deploy#${alias}#${service}`, sk: 'current' };
}

export async function readLive(
  state: StateStore,
  key: { pk: string; sk: string },
): Promise<LiveDeployment | undefined> {
  const item = await state.get<Record<string, unknown>>(key);
  if (!item) return undefined;
  const parsed = LiveDeployment.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** The service's newest live deployment (what a rollback event belongs to). */
export async function readCurrent(
  state: StateStore,
  alias: string,
  service: string,
): Promise<LiveDeployment | undefined> {
  const pointer = await state.get<{ ecsId?: string }>(currentKey(alias, service));
  return pointer?.ecsId ? readLive(state, liveKey(alias, service, pointer.ecsId)) : undefined;
}

export type NewLive = Omit<
  LiveDeployment,
  'pk' | 'sk' | 'readAt' | 'editedAt' | 'threadPosted' | 'shown' | 'shownPhase' | 'ts'
>;

/**
 * Creates the item and posts its message, once: a second writer (the worker and an event, at the
 * same moment) finds the item and adds what it knows instead. Returns the item as it is now.
 */
export async function openLive(deps: LiveDeps, init: NewLive): Promise<LiveDeployment> {
  const key = liveKey(init.alias, init.service, init.ecsId);
  const item: LiveDeployment = { ...key, ...init, readAt: 0, editedAt: 0, threadPosted: false };
  const created = await deps.state.put(
    { ...item, expiresAt: ttlSeconds(init.startedAt + KEEP_MS) },
    { condition: 'attribute_not_exists(#pk)' },
  );
  if (!created) {
    // Someone opened it first (an event before the worker, or the other way round): add what we know.
    const existing = await readLive(deps.state, key);
    if (!existing) return item;
    const merged: LiveDeployment = {
      ...existing,
      ...(init.arn && !existing.arn ? { arn: init.arn } : {}),
      ...(init.startedBy.kind === 'user' ? { startedBy: init.startedBy } : {}),
      ...(init.from && !existing.from ? { from: init.from } : {}),
      ...(init.to && !existing.to ? { to: init.to } : {}),
      ...(init.said && !existing.said ? { said: init.said } : {}),
    };
    await saveLive(deps.state, merged, ['arn', 'startedBy', 'from', 'to', 'said']);
    await publish(deps, merged, { force: true });
    return merged;
  }
  await deps.state.put({
    ...currentKey(init.alias, init.service),
    ecsId: init.ecsId,
    expiresAt: ttlSeconds(init.startedAt + KEEP_MS),
  });
  try {
    const message = liveDeploymentMessage(item, deps.clock.now());
    const posted = await deps.slack.chat.postMessage({
      channel: item.channel,
      text: message.text,
      blocks: message.blocks,
    });
    if (posted.ts) {
      item.ts = posted.ts;
      item.editedAt = deps.clock.now();
      item.shown = factsOf(item);
      item.shownPhase = message.phase;
      await saveLive(deps.state, item, ['ts', 'editedAt', 'shown', 'shownPhase']);
    }
  } catch (err) {
    deps.logger.warn({ err: slackErrorOf(err), channel: item.channel }, 'deployment message not posted');
  }
  return item;
}

/** Writes the named attributes of the item (the others may be someone else's to write). */
export async function saveLive(
  state: StateStore,
  item: LiveDeployment,
  attributes: readonly (keyof LiveDeployment)[],
): Promise<void> {
  const set = attributes.filter((a) => item[a] !== undefined);
  if (set.length === 0) return;
  const values: Record<string, unknown> = {};
  for (const a of set) values[`:${a}`] = item[a];
  await state.update({ pk: item.pk, sk: item.sk }, `SET ${set.map((a) => `#${a} = :${a}`).join(', ')}`, { values });
}

/**
 * Claims the right to read ECS for this deployment now: true for the one caller whose conditional
 * write moved `readAt` on, when the last read is at least `pollMs` old. Everyone else shows what
 * that read stored, so watchers never multiply the reads.
 */
export async function claimRead(deps: LiveDeps, item: LiveDeployment, pollMs: number): Promise<boolean> {
  const now = deps.clock.now();
  try {
    const updated = await deps.state.update({ pk: item.pk, sk: item.sk }, 'SET #readAt = :now', {
      condition: '#readAt <= :due',
      values: { ':now': now, ':due': now - pollMs },
    });
    if (updated) item.readAt = now;
    return updated !== undefined;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Edits the message when what it shows changed: at once when the deployment reached a new phase
 * (paused, rolling back, ended), otherwise at most once per update interval. The thread gets the
 * stopped tasks' detail once, when the deployment has ended with them.
 */
export async function publish(
  deps: LiveDeps,
  item: LiveDeployment,
  options: { force?: boolean } = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const message = liveDeploymentMessage(item, now);
  const shown = factsOf(item);
  // What someone waits for (the end, a pause) and the first facts (with the buttons) are shown at
  // once; the rest once per update interval.
  const urgent =
    item.shownPhase !== message.phase &&
    (message.ended || message.phase === 'paused' || item.shownPhase === 'starting' || item.shownPhase === undefined);
  const due = now - item.editedAt >= item.updateIntervalMs;
  let edited = false;
  if (item.ts && shown !== item.shown && (options.force || urgent || due)) {
    // One edit per writer that saw the same last edit: several watchers and the events never edit twice.
    const claimed = await deps.state.update(
      { pk: item.pk, sk: item.sk },
      'SET #editedAt = :now, #shownPhase = :phase',
      {
        condition: '#editedAt = :seen',
        values: { ':now': now, ':phase': message.phase, ':seen': item.editedAt },
      },
    );
    if (claimed) {
      item.editedAt = now;
      item.shownPhase = message.phase;
      try {
        await deps.slack.chat.update({
          channel: item.channel,
          ts: item.ts,
          text: message.text,
          blocks: message.blocks,
        });
        item.shown = shown;
        edited = true;
        await saveLive(deps.state, item, ['shown']);
      } catch (err) {
        deps.logger.warn({ err: slackErrorOf(err), channel: item.channel }, 'deployment message not updated');
      }
    }
  }
  if (item.ts && item.stopped && item.stopped.details.length > 0 && !item.threadPosted && message.ended) {
    // Claimed first, so two writers never both post the detail.
    const claimed = await deps.state.update({ pk: item.pk, sk: item.sk }, 'SET #threadPosted = :yes', {
      condition: '#threadPosted = :no OR attribute_not_exists(#threadPosted)',
      values: { ':yes': true, ':no': false },
    });
    if (!claimed) return edited;
    item.threadPosted = true;
    const thread = stoppedTasksThread(item.stopped);
    await deps.slack.chat
      .postMessage({ channel: item.channel, thread_ts: item.ts, text: thread.text, blocks: thread.blocks })
      .catch((err: unknown) => deps.logger.warn({ err: slackErrorOf(err) }, 'deployment thread not posted'));
  }
  return edited;
}

/**
 * Makes the message show what the item holds now, after writers raced (a watcher's edit claimed
 * from an older read wins over a newer one, and the newer one's edit is refused): re-reads the
 * item and edits, a few times at most. Nothing to do when the message already shows it.
 */
export async function showLatest(deps: LiveDeps, key: { pk: string; sk: string }): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const item = await readLive(deps.state, key);
    if (!item?.ts || factsOf(item) === item.shown) return;
    if (await publish(deps, item, { force: true })) return;
  }
}

/** The message with the clock left out: what changed besides the elapsed time. */
function factsOf(item: LiveDeployment): string {
  const still = liveDeploymentMessage(item, item.startedAt);
  return still.text + JSON.stringify(still.blocks);
}

/** The service deployment as last read, when one was. */
export function snapshotOf(item: LiveDeployment): ServiceDeploymentInfo | undefined {
  return item.snapshot as ServiceDeploymentInfo | undefined;
}

function slackErrorOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
