import { z } from 'zod';

/** Access levels, weakest first. A level includes every level before it. */
export const LEVELS = ['read', 'operate', 'admin'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function atLeast(have: Level | undefined, needed: Level): boolean {
  return have !== undefined && levelRank(have) >= levelRank(needed);
}

export function highest(a: Level | undefined, b: Level | undefined): Level | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return levelRank(a) >= levelRank(b) ? a : b;
}
