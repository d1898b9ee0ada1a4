import { AwsError } from './errors';
import { defineService, xmlResult, type ActionContext } from './service-module';

/**
 * AWS STS over the query protocol: AssumeRole and GetCallerIdentity.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */

const NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

function assumeRole(ctx: ActionContext<undefined>) {
  const roleArn = ctx.params.string('RoleArn');
  ctx.authorize({ arn: roleArn });
  const sessionName = ctx.params.string('RoleSessionName');
  if (!NAME_PATTERN.test(sessionName)) {
    throw validation(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw validation(
      `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+`,
    );
  }
  const sourceIdentity = ctx.params.optString('SourceIdentity');
  if (sourceIdentity !== undefined && !NAME_PATTERN.test(sourceIdentity)) {
    throw validation(
      `Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const durationSeconds = ctx.params.optInt('DurationSeconds');
  if (durationSeconds !== undefined && (durationSeconds < 900 || durationSeconds > 43200)) {
    throw validation(
      `Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  const tags: Record<string, string> = {};
  const tagList = ctx.params.optList('Tags') ?? [];
  if (tagList.length > 50)
    throw validation(`Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`);
  for (const tag of tagList) {
    const key = tag.Key;
    const value = tag.Value;
    if (typeof key !== 'string' || typeof value !== 'string')
      throw validation('Each session tag needs a Key and a Value.');
    tags[key] = value;
  }
  const session = ctx.iam.assumeRole(
    ctx.principal,
    { roleArn, sessionName, externalId: ctx.params.optString('ExternalId'), sourceIdentity, durationSeconds, tags },
    ctx.world.now,
  );
  return xmlResult({
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiresAt).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: ctx.iam.callerArn(session.principal) },
    PackedPolicySize: Object.keys(tags).length > 0 ? 6 : undefined,
    SourceIdentity: sourceIdentity,
  });
}

function getCallerIdentity(ctx: ActionContext<undefined>) {
  ctx.authorize();
  return xmlResult({
    UserId: ctx.iam.callerUserId(ctx.principal),
    Account: ctx.accountId,
    Arn: ctx.iam.callerArn(ctx.principal),
  });
}

function validation(message: string): AwsError {
  return new AwsError('ValidationError', `1 validation error detected: ${message}`);
}

export const stsService = defineService<undefined>({
  name: 'sts',
  protocol: {
    kind: 'query',
    style: 'awsQuery',
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  },
  errors: {
    accessDenied: 'AccessDenied',
    throttling: 'Throttling',
    throttlingMessage: 'Rate exceeded',
    expiredToken: 'ExpiredToken',
    unknownOperation: 'InvalidAction',
    validation: 'ValidationError',
  },
  createState: () => undefined,
  actions: { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity },
});
