import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig } from '../../../testbed/sandbox';
import { contractSandbox, recordRaw, xmlElementNames, xmlErrorCode, type RawAnswer } from './support';

/**
 * Amazon EC2 (the ec2 query protocol: XML answers) against the Amazon EC2 API Reference
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/): DescribeInstances and
 * TerminateInstances, the two actions the bot sends. An answer may only use element names the
 * reference documents for that response (API_DescribeInstances.html → Reservation, Instance,
 * InstanceState, Placement, Tag…; API_TerminateInstances.html → InstanceStateChange); errors are
 * `<Response><Errors><Error><Code>` with the HTTP status EC2 gives them.
 */

const ELEMENTS = {
  DescribeInstances: [
    'DescribeInstancesResponse',
    'requestId',
    'reservationSet',
    'item',
    'reservationId',
    'ownerId',
    'requesterId',
    'groupSet',
    'groupId',
    'groupName',
    'instancesSet',
    'instanceId',
    'imageId',
    'instanceState',
    'code',
    'name',
    'privateDnsName',
    'dnsName',
    'reason',
    'keyName',
    'amiLaunchIndex',
    'productCodes',
    'instanceType',
    'launchTime',
    'placement',
    'availabilityZone',
    'tenancy',
    'kernelId',
    'ramdiskId',
    'platform',
    'monitoring',
    'state',
    'subnetId',
    'vpcId',
    'privateIpAddress',
    'ipAddress',
    'sourceDestCheck',
    'stateReason',
    'message',
    'architecture',
    'rootDeviceType',
    'rootDeviceName',
    'blockDeviceMapping',
    'virtualizationType',
    'clientToken',
    'tagSet',
    'key',
    'value',
    'hypervisor',
    'networkInterfaceSet',
    'iamInstanceProfile',
    'arn',
    'id',
    'ebsOptimized',
    'enaSupport',
    'cpuOptions',
    'capacityReservationSpecification',
    'hibernationOptions',
    'metadataOptions',
    'httpTokens',
    'httpPutResponseHopLimit',
    'httpEndpoint',
    'httpProtocolIpv6',
    'instanceMetadataTags',
    'enclaveOptions',
    'bootMode',
    'platformDetails',
    'usageOperation',
    'usageOperationUpdateTime',
    'privateDnsNameOptions',
    'maintenanceOptions',
    'currentInstanceBootMode',
    'nextToken',
  ],
  TerminateInstances: [
    'TerminateInstancesResponse',
    'requestId',
    'instancesSet',
    'item',
    'instanceId',
    'currentState',
    'previousState',
    'code',
    'name',
  ],
} as const;

let sandbox: Sandbox & { clock: ManualClock };
let ec2: EC2Client;
let raw: { last(): RawAnswer };

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  ec2 = new EC2Client(env.config);
  raw = recordRaw(ec2);
});
afterAll(() => sandbox?.stop());

function expectElements(answer: RawAnswer, allowed: readonly string[]): void {
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^text\/xml/);
  const unknown = [...xmlElementNames(answer.body)].filter((n) => !allowed.includes(n));
  expect(unknown).toEqual([]);
}

describe('EC2 DescribeInstances, as the API reference answers it', () => {
  it('every instance, in reservations: ids, state code and name, type, zone, launch time, addresses and tags', async () => {
    const out = await ec2.send(new DescribeInstancesCommand({}));
    expectElements(raw.last(), ELEMENTS.DescribeInstances);
    const instances = out.Reservations!.flatMap((r) => {
      expect(r.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
      expect(r.OwnerId).toBe('111111111111');
      return r.Instances!;
    });
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) {
      expect(i).toMatchObject({
        InstanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/),
        ImageId: expect.stringMatching(/^ami-/),
        InstanceType: expect.any(String),
        State: { Code: 16, Name: 'running' },
        Placement: { AvailabilityZone: expect.stringMatching(/^us-east-1[a-z]$/) },
        PrivateIpAddress: expect.any(String),
      });
      expect(i.LaunchTime).toBeInstanceOf(Date);
      expect(i.Tags).toEqual(expect.arrayContaining([{ Key: 'aws:ecs:clusterName', Value: expect.any(String) }]));
    }
  });

  it.each([
    {
      name: 'an id that does not exist',
      ids: ['i-0123456789abcdef0'],
      error: 'InvalidInstanceID.NotFound',
      status: 400,
    },
    { name: 'an id that is not an instance id', ids: ['web-1'], error: 'InvalidInstanceID.Malformed', status: 400 },
  ])('$name is $error, HTTP $status', async (c) => {
    await expect(ec2.send(new DescribeInstancesCommand({ InstanceIds: c.ids }))).rejects.toMatchObject({
      name: c.error,
      $metadata: { httpStatusCode: c.status },
    });
    const answer = raw.last();
    expect(answer.status).toBe(c.status);
    expect(xmlErrorCode(answer)).toBe(c.error);
    expect(answer.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Response><Errors><Error><Code>/);
  });
});

describe('EC2 TerminateInstances, as the API reference answers it', () => {
  it('each instance with its current and previous state (code and name)', async () => {
    const [id] = (
      await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:ecs:clusterName', Values: ['demo-staging'] }] }),
      )
    ).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    expectElements(raw.last(), ELEMENTS.TerminateInstances);
    expect(out.TerminatingInstances).toEqual([
      {
        InstanceId: id,
        CurrentState: { Code: 32, Name: 'shutting-down' },
        PreviousState: { Code: 16, Name: 'running' },
      },
    ]);
  });

  it('a role that may not terminate gets UnauthorizedOperation, HTTP 403', async () => {
    const reader = new EC2Client({
      ...clientConfig(sandbox, await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/chatops-demo-prod-read')),
      maxAttempts: 1,
    });
    const readerRaw = recordRaw(reader);
    const [id] = (await ec2.send(new DescribeInstancesCommand({}))).Reservations![0]!.Instances!.map(
      (i) => i.InstanceId!,
    );

    await expect(reader.send(new TerminateInstancesCommand({ InstanceIds: [id!] }))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    });
    expect(xmlErrorCode(readerRaw.last())).toBe('UnauthorizedOperation');
  });

  it('an id that does not exist is InvalidInstanceID.NotFound, HTTP 400', async () => {
    await expect(
      ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound', $metadata: { httpStatusCode: 400 } });
    expect(xmlErrorCode(raw.last())).toBe('InvalidInstanceID.NotFound');
  });
});
