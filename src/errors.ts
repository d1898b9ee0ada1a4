/**
 * Every code an error of the bot can carry, in one registry: a code not listed here is a type
 * error, so logs and audits can be searched for each one. What each means:
 */
export const ERROR_CODES = [
  // the grammar and the config
  'usage', // a command that cannot be understood (the message has the usage)
  'unknown_verb', // a job names a verb the worker cannot run
  'config_invalid', // the config file does not pass its schema
  'unknown_cluster', // a cluster alias is not (or no longer) in the config
  // rights
  'access_refused', // the user may not do this here; no AWS call was made
  'not_owned', // the family, repository or image belongs to another cluster
  'job_mismatch', // a job's words do not match the verb and level it was authorized for
  'cluster_mismatch', // a teardown job names another cluster than the one it was sent for
  // things that are not there, or not as asked
  'not_found', // what the user named does not exist (the message lists what does)
  'service_exists', // service create: a service of that name is already there
  'taskdef_inactive', // deploy: the revision is deregistered
  'container_ambiguous', // deploy --image: the task definition has several containers
  'image_unchanged', // deploy --image: the container already runs that image
  'capacity_provider_not_on_cluster', // run/service create --capacity-provider
  'like_without_network', // --like names a service without awsvpc networking
  'network_missing', // an awsvpc task and no network to give it
  // approvals and gated operations
  'approvals_unavailable', // no state table or Slack token for approvals
  'no_approvers', // the config names no approver team
  'plan_too_large', // the plan does not fit in the state table
  'approval_not_posted', // Slack refused the request message
  'service_drain_timeout', // service delete: still draining at the wait limit
  'teardown_wait_timeout', // teardown: services or tasks still there at the wait limit
  // notifications
  'notify_window_contention', // a notification window kept changing under concurrent writers
] as const;

/** A code of our own, or `aws_` and the name of the AWS error it stands for. */
export type ErrorCode = (typeof ERROR_CODES)[number] | `aws_${string}`;

/**
 * Errors a user can act on. Each carries a code from ERROR_CODES (bolt-js style) and a message
 * that names the cluster, the action and the next step. `cause` is passed on (powertools style).
 */
export class ChatopsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
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
