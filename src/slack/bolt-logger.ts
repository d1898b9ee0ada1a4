import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import { redactText, type Logger } from '../logger';

/** Bolt's logger interface over our pino logger, so Bolt's lines are JSON and redacted too. */
export function boltLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'bolt' });
  const text = (msgs: unknown[]) => {
    const joined = msgs
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
    // AwsLambdaReceiver logs the whole raw event at debug: its body carries the response URL
    // percent-encoded (or base64-encoded), where no text redaction can find it. Never log it.
    if (joined.startsWith('AWS event:'))
      return `AWS event received (${joined.length} characters; not logged: the body holds the response URL)`;
    return redactText(joined);
  };
  return {
    debug: (...msgs) => child.debug(text(msgs)),
    info: (...msgs) => child.info(text(msgs)),
    warn: (...msgs) => child.warn(text(msgs)),
    error: (...msgs) => child.error(text(msgs)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
