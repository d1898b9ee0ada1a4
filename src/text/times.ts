/**
 * Durations and times in words, one style per surface:
 * - `compact` ("45s", "1m 30s", "2h 5m"): replies to commands, approvals, config errors;
 * - `spoken` ("40 s", "6 min 5 s", "1 h 5 min"): how long a stopped task ran, in notifications;
 * - `rounded` ("40 s", "6 min", "1 h 5 min"): spans of time where the minute is enough
 *   (a notification window, the playground's clock).
 */
export type DurationStyle = 'compact' | 'spoken' | 'rounded';

export function formatDuration(ms: number, style: DurationStyle = 'compact'): string {
  const s = Math.round(ms / 1000);
  switch (style) {
    case 'compact': {
      if (s < 60) return `${s}s`;
      const m = Math.floor(s / 60);
      if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
      const h = Math.floor(m / 60);
      return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
    }
    case 'spoken': {
      if (s < 3600) {
        const m = Math.floor(s / 60);
        if (m === 0) return `${s} s`;
        return s % 60 && m < 10 ? `${m} min ${s % 60} s` : `${m} min`;
      }
      return hoursAndMinutes(Math.floor(s / 60));
    }
    case 'rounded': {
      if (s < 60) return `${s} s`;
      const m = Math.round(s / 60);
      return m < 60 ? `${m} min` : hoursAndMinutes(m);
    }
  }
}

function hoursAndMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return minutes % 60 ? `${h} h ${minutes % 60} min` : `${h} h`;
}

/** How long something took: "under a second", else compact ("12s", "3m 4s"). */
export function tookText(ms: number): string {
  return ms < 1000 ? 'under a second' : formatDuration(ms);
}

/** HH:MM (or HH:MM:SS) in UTC. */
export function clockTime(ms: number, seconds = false): string {
  const iso = new Date(ms).toISOString();
  return seconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

/** "2027-01-15 08:00 UTC" */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A time Slack shows in each reader's own time zone, with the UTC minute as the fallback
 * (https://api.slack.com/reference/surfaces/formatting#date-formatting): `when` reads
 * "Jan 15 at 8:00 AM" (or "today at …"), `ago` reads "3 minutes ago".
 */
export function slackDate(ms: number, style: 'when' | 'ago' = 'when'): string {
  const format = style === 'ago' ? '{ago}' : '{date_short_pretty} at {time}';
  return `<!date^${Math.floor(ms / 1000)}^${format}|${utcMinute(ms)}>`;
}
