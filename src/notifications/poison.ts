/**
 * DynamoDB's answer to a request that can never succeed as written: a key over its size limit
 * (2,048 bytes for a partition key, 1,024 for a sort key), an item over 400 KB. The schemas bound
 * what an event may carry so this should not happen; if it does, the event is skipped rather than
 * thrown (a throw makes Lambda retry an event that fails the same way every time).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export function isPoisonError(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'ValidationException' || name === 'ItemCollectionSizeLimitExceededException';
}
