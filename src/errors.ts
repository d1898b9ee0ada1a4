/**
 * Errors a user can act on. Each carries a coded `code` (bolt-js style) and a message that
 * names the cluster, the action and the next step. `cause` is passed on (powertools style).
 */
export class ChatopsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ConfigError extends ChatopsError {
  constructor(message: string, options?: ErrorOptions) {
    super('config_invalid', message, options);
  }
}

/** A command the user typed cannot be understood; the message includes usage. */
export class UsageError extends ChatopsError {
  constructor(message: string, options?: ErrorOptions) {
    super('usage', message, options);
  }
}

/** The user may not do this; no AWS call was made. */
export class AccessRefusedError extends ChatopsError {
  constructor(message: string, options?: ErrorOptions) {
    super('access_refused', message, options);
  }
}

/** An AWS call failed; the message is already phrased for the user. */
export class AwsActionError extends ChatopsError {
  readonly awsErrorName: string;
  constructor(awsErrorName: string, message: string, options?: ErrorOptions) {
    super(`aws_${awsErrorName}`, message, options);
    this.awsErrorName = awsErrorName;
  }
}

/** A thing the user named does not exist; the message lists what does. */
export class NotFoundError extends ChatopsError {
  constructor(message: string, options?: ErrorOptions) {
    super('not_found', message, options);
  }
}
