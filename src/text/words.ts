/**
 * Counts and lists in sentences, said the same way by every view, reply and log line.
 * Plain text: the caller escapes what came from AWS or a user.
 */

/** The noun for a count: `plural(1, 'task')` is "task", `plural(3, 'repository', 'repositories')` "repositories". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** A count and its noun: "1 task", "3 tasks", "2 repositories". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${plural(n, one, many)}`;
}

/** A number with thousands separators: "1,000". */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** At most `max` items in a sentence, the rest counted: "a, b, c and 4 more". */
export function listSome(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** How many of each value, most first: "3 ACTIVE, 1 DRAINING". */
export function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
