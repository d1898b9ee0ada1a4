import { type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { AwsActionError } from '../errors';
import { type AwsClients } from './clients';
import { awsCall, type AwsCallBase } from './errors';
import { type TaskDefinitionDetail } from './task-definitions';

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** What one container of a task logged, or why there is nothing to read. */
export type ContainerLogs =
  | { container: string; kind: 'events'; group: string; stream: string; region: string; events: LogEvent[] }
  /** The awslogs settings are there but the stream (or group) is not: the container never started, or nothing was written yet. */
  | { container: string; kind: 'no-stream'; group: string; stream: string; region: string; missing: 'group' | 'stream' }
  /** awslogs without awslogs-stream-prefix: on EC2 the stream is named by the Docker container id, which ECS does not report. */
  | { container: string; kind: 'no-prefix'; group: string; region: string }
  | { container: string; kind: 'not-awslogs'; driver?: string };

export interface LogOps {
  /**
   * The newest `lines` events (GetLogEvents, startFromHead false) of each container of a task
   * that logs through awslogs, read in the awslogs-region with the cluster's role.
   */
  forTask(taskId: string, taskDefinition: TaskDefinitionDetail, lines: number): Promise<ContainerLogs[]>;
}

/**
 * Container logs in CloudWatch Logs, found the way the awslogs driver names them: group
 * `awslogs-group`, stream `awslogs-stream-prefix/CONTAINER/TASK_ID`, in `awslogs-region`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
 * One client per region (src/aws/clients.ts), on the cluster's role.
 */
export function createLogOps(clients: Pick<AwsClients, 'logs'>, base: AwsCallBase): LogOps {
  return {
    async forTask(taskId, taskDefinition, lines) {
      return Promise.all(
        taskDefinition.containers.map(async (c): Promise<ContainerLogs> => {
          const log = c.log;
          if (log?.driver !== 'awslogs' || !log.group)
            return { container: c.name, kind: 'not-awslogs', ...(log?.driver ? { driver: log.driver } : {}) };
          const region = log.region ?? base.region;
          if (!log.streamPrefix) return { container: c.name, kind: 'no-prefix', group: log.group, region };
          const where = { group: log.group, stream: `${log.streamPrefix}/${c.name}/${taskId}`, region };
          try {
            const { m, client } = await clients.logs(region);
            const out = await awsCall(
              {
                ...base,
                region,
                action: 'logs:GetLogEvents',
                resource: `log stream ${where.stream} of ${where.group}`,
              },
              () =>
                client.send(
                  new m.GetLogEventsCommand({
                    logGroupName: where.group,
                    logStreamName: where.stream,
                    startFromHead: false,
                    limit: lines,
                  }),
                ),
            );
            const events = (out.events ?? []).map(toLogEvent);
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

function toLogEvent(e: OutputLogEvent): LogEvent {
  return { timestamp: e.timestamp ?? 0, message: e.message ?? '' };
}
