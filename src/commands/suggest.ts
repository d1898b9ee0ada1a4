import { closest, distance } from 'fastest-levenshtein';
import { escapeText } from '../text/escape';

/** " Did you mean `web`?" (mrkdwn, the name escaped) when a name is close to one we know, else "". */
export function didYouMean(typed: string, known: readonly string[]): string {
  const match = closestName(typed, known);
  return match ? ` Did you mean \`${escapeText(match)}\`?` : '';
}

export function closestName(typed: string, known: readonly string[]): string | undefined {
  if (known.length === 0 || typed.length === 0) return undefined;
  const lower = typed.toLowerCase();
  const prefix = known.find((k) => k.toLowerCase().startsWith(lower) && lower.length >= 3);
  if (prefix) return prefix;
  const match = closest(
    lower,
    known.map((k) => k.toLowerCase()),
  );
  // Two edits (a transposition is two) for ordinary words, one for very short ones.
  const limit = typed.length <= 2 ? 1 : Math.max(2, Math.floor(typed.length / 4));
  if (distance(lower, match) > limit) return undefined;
  return known.find((k) => k.toLowerCase() === match);
}
