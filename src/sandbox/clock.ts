/**
 * The sandbox's sense of time. Everything that moves in the simulated account (task start-up,
 * crashes, instance shutdown) is scheduled on this clock, so a test that drives a ManualClock
 * gets the same world every run.
 */
export interface SandboxClock {
  now(): number;
}

/** A Monday morning, so demo timestamps look like a working day rather than 1970. */
export const DEFAULT_MANUAL_START = Date.parse('2026-01-05T09:00:00.000Z');

/** Time that moves only when a test says so. */
export class ManualClock implements SandboxClock {
  private current: number;

  constructor(startMs: number = DEFAULT_MANUAL_START) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('ManualClock cannot go backwards');
    this.current += ms;
  }

  set(ms: number): void {
    if (ms < this.current) throw new RangeError('ManualClock cannot go backwards');
    this.current = ms;
  }
}

/** Wall-clock time, optionally sped up (speed 60 = one simulated minute per real second). */
export class RealClock implements SandboxClock {
  private readonly origin = Date.now();

  constructor(private readonly speed: number = 1) {
    if (!(speed > 0)) throw new RangeError('RealClock speed must be positive');
  }

  now(): number {
    return Math.floor(this.origin + (Date.now() - this.origin) * this.speed);
  }
}
