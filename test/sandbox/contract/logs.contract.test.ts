import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import {
  contractSandbox,
  jsonProtocolChecks,
  list,
  type RawAnswer,
  recordRaw,
  type Shape,
  tablesPerAction,
} from './support';

/**
 * Amazon CloudWatch Logs (AWS JSON 1.1) against the CloudWatch Logs API Reference
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/): GetLogEvents, which
 * `logs` calls, and the writes a CLI user reaches for (CreateLogGroup, CreateLogStream,
 * PutLogEvents). Shapes from OutputLogEvent, LogStream and RejectedLogEventsInfo.
 */

const Responses = {
  GetLogEvents: {
    name: 'GetLogEventsResponse',
    fields: {
      events: list({
        name: 'OutputLogEvent',
        fields: { timestamp: 'long', message: 'string', ingestionTime: 'long' },
        present: ['timestamp', 'message', 'ingestionTime'],
      }),
      nextForwardToken: 'string',
      nextBackwardToken: 'string',
    },
    present: ['events', 'nextForwardToken', 'nextBackwardToken'],
  },
  DescribeLogStreams: {
    name: 'DescribeLogStreamsResponse',
    fields: {
      logStreams: list({
        name: 'LogStream',
        fields: {
          logStreamName: 'string',
          creationTime: 'long',
          firstEventTimestamp: 'long',
          lastEventTimestamp: 'long',
          lastIngestionTime: 'long',
          uploadSequenceToken: 'string',
          arn: 'string',
          storedBytes: 'long',
        },
        present: ['logStreamName', 'creationTime', 'arn'],
      }),
      nextToken: 'string',
    },
    present: ['logStreams'],
  },
  Empty: { name: 'an empty answer', fields: {} },
  PutLogEvents: {
    name: 'PutLogEventsResponse',
    fields: {
      nextSequenceToken: 'string',
      rejectedLogEventsInfo: {
        name: 'RejectedLogEventsInfo',
        fields: {
          tooNewLogEventStartIndex: 'integer',
          tooOldLogEventEndIndex: 'integer',
          expiredLogEventEndIndex: 'integer',
        },
      },
      rejectedEntityInfo: 'any',
    },
  },
} satisfies Record<string, Shape>;

let sandbox: Sandbox & { clock: ManualClock };
let logs: CloudWatchLogsClient;
let raw: { last(): RawAnswer };
let webStream: string;

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  logs = new CloudWatchLogsClient(env.config);
  raw = recordRaw(logs);
  const running = [...sandbox.world.cluster('demo-prod').tasks.values()].find(
    (t) => t.service?.name === 'web' && t.lastStatus === 'RUNNING',
  )!;
  webStream = `ecs/web/${running.id}`;
});
afterAll(() => sandbox?.stop());

describe('CloudWatch Logs, as the API reference answers it', () => {
  tablesPerAction(
    [
      {
        name: 'GetLogEvents',
        shape: Responses.GetLogEvents,
        send: () =>
          logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: webStream, limit: 20 })),
      },
      {
        name: 'DescribeLogStreams',
        shape: Responses.DescribeLogStreams,
        send: () => logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/web' })),
      },
      {
        name: 'CreateLogGroup',
        shape: Responses.Empty,
        send: () => logs.send(new CreateLogGroupCommand({ logGroupName: '/contract/app' })),
      },
      {
        name: 'CreateLogStream',
        shape: Responses.Empty,
        send: () => logs.send(new CreateLogStreamCommand({ logGroupName: '/contract/app', logStreamName: 'one' })),
      },
      {
        name: 'PutLogEvents',
        shape: Responses.PutLogEvents,
        send: () =>
          logs.send(
            new PutLogEventsCommand({
              logGroupName: '/contract/app',
              logStreamName: 'one',
              logEvents: [{ timestamp: sandbox.clock.now(), message: 'hello' }],
            }),
          ),
      },
    ],
    [
      {
        name: 'GetLogEvents of a stream that does not exist',
        error: 'ResourceNotFoundException',
        status: 400,
        send: () => logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'nope' })),
      },
      {
        name: 'GetLogEvents of a group that does not exist',
        error: 'ResourceNotFoundException',
        status: 400,
        send: () => logs.send(new GetLogEventsCommand({ logGroupName: '/nope', logStreamName: 'nope' })),
      },
      {
        name: 'GetLogEvents with a limit over 10,000',
        error: 'InvalidParameterException',
        status: 400,
        send: () =>
          logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: webStream, limit: 10_001 })),
      },
      {
        name: 'CreateLogGroup of one that exists',
        error: 'ResourceAlreadyExistsException',
        status: 400,
        send: () => logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' })),
      },
      {
        name: 'CreateLogStream in a group that does not exist',
        error: 'ResourceNotFoundException',
        status: 400,
        send: () => logs.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 'x' })),
      },
      {
        name: 'PutLogEvents to a stream that does not exist',
        error: 'ResourceNotFoundException',
        status: 400,
        send: () =>
          logs.send(
            new PutLogEventsCommand({
              logGroupName: '/ecs/web',
              logStreamName: 'nope',
              logEvents: [{ timestamp: sandbox.clock.now(), message: 'x' }],
            }),
          ),
      },
    ],
    jsonProtocolChecks(() => raw),
  );
});
