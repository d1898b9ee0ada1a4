import { invalidParameter } from '../errors';
import type { Params } from '../protocols/params';

/** ECS-style paging: `maxResults` (bounded) and an opaque `nextToken` carrying the offset. */
export function page<T>(
  items: readonly T[],
  params: Params,
  limits: { default: number; max: number },
): { items: T[]; nextToken?: string } {
  const maxResults = params.optInt('maxResults') ?? limits.default;
  if (maxResults < 1 || maxResults > limits.max) {
    throw invalidParameter(`maxResults must be between 1 and ${limits.max}.`);
  }
  const token = params.optString('nextToken');
  const offset = token === undefined ? 0 : decodeToken(token);
  const slice = items.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return { items: slice, nextToken: next < items.length ? encodeToken(next) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ sandboxOffset: offset }), 'utf8').toString('base64');
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'sandboxOffset' in parsed &&
      Number.isInteger(parsed.sandboxOffset)
    ) {
      return parsed.sandboxOffset as number;
    }
  } catch {
    // fall through
  }
  throw invalidParameter('Invalid nextToken.');
}
