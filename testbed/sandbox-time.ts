import { type Clock } from '../src/clock';
import { type ManualClock } from '../src/sandbox';

/**
 * A bot clock that lives in the sandbox's time: `now` is the sandbox's ManualClock, and a sleep
 * moves that clock on by as much, so a wait of minutes in the bot (a teardown's drain, a
 * follow-up) runs in milliseconds and the simulated account ages exactly as much as the bot waited.
 */
export function sandboxTimeClock(sandboxClock: ManualClock): Clock {
  return {
    now: () => sandboxClock.now(),
    sleep: async (ms) => {
      sandboxClock.advance(Math.max(0, ms));
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
