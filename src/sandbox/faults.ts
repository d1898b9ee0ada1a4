import type { SeededRandom } from './random';
import type { Fault } from './types';

/** Faults a test injected, consulted on every call ('ecs:UpdateService'). */
export class FaultSet {
  private readonly faults = new Set<{ fault: Fault; remaining: number }>();

  constructor(private readonly chance: SeededRandom) {}

  add(fault: Fault): () => void {
    const entry = { fault, remaining: fault.kind === 'accessDenied' ? (fault.times ?? Infinity) : Infinity };
    this.faults.add(entry);
    return () => {
      this.faults.delete(entry);
    };
  }

  clear(): void {
    this.faults.clear();
  }

  /** Total injected delay for this call, in real milliseconds. */
  latencyMs(action: string): number {
    let ms = 0;
    for (const { fault } of this.faults) if (fault.kind === 'latency' && matches(fault.action, action)) ms += fault.ms;
    return ms;
  }

  throttles(action: string): boolean {
    for (const { fault } of this.faults) {
      if (fault.kind === 'throttle' && matches(fault.action, action) && this.chance.chance(fault.rate)) return true;
    }
    return false;
  }

  /** An injected AccessDenied for this action on any of these resources (each use counts against `times`). */
  denies(action: string, resources: readonly string[]): boolean {
    for (const entry of this.faults) {
      const { fault } = entry;
      if (fault.kind !== 'accessDenied' || !matches(fault.action, action)) continue;
      const resource = fault.resource;
      if (resource !== undefined && !resources.some((r) => r.includes(resource))) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.faults.delete(entry);
      return true;
    }
    return false;
  }
}

/** 'ecs:UpdateService' matches exactly (or its bare 'UpdateService'); a RegExp is tested against 'ecs:UpdateService'. */
function matches(pattern: string | RegExp | undefined, action: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern === action || pattern === action.slice(action.indexOf(':') + 1);
  pattern.lastIndex = 0;
  return pattern.test(action);
}
