import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { ManualClock, Sandbox } from '../../../src/sandbox';
import {
  contractSandbox,
  jsonProtocolChecks,
  list,
  oneOf,
  type RawAnswer,
  recordRaw,
  type Shape,
  tablesPerAction,
} from './support';

/**
 * Amazon CloudWatch GetMetricData (AWS JSON 1.0, `GraniteServiceVersion20100801`, what
 * @aws-sdk/client-cloudwatch speaks) against the CloudWatch API Reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html) for
 * the metrics ECS publishes per service (AWS/ECS CPUUtilization and MemoryUtilization,
 * dimensions ClusterName and ServiceName). Shapes from MetricDataResult and MessageData.
 */

const Responses = {
  GetMetricData: {
    name: 'GetMetricDataResponse',
    fields: {
      MetricDataResults: list({
        name: 'MetricDataResult',
        fields: {
          Id: 'string',
          Label: 'string',
          Timestamps: list('timestamp'),
          Values: list('double'),
          StatusCode: oneOf('Complete', 'InternalError', 'PartialData', 'Forbidden'),
          Messages: list({ name: 'MessageData', fields: { Code: 'string', Value: 'string' } }),
        },
        present: ['Id', 'Label', 'Timestamps', 'Values', 'StatusCode'],
      }),
      NextToken: 'string',
      Messages: list({ name: 'MessageData', fields: { Code: 'string', Value: 'string' } }),
    },
    present: ['MetricDataResults'],
  },
} satisfies Record<string, Shape>;

let sandbox: Sandbox & { clock: ManualClock };
let cw: CloudWatchClient;
let raw: { last(): RawAnswer };

const HOUR = 3_600_000;

function query(id: string, metric: string, stat: string, service = 'worker', period = 60): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ECS',
        MetricName: metric,
        Dimensions: [
          { Name: 'ClusterName', Value: 'demo-prod' },
          { Name: 'ServiceName', Value: service },
        ],
      },
      Period: period,
      Stat: stat,
    },
  };
}

const lastHour = () => ({ StartTime: new Date(sandbox.clock.now() - HOUR), EndTime: new Date(sandbox.clock.now()) });

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  // Most of an hour of history (the session lasts an hour): the worker's tasks have been
  // OOM-killed and replaced meanwhile.
  sandbox.clock.advance(HOUR - 5 * 60_000);
  sandbox.tick();
  cw = new CloudWatchClient(env.config);
  raw = recordRaw(cw);
});
afterAll(() => sandbox?.stop());

describe('CloudWatch GetMetricData, as the API reference answers it', () => {
  tablesPerAction(
    [
      {
        name: 'GetMetricData of a service’s CPU and memory, average and maximum',
        shape: Responses.GetMetricData,
        send: () =>
          cw.send(
            new GetMetricDataCommand({
              ...lastHour(),
              MetricDataQueries: [
                query('cpuavg', 'CPUUtilization', 'Average'),
                query('cpumax', 'CPUUtilization', 'Maximum'),
                query('memavg', 'MemoryUtilization', 'Average'),
                query('memmax', 'MemoryUtilization', 'Maximum'),
              ],
            }),
          ),
      },
      {
        name: 'GetMetricData of a metric nobody publishes',
        shape: Responses.GetMetricData,
        send: () =>
          cw.send(
            new GetMetricDataCommand({
              ...lastHour(),
              MetricDataQueries: [query('nothing', 'CPUUtilization', 'Average', 'nope')],
            }),
          ),
      },
    ],
    [
      {
        name: 'GetMetricData with the start after the end',
        error: 'InvalidParameterValueException',
        status: 400,
        send: () =>
          cw.send(
            new GetMetricDataCommand({
              StartTime: new Date(sandbox.clock.now()),
              EndTime: new Date(sandbox.clock.now() - HOUR),
              MetricDataQueries: [query('cpu', 'CPUUtilization', 'Average')],
            }),
          ),
      },
      {
        name: 'GetMetricData with a period that is not a multiple of 60',
        error: 'InvalidParameterValueException',
        status: 400,
        send: () =>
          cw.send(
            new GetMetricDataCommand({
              ...lastHour(),
              MetricDataQueries: [query('cpu', 'CPUUtilization', 'Average', 'worker', 90)],
            }),
          ),
      },
      {
        name: 'GetMetricData with an id that starts with a capital',
        error: 'InvalidParameterValueException',
        status: 400,
        send: () =>
          cw.send(
            new GetMetricDataCommand({ ...lastHour(), MetricDataQueries: [query('Cpu', 'CPUUtilization', 'Average')] }),
          ),
      },
    ],
    jsonProtocolChecks(() => raw, 'application/x-amz-json-1.0'),
  );
});

describe('the curves ECS would publish', () => {
  it('one point a minute, newest first, each at a period boundary; the maximum is never below the average', async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        ...lastHour(),
        MetricDataQueries: [query('avg', 'MemoryUtilization', 'Average'), query('max', 'MemoryUtilization', 'Maximum')],
      }),
    );
    const [avg, max] = out.MetricDataResults!;
    expect(avg!.Timestamps!.length).toBeGreaterThan(50);
    const times = avg!.Timestamps!.map((t) => t.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const t of times) expect(t % 60_000).toBe(0);
    avg!.Values!.forEach((v, i) => expect(max!.Values![i]).toBeGreaterThanOrEqual(v));
  });

  it('the OOM-killed worker’s memory climbs to nearly 100 % before each kill: a leak', async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        ...lastHour(),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [query('max', 'MemoryUtilization', 'Maximum')],
      }),
    );
    const values = out.MetricDataResults![0]!.Values!;
    expect(Math.max(...values)).toBeGreaterThan(90);
    expect(Math.min(...values)).toBeLessThan(70);
    const cron = await cw.send(
      new GetMetricDataCommand({
        ...lastHour(),
        MetricDataQueries: [query('max', 'MemoryUtilization', 'Maximum', 'cron')],
      }),
    );
    expect(Math.max(...cron.MetricDataResults![0]!.Values!)).toBeLessThan(60);
  });
});
