import { type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { AwsActionError } from '../errors';
import { awsCall, type AwsCallContext } from './errors';
import { type ContainerLogs, type LogOps } from './types';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type LogsModule = typeof import('@aws-sdk/client-cloudwatch-logs');
type LogsClient = InstanceType<LogsModule['CloudWatchLogsClient']>;

/**
 * Container logs in CloudWatch Logs, found the way the awslogs driver names them: group
 * `awslogs-group`, stream `awslogs-stream-prefix/CONTAINER/TASK_ID`, in `awslogs-region`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
 * One client per region, on the cluster's role.
 */
export function createLogOps(
  clients: { logsConfig: CloudWatchLogsClientConfig },
  base: Omit<AwsCallContext, 'action'>,
): LogOps {
  // Loaded on first use, so jobs that never read logs do not pay for it at cold start.
  let loaded: Promise<LogsModule> | undefined;
  const module = () => (loaded ??= import('@aws-sdk/client-cloudwatch-logs'));
  const byRegion = new Map<string, LogsClient>();
  const clientFor = (m: LogsModule, region: string): LogsClient => {
    let client = byRegion.get(region);
    if (!client) {
      client = new m.CloudWatchLogsClient({ ...clients.logsConfig, region });
      byRegion.set(region, client);
    }
    return client;
  };

  return {
    async forTask(taskId, taskDefinition, lines) {
      const m = await module();
      return Promise.all(
        taskDefinition.containers.map(async (c): Promise<ContainerLogs> => {
          const log = c.log;
          if (log?.driver !== 'awslogs' || !log.group)
            return { container: c.name, kind: 'not-awslogs', ...(log?.driver ? { driver: log.driver } : {}) };
          const region = log.region ?? base.region;
          if (!log.streamPrefix) return { container: c.name, kind: 'no-prefix', group: log.group, region };
          const where = { group: log.group, stream: `${log.streamPrefix}/${c.name}/${taskId}`, region };
          try {
            const out = await awsCall(
              {
                ...base,
                region,
                action: 'logs:GetLogEvents',
                resource: `log stream ${where.stream} of ${where.group}`,
              },
              () =>
                clientFor(m, region).send(
                  new m.GetLogEventsCommand({
                    logGroupName: where.group,
                    logStreamName: where.stream,
                    startFromHead: false,
                    limit: lines,
                  }),
                ),
            );
            const events = (out.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' }));
            return { container: c.name, kind: 'events', ...where, events };
          } catch (err) {
            if (err instanceof AwsActionError && err.awsErrorName === 'ResourceNotFoundException') {
              const missing = /log group/i.test(err.cause instanceof Error ? err.cause.message : err.message)
                ? 'group'
                : 'stream';
              return { container: c.name, kind: 'no-stream', ...where, missing };
            }
            throw err;
          }
        }),
      );
    },
  };
}
