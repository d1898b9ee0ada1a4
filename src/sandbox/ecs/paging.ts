import { invalidParameter } from '../errors';
import type { Params } from '../protocols/params';
import { decodeOffsetToken, encodeOffsetToken } from '../paging-token';

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
  return { items: slice, nextToken: next < items.length ? encodeOffsetToken(next) : undefined };
}

function decodeToken(token: string): number {
  const offset = decodeOffsetToken(token);
  if (offset === undefined) throw invalidParameter('Invalid nextToken.');
  return offset;
}
