import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock, startSandbox, type AccountSeed, type Sandbox, type SandboxOptions } from '../src/sandbox';

/** Any key the sandbox did not issue acts as the bot's own base role. */
export const BASE_CREDENTIALS = { accessKeyId: 'AKIASANDBOXTESTBASE1', secretAccessKey: 'sandbox-test-base-secret' };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A sandbox on a ManualClock with instant task transitions, unless the test says otherwise. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox & { clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const sandbox = await startSandbox({
    timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 0 },
    ...options,
    clock,
  });
  return Object.assign(sandbox, { clock });
}

/** SDK client settings for the sandbox (the same for every service client). */
export function clientConfig(sandbox: Sandbox, credentials: Credentials = BASE_CREDENTIALS) {
  return { endpoint: sandbox.url, region: sandbox.region, credentials };
}

export async function assumeRole(
  sandbox: Sandbox,
  roleArn: string,
  options: { sessionName?: string; sourceIdentity?: string; externalId?: string; tags?: Record<string, string> } = {},
): Promise<Credentials> {
  const sts = new STSClient(clientConfig(sandbox));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: options.sessionName ?? 'U0ALICE',
      SourceIdentity: options.sourceIdentity,
      ExternalId: options.externalId,
      Tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

export const roleOf = (sandbox: Sandbox, cluster: string, level: 'read' | 'operate' | 'admin') =>
  `arn:aws:iam::${sandbox.accountId}:role/chatops-${cluster}-${level}`;

/** An admin role for every cluster in emptyAccount(). */
export const PLATFORM_ADMIN = 'arn:aws:iam::111111111111:role/chatops-platform-admin';

/** A small account for tests that build their own world: one cluster, instances as given. */
export function emptyAccount(overrides: Partial<AccountSeed> = {}): AccountSeed {
  const accountId = '111111111111';
  return {
    accountId,
    region: 'us-east-1',
    roles: [
      ...(['read', 'operate', 'admin'] as const).map((level) => ({
        arn: `arn:aws:iam::${accountId}:role/chatops-lab-${level}`,
        level,
        clusters: ['lab'],
      })),
      { arn: PLATFORM_ADMIN, level: 'admin', clusters: '*' },
    ],
    taskDefinitions: [],
    clusters: [{ name: 'lab' }],
    ...overrides,
  };
}
