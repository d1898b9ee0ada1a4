import { AwsActionError, ChatopsError } from '../errors';
import { awsText, escapeText } from '../text/escape';

export interface AwsCallContext {
  alias: string;
  clusterName: string;
  region: string;
  /** e.g. `ecs:UpdateService` */
  action: string;
  roleArn: string;
  /** What the call was about, in the user's words, e.g. "service web" (plain text: escaped here). */
  resource?: string;
}

/** What every call of one ClusterOps shares: the cluster, its region and the role. */
export type AwsCallBase = Omit<AwsCallContext, 'action' | 'resource'>;

/** The context of one call: `ctx('ecs:UpdateService', 'service web')`. */
export function callContext(base: AwsCallBase): (action: string, resource?: string) => AwsCallContext {
  return (action, resource) => ({ ...base, action, ...(resource ? { resource } : {}) });
}

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ThrottledException',
]);

/**
 * Turns an AWS SDK error into a sentence a user can act on: it names the cluster, the action
 * and the next step, never a stack trace. Errors we already phrased pass through.
 */
export function mapAwsError(err: unknown, ctx: AwsCallContext): ChatopsError {
  if (err instanceof ChatopsError) return err;
  const name = awsErrorName(err);
  // AWS's own message often repeats what the user typed: data, like the resource (awsText escapes it).
  const message = err instanceof Error ? err.message : String(err);
  const on = ctx.resource ? ` (${escapeText(ctx.resource)})` : '';
  const role = ctx.roleArn.split('/').pop() ?? ctx.roleArn;
  if (ACCESS_DENIED.has(name)) {
    return new AwsActionError(
      name,
      `AWS denied \`${ctx.action}\` on *${ctx.alias}*${on} to role \`${role}\` (\`${ctx.roleArn}\`). That role's IAM policy must allow ${ctx.action} — ask a platform admin to update it (see the roles template in deploy/).`,
      { cause: err },
    );
  }
  if (THROTTLED.has(name)) {
    return new AwsActionError(
      name,
      `AWS is throttling \`${ctx.action}\` on *${ctx.alias}*${on} even after retries. Nothing more was changed; try again in a minute.`,
      { cause: err },
    );
  }
  switch (name) {
    case 'ClusterNotFoundException':
      return new AwsActionError(
        name,
        `ECS has no cluster \`${escapeText(ctx.clusterName)}\` in ${ctx.region} (the config's *${ctx.alias}*). Check \`clusters.${ctx.alias}.name\` and \`region\` in the config, or create it with \`/ecs cluster create\`.`,
        { cause: err },
      );
    case 'ServiceNotFoundException':
    case 'ServiceNotActiveException':
      return new AwsActionError(
        name,
        `ECS says the ${escapeText(ctx.resource ?? 'service')} is not active in *${ctx.alias}*. Run \`/ecs services -c ${ctx.alias}\` to see the services there.`,
        { cause: err },
      );
    case 'InvalidParameterException':
    case 'ClientException':
      return new AwsActionError(name, `ECS rejected \`${ctx.action}\` on *${ctx.alias}*${on}: ${awsText(message)}`, {
        cause: err,
      });
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return new AwsActionError(
        name,
        `The session for \`${role}\` expired during \`${ctx.action}\` on *${ctx.alias}*; run the command again.`,
        { cause: err },
      );
    default:
      return new AwsActionError(
        name || 'Unknown',
        `\`${ctx.action}\` on *${ctx.alias}*${on} failed: ${name ? `${escapeText(name)}: ` : ''}${awsText(message)}`,
        { cause: err },
      );
  }
}

export function awsErrorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v !== 'Error') return v;
  }
  return '';
}

/** Runs one AWS call and maps its failure. */
export async function awsCall<T>(ctx: AwsCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapAwsError(err, ctx);
  }
}

/**
 * Runs one AWS call; undefined when AWS answers that the thing is not there (`missing` is given
 * the error's name and AWS's own message), so that a delete of something already gone, or a
 * read of something that may not exist, is an answer instead of a failure.
 */
export async function awsCallUnlessMissing<T>(
  ctx: AwsCallContext,
  missing: (name: string, message: string) => boolean,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await awsCall(ctx, call);
  } catch (err) {
    if (err instanceof AwsActionError) {
      const cause = err.cause;
      if (missing(err.awsErrorName || awsErrorName(cause), cause instanceof Error ? cause.message : ''))
        return undefined;
    }
    throw err;
  }
}
