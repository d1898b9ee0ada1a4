import { type Clock } from '../clock';
import { type SandboxClock } from '../sandbox';

/** The longest single step of a jump: notifications are swept every simulated minute anyway. */
const MAX_STEP_MS = 60_000;
/** How long a step waits, in real time, for the bot to finish reacting before moving on. */
const SETTLE_LIMIT_MS = 3000;

export interface JumpHooks {
  /** After each step: bring the simulated account up to the new time. */
  onStep(): void;
  /** Resolves when what the step set off has been handled (events delivered, jobs asleep again). */
  settled(): Promise<void>;
  /** Checked between steps: true stops the jump where it is. */
  cancelled(): boolean;
}

/**
 * The playground's time: the simulated account's clock and the bot's, one and the same. It runs
 * `speed` times faster than real time, and `/wait` can jump it ahead: the jump moves in steps to
 * the next thing due (a job's sleep, the minute sweep), letting the account and the bot react at
 * each one, so a simulated day passes in seconds and still reads as a day (follow-ups poll,
 * crashes are counted, approvals expire). The bot lives in the account's time so that what it
 * says agrees with what AWS says ("stopped 3 minutes ago", a follow-up's three-minute wait).
 */
export class PlaygroundTime implements SandboxClock, Clock {
  private readonly realOrigin = Date.now();
  private offset = 0;
  private readonly sleepers = new Set<{ deadline: number; counted: boolean; wake: () => void }>();

  constructor(
    readonly speed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError('speed must be positive');
  }

  now(): number {
    return Math.floor(this.realOrigin + (this.realNow() - this.realOrigin) * this.speed + this.offset);
  }

  /** A sleep in simulated time: a simulated minute lasts a real second at 60×, or no time at all in a jump. */
  sleep(ms: number): Promise<void> {
    return this.sleepFor(ms, true);
  }

  /** A sleep of the playground's own (the minute sweep): a jump stops for it, but it is not work the bot is doing. */
  background(ms: number): Promise<void> {
    return this.sleepFor(ms, false);
  }

  private sleepFor(ms: number, counted: boolean): Promise<void> {
    const deadline = this.now() + Math.max(0, ms);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const sleeper = {
        deadline,
        counted,
        wake: () => {
          if (timer) clearTimeout(timer);
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      const arm = () => {
        const left = deadline - this.now();
        if (left <= 0) return sleeper.wake();
        timer = setTimeout(arm, Math.max(1, Math.ceil(left / this.speed)));
        if (!counted) timer.unref();
      };
      this.sleepers.add(sleeper);
      arm();
    });
  }

  /** How many of the bot's sleeps are waiting. */
  get sleeping(): number {
    let n = 0;
    for (const s of this.sleepers) if (s.counted) n += 1;
    return n;
  }

  /**
   * Moves simulated time `ms` ahead as fast as the machine allows; returns how far it got (less
   * when cancelled).
   */
  async jump(ms: number, hooks: JumpHooks): Promise<number> {
    const start = this.now();
    const target = start + ms;
    while (!hooks.cancelled()) {
      const now = this.now();
      if (now >= target) break;
      const nextDue = Math.min(...[...this.sleepers].map((s) => s.deadline), Infinity);
      const to = Math.min(target, Math.max(now + 1, nextDue), now + MAX_STEP_MS);
      this.offset += to - now;
      hooks.onStep();
      for (const sleeper of [...this.sleepers]) if (sleeper.deadline <= this.now()) sleeper.wake();
      await hooks.settled();
    }
    return Math.min(ms, this.now() - start);
  }
}

/**
 * Waits until `quiet()` holds (every running job is asleep again) or `limitMs` of real time has
 * passed, yielding to I/O in between; true when it was quiet.
 */
export async function quietOrLimit(quiet: () => boolean, limitMs = SETTLE_LIMIT_MS): Promise<boolean> {
  const until = Date.now() + limitMs;
  // One turn of the event loop first: whatever a wake-up started gets to run.
  await new Promise((resolve) => setImmediate(resolve));
  while (!quiet() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
  return quiet();
}

/**
 * The wait for quiet between steps of a jump: the full limit, but only a moment once a step has
 * not become quiet (a job waiting for something other than the clock would otherwise cost the
 * limit at every step), until it is quiet again.
 */
export function stepSettler(quiet: () => boolean): () => Promise<void> {
  let patient = true;
  return async () => {
    patient = await quietOrLimit(quiet, patient ? SETTLE_LIMIT_MS : 20);
  };
}
