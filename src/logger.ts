import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Every path where a secret could sit in a log object. pino replaces them with [redacted]. */
export const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
  'signingSecret', '*.signingSecret', 'secret', '*.secret',
  'headers.authorization', 'headers.Authorization', '*.headers.authorization', '*.headers.Authorization',
  'headers["x-slack-signature"]', '*.headers["x-slack-signature"]',
  'credentials', '*.credentials', 'accessKeyId', '*.accessKeyId', 'secretAccessKey', '*.secretAccessKey',
  'sessionToken', '*.sessionToken', 'SecretAccessKey', '*.SecretAccessKey', 'SessionToken', '*.SessionToken',
  'response_url', '*.response_url', 'responseUrl', '*.responseUrl',
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
