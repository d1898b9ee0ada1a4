/**
 * The literals of notifications. The first four are the defaults of the config keys
 * `clusters.ALIAS.notify.quietPeriod`, `updateInterval`, `threadDetails` and
 * `agentDisconnectGrace` (also settable per service, all but the last); routing.ts resolves them
 * into a route's `settings`.
 */

/** A window closes, and the next event starts a new message, after this long without events. */
export const QUIET_PERIOD_MS = 15 * 60_000;

/**
 * A window's message is edited at most this often. Slack allows about one message per second per
 * channel (https://api.slack.com/methods/chat.postMessage#rate_limiting) and a crash loop can stop
 * several tasks a second, so the running count is coalesced: a 5-minute burst costs about five edits.
 */
export const UPDATE_INTERVAL_MS = 60_000;

/** Occurrences after the first that get their own detail reply in the thread; later ones are only counted. */
export const THREAD_DETAIL_LIMIT = 3;

/**
 * The ECS agent disconnects and reconnects several times an hour as part of normal operation
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html), so a
 * disconnect is reported only when no reconnect follows within this time.
 */
export const AGENT_DISCONNECT_GRACE_MS = 5 * 60_000;

/** What a route gets for every tunable its config does not set. */
export const DEFAULT_NOTIFY_SETTINGS = {
  quietPeriodMs: QUIET_PERIOD_MS,
  updateIntervalMs: UPDATE_INTERVAL_MS,
  threadDetails: THREAD_DETAIL_LIMIT,
  agentDisconnectGraceMs: AGENT_DISCONNECT_GRACE_MS,
} as const;

/**
 * EventBridge retries delivery for up to 24 hours, so an event id must be remembered longer than
 * that for "the same event twice counts once" to hold.
 */
export const EVENT_ID_TTL_MS = 48 * 3_600_000;

/**
 * Events of a burst arrive roughly, not exactly, in time order. Within this tolerance an
 * occurrence counts as the window's latest without re-reading the window; an older one (a late
 * redelivery) takes the exact read-and-put path.
 */
export const REORDER_TOLERANCE_MS = 60_000;

/** How long a window item outlives its last event in the table. */
export const WINDOW_TTL_MS = 7 * 24 * 3_600_000;

/** How long an invocation may hold the claim to post a window's first message before another may take over. */
export const POST_CLAIM_MS = 30_000;

/** Conditional writes on one window retry this often before the invocation gives up (and Lambda retries it). */
export const MAX_WINDOW_WRITE_ATTEMPTS = 25;

/** A warm events function also sweeps due work (trailing edits, disconnects) at most this often, between scheduled ticks. */
export const OPPORTUNISTIC_SWEEP_MS = 30_000;

/** The Mute button's duration. */
export const MUTE_BUTTON_MINUTES = 60;

/** EventBridge detail-types we consume. */
export const DETAIL_TYPES = {
  task: 'ECS Task State Change',
  service: 'ECS Service Action',
  deployment: 'ECS Deployment State Change',
  hook: 'ECS Hook State Change',
  instance: 'ECS Container Instance State Change',
  scheduled: 'Scheduled Event',
} as const;

/**
 * Action ids of the buttons handled here (actions.ts). The other buttons of a notification are
 * `cmd:<verb>` command buttons, handled by the app's generic command action.
 */
export const ACTION_IDS = {
  mute: 'notify:mute',
  unmute: 'notify:unmute',
} as const;

/**
 * How far in the future (by our clock) an event's time may be: clock skew between AWS and us. A
 * later time is taken as the arrival time, so a forged or broken timestamp cannot hold a
 * notification window open or put its occurrence after every real one.
 */
export const FUTURE_EVENT_TOLERANCE_MS = 60_000;
