import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { BASE_CREDENTIALS, clientConfig } from '../../../testbed/sandbox';
import { contractSandbox, recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * AWS STS (awsQuery: XML answers) against the AWS STS API Reference
 * (https://docs.aws.amazon.com/STS/latest/APIReference/): AssumeRole, which the bot calls for
 * every cluster, and GetCallerIdentity. Element names as API_AssumeRole.html documents them
 * (Credentials, AssumedRoleUser, PackedPolicySize, SourceIdentity); errors are
 * `<ErrorResponse><Error><Code>`.
 */

const ELEMENTS = {
  AssumeRole: [
    'AssumeRoleResponse',
    'AssumeRoleResult',
    'Credentials',
    'AccessKeyId',
    'SecretAccessKey',
    'SessionToken',
    'Expiration',
    'AssumedRoleUser',
    'AssumedRoleId',
    'Arn',
    'PackedPolicySize',
    'SourceIdentity',
    'ResponseMetadata',
    'RequestId',
  ],
  GetCallerIdentity: [
    'GetCallerIdentityResponse',
    'GetCallerIdentityResult',
    'UserId',
    'Account',
    'Arn',
    'ResponseMetadata',
    'RequestId',
  ],
} as const;

let sandbox: Sandbox & { clock: ManualClock };
let sts: STSClient;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  sandbox = (await contractSandbox()).sandbox;
  sts = new STSClient({ ...clientConfig(sandbox, BASE_CREDENTIALS), maxAttempts: 1 });
  raw = recordRaw(sts);
});
afterAll(() => sandbox?.stop());

const unknownElements = (answer: RawAnswer, allowed: readonly string[]) =>
  [...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n));

describe('STS AssumeRole, as the API reference answers it', () => {
  it('temporary credentials with their expiry, and the assumed role user', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/chatops-demo-prod-read',
        RoleSessionName: 'U0ALICE',
        SourceIdentity: 'U0ALICE',
        Tags: [{ Key: 'slack-user', Value: 'U0ALICE' }],
      }),
    );
    const answer = raw.last();

    expect(answer.status).toBe(200);
    expect(unknownElements(answer, ELEMENTS.AssumeRole)).toEqual([]);
    expect(out.Credentials).toEqual({
      AccessKeyId: expect.stringMatching(/^ASIA/),
      SecretAccessKey: expect.any(String),
      SessionToken: expect.any(String),
      Expiration: expect.any(Date),
    });
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: expect.stringMatching(/^AROA\w+:U0ALICE$/),
      Arn: 'arn:aws:sts::111111111111:assumed-role/chatops-demo-prod-read/U0ALICE',
    });
    expect(out.SourceIdentity).toBe('U0ALICE');
    expect(out.PackedPolicySize).toEqual(expect.any(Number));
  });

  it.each([
    {
      name: 'a role that does not exist',
      input: { RoleArn: 'arn:aws:iam::111111111111:role/nope', RoleSessionName: 'U0ALICE' },
      error: 'AccessDenied',
      status: 403,
    },
    {
      name: 'a session name with a space',
      input: { RoleArn: 'arn:aws:iam::111111111111:role/chatops-demo-prod-read', RoleSessionName: 'a b' },
      error: 'ValidationError',
      status: 400,
    },
    {
      name: 'a duration under 15 minutes',
      input: {
        RoleArn: 'arn:aws:iam::111111111111:role/chatops-demo-prod-read',
        RoleSessionName: 'U0ALICE',
        DurationSeconds: 60,
      },
      error: 'ValidationError',
      status: 400,
    },
  ])('$name is $error, HTTP $status', async (c) => {
    await expect(sts.send(new AssumeRoleCommand(c.input))).rejects.toMatchObject({
      name: c.error,
      $metadata: { httpStatusCode: c.status },
    });
    const answer = raw.last();
    expect(answer.status).toBe(c.status);
    expect(xmlErrorCode(answer)).toBe(c.error);
    expect(answer.body).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>/);
  });
});

describe('STS GetCallerIdentity, as the API reference answers it', () => {
  it('the caller’s user id, account and ARN', async () => {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(unknownElements(raw.last(), ELEMENTS.GetCallerIdentity)).toEqual([]);
    expect(out).toMatchObject({
      UserId: expect.any(String),
      Account: '111111111111',
      Arn: expect.stringMatching(/^arn:aws:(iam|sts)::111111111111:/),
    });
  });
});
