/**
 * The sandbox's pagination tokens: an opaque base64 of the offset into the sorted list. ECS and
 * CloudWatch Logs each refuse a bad token with their own error, so decoding returns undefined.
 */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ sandboxOffset: offset }), 'utf8').toString('base64');
}

export function decodeOffsetToken(token: string): number | undefined {
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
    // not ours: the caller refuses it
  }
  return undefined;
}
