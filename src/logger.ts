import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Every path where a secret could sit in a log object. pino replaces them with [redacted]. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
  'credentials',
  '*.credentials',
  'accessKeyId',
  '*.accessKeyId',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'SecretAccessKey',
  '*.SecretAccessKey',
  'SessionToken',
  '*.SessionToken',
  'response_url',
  '*.response_url',
  'responseUrl',
  '*.responseUrl',
];

export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'ecs-chatops',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination,
  );
}

/**
 * Redacts secrets inside free text (pino's redact only sees object keys): Slack tokens, and
 * response URLs, which let anyone post into a channel for 30 minutes. Used on text from libraries
 * that log whole HTTP bodies at debug level (Bolt and the Web API client).
 */
export function redactText(text: string): string {
  return text
    .replace(/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g, '[redacted]')
    .replace(/https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g, '[redacted]')
    .replace(/(response_?url(?:s)?\\*"\s*:\s*\\*")[^"\\]+/gi, '$1[redacted]');
}
