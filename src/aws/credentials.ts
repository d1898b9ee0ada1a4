import { STSClient, AssumeRoleCommand, type STSClientConfig } from '@aws-sdk/client-sts';
import { type AwsCredentialIdentity } from '@aws-sdk/types';
import { type Clock } from '../clock';
import { type Logger } from '../logger';
import { AwsActionError } from '../errors';
import { awsText, escapeText } from '../text/escape';
import { awsErrorName } from './errors';

export interface RoleSessionRequest {
  roleArn: string;
  region: string;
  externalId?: string;
  user: { id: string; name?: string; teamId: string };
  team: string;
  /** Cluster alias and level, for messages. */
  alias: string;
  level: string;
}

export interface RoleCredentials {
  /** A credentials provider for SDK clients: cached, refreshed shortly before expiry. */
  provider(request: RoleSessionRequest): () => Promise<AwsCredentialIdentity>;
}

/**
 * STS AssumeRole into the role of exactly one cluster and level, carrying the Slack user:
 * SourceIdentity (CloudTrail names the person), session tags for workspace, user and team, and a
 * session name built from the user id. Credentials are cached per role and user until
 * `refreshBeforeMs` before they expire.
 */
export function createRoleCredentials(deps: {
  clock: Clock;
  logger: Logger;
  /** Config for the STS client (endpoint, base credentials); the SDK's defaults otherwise. */
  stsConfig?: STSClientConfig;
  refreshBeforeMs?: number;
  sessionSeconds?: number;
}): RoleCredentials {
  const refreshBeforeMs = deps.refreshBeforeMs ?? 5 * 60_000;
  const stsClients = new Map<string, STSClient>();
  const cache = new Map<string, { credentials: Promise<AwsCredentialIdentity>; expiresAt: number }>();

  function sts(region: string): STSClient {
    let client = stsClients.get(region);
    if (!client) {
      client = new STSClient({ region, maxAttempts: 6, ...deps.stsConfig });
      stsClients.set(region, client);
    }
    return client;
  }

  async function assume(request: RoleSessionRequest): Promise<AwsCredentialIdentity> {
    try {
      const out = await sts(request.region).send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: sessionName(request.user.id),
          SourceIdentity: sourceIdentity(request.user),
          ExternalId: request.externalId,
          DurationSeconds: deps.sessionSeconds ?? 3600,
          Tags: [
            { Key: 'slack-workspace', Value: tagValue(request.user.teamId) },
            { Key: 'slack-user', Value: tagValue(request.user.id) },
            { Key: 'chatops-team', Value: tagValue(request.team) },
          ],
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    } catch (err) {
      const name = awsErrorName(err);
      deps.logger.warn({ roleArn: request.roleArn, alias: request.alias, err: name }, 'AssumeRole failed');
      throw new AwsActionError(
        name || 'AssumeRoleFailed',
        `I could not assume the ${request.level} role of *${request.alias}* (\`${escapeText(request.roleArn)}\`): ${awsText(err instanceof Error ? err.message : String(err))}. Its trust policy must admit the bot's role with sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession${request.externalId ? ', and the configured externalId' : ''}.`,
        { cause: err },
      );
    }
  }

  return {
    provider(request) {
      const key = `${request.roleArn}|${request.user.id}|${request.team}`;
      return async () => {
        const hit = cache.get(key);
        if (hit && hit.expiresAt - deps.clock.now() > refreshBeforeMs) return hit.credentials;
        const credentials = assume(request);
        // Until the call returns, share it; on failure forget it so the next command retries.
        cache.set(key, { credentials, expiresAt: Number.POSITIVE_INFINITY });
        try {
          const resolved = await credentials;
          cache.set(key, { credentials, expiresAt: resolved.expiration?.getTime() ?? deps.clock.now() + 15 * 60_000 });
          return resolved;
        } catch (err) {
          cache.delete(key);
          throw err;
        }
      };
    },
  };
}

/** RoleSessionName: [\w+=,.@-]{2,64}. */
export function sessionName(userId: string): string {
  return `slack-${userId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** SourceIdentity: the Slack user id, which stays the same when a display name changes. */
export function sourceIdentity(user: { id: string }): string {
  return user.id.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256);
}
