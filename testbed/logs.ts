import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../src/logger';

/** A logger whose every line is kept, so tests can read the audit trail and scan for secrets. */
export function captureLogs(): { logger: Logger; lines: () => Record<string, unknown>[]; raw: () => string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: stream });
  return {
    logger,
    raw: () => [...raw],
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
