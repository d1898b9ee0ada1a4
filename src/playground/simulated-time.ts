import { type Clock } from '../clock';
import { type SandboxClock } from '../sandbox';

/**
 * The bot's clock in the playground: the simulated account's time, sped up. The bot lives in
 * the account's time so that what it says agrees with what AWS says ("stopped 3 minutes ago",
 * a follow-up's three-minute wait, an approval's expiry). A sleep of one simulated minute lasts
 * a real second at 60×.
 */
export function simulatedClock(account: SandboxClock, speed: number): Clock {
  return {
    now: () => account.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / speed))),
  };
}

/** "30 s", "2 min", "1 h 30 min": a simulated duration in words. */
export function simulatedDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
