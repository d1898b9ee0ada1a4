/**
 * A text sparkline: one block character per point, ▁ for the bottom of the scale and █ for the
 * top. Percentages use a fixed 0–100 scale so two curves (CPU, memory) read alike and a flat 50 %
 * does not look like a full bar. More points than `width` are merged by their maximum, so a
 * short peak (an OOM kill's last minute) is never averaged away.
 */
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /** The value drawn as ▁ (default 0). */
  low?: number;
  /** The value drawn as █ (default 100). */
  high?: number;
  /** At most this many characters (default 30). */
  width?: number;
}

export function sparkline(values: readonly number[], options: SparklineOptions = {}): string {
  const low = options.low ?? 0;
  const high = options.high ?? 100;
  const width = Math.max(1, Math.floor(options.width ?? 30));
  const points = values.filter((v) => Number.isFinite(v));
  if (points.length === 0) return '';
  const merged: number[] = [];
  const per = Math.ceil(points.length / width);
  for (let i = 0; i < points.length; i += per) merged.push(Math.max(...points.slice(i, i + per)));
  const span = high > low ? high - low : 1;
  return merged
    .map((v) => {
      const level = Math.round(((Math.min(high, Math.max(low, v)) - low) / span) * (BLOCKS.length - 1));
      return BLOCKS[level]!;
    })
    .join('');
}
