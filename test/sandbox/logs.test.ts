import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { demoAccount, type AccountSeed, type ManualClock, type Sandbox } from '../../src/sandbox';
import {
  assumeRole,
  BASE_CREDENTIALS,
  clientConfig,
  emptyAccount,
  PLATFORM_ADMIN,
  startTestSandbox,
} from '../../testbed/sandbox';

const MINUTE = 60_000;
const DEMO_PROD_READ = 'arn:aws:iam::111111111111:role/chatops-demo-prod-read';

describe('sandbox CloudWatch Logs: what ECS tasks write through the awslogs driver', () => {
  let sandbox: Sandbox & { clock: ManualClock };
  let role: string;

  async function start(account: AccountSeed = demoAccount(), as = DEMO_PROD_READ) {
    sandbox = await startTestSandbox({ account, timings: {} });
    role = as;
  }

  /** A client on a fresh session of the role (sessions last an hour of sandbox time). */
  async function client(): Promise<CloudWatchLogsClient> {
    return new CloudWatchLogsClient({ ...clientConfig(sandbox, await assumeRole(sandbox, role)), maxAttempts: 1 });
  }
  afterEach(() => sandbox?.stop());

  const taskIdsOf = (cluster: string, service: string, status?: string) =>
    [...sandbox.world.cluster(cluster).tasks.values()]
      .filter((t) => t.service?.name === service && (status === undefined || t.lastStatus === status))
      .map((t) => t.id);

  it('a running nginx task has its start-up lines and one line a minute in ecs/web/TASK_ID of /ecs/web', async () => {
    await start();
    const [taskId] = taskIdsOf('demo-prod', 'web', 'RUNNING');

    const logs = await client();
    const first = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}`, startFromHead: true }),
    );
    sandbox.clock.advance(5 * MINUTE);
    const later = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}`, startFromHead: true }),
    );

    expect(first.events?.[0]?.message).toBe('/docker-entrypoint.sh: Configuration complete; ready for start up');
    expect(first.events?.[1]?.message).toMatch(/start worker processes \(listening on 80\)/);
    expect(first.events?.slice(2).every((e) => /"GET \/\S* HTTP\/1\.1" \d{3}/.test(e.message ?? ''))).toBe(true);
    expect(later.events!.length - first.events!.length).toBe(5);
    const times = later.events!.map((e) => e.timestamp!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeLessThanOrEqual(sandbox.clock.now());
  });

  it('a worker OOM-killed with exit code 137 ends its stream with the out-of-memory line', async () => {
    await start();

    sandbox.clock.advance(2 * 60 * MINUTE);
    const crashed = [...sandbox.world.cluster('demo-prod').tasks.values()].find(
      (t) => t.service?.name === 'worker' && t.containers[0]?.exitCode === 137,
    )!;
    const logs = await client();
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/worker', logStreamName: `ecs/worker/${crashed.id}`, limit: 2 }),
    );

    expect(out.events?.map((e) => e.message)).toEqual([
      'fatal error: runtime: out of memory (limit 1024 MiB)',
      'worker: killed by the OOM killer, exit code 137 — OutOfMemoryError: Container killed due to memory usage',
    ]);
    expect(out.events?.[1]?.timestamp).toBe(crashed.executionStoppedAt);
  });

  it('GetLogEvents gives the newest lines first unless startFromHead, and its tokens page backwards and forwards', async () => {
    await start();
    sandbox.clock.advance(30 * MINUTE);
    const [taskId] = taskIdsOf('demo-prod', 'web', 'RUNNING');
    const stream = { logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}` };
    const logs = await client();
    const all = (await logs.send(new GetLogEventsCommand({ ...stream, startFromHead: true }))).events!;

    const newest = await logs.send(new GetLogEventsCommand({ ...stream, limit: 5 }));
    const before = await logs.send(
      new GetLogEventsCommand({ ...stream, limit: 5, nextToken: newest.nextBackwardToken }),
    );
    const forward = await logs.send(
      new GetLogEventsCommand({ ...stream, limit: 5, nextToken: before.nextForwardToken }),
    );
    const end = await logs.send(new GetLogEventsCommand({ ...stream, limit: 5, nextToken: newest.nextForwardToken }));

    expect(newest.events).toEqual(all.slice(-5));
    expect(before.events).toEqual(all.slice(-10, -5));
    expect(forward.events).toEqual(all.slice(-5));
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(newest.nextForwardToken);
  });

  it('lists the log groups, and a group’s streams by last event time', async () => {
    await start();

    const logs = await client();
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/worker', orderBy: 'LastEventTime', descending: true }),
    );

    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual([
      '/ecs/cron',
      '/ecs/web',
      '/ecs/web-staging',
      '/ecs/worker',
      '/ecs/worker-staging',
    ]);
    expect(groups.logGroups?.[0]).toMatchObject({
      arn: 'arn:aws:logs:us-east-1:111111111111:log-group:/ecs/cron:*',
      logGroupClass: 'STANDARD',
    });
    expect(streams.logStreams?.map((s) => s.logStreamName).sort()).toEqual(
      taskIdsOf('demo-prod', 'worker')
        .map((id) => `ecs/worker/${id}`)
        .sort(),
    );
    const last = streams.logStreams!.map((s) => s.lastEventTimestamp!);
    expect(last).toEqual([...last].sort((a, b) => b - a));
  });

  it('FilterLogEvents finds the OOM kills across every stream of a group', async () => {
    await start();
    sandbox.clock.advance(2 * 60 * MINUTE);
    const killed = [...sandbox.world.cluster('demo-prod').tasks.values()].filter(
      (t) => t.service?.name === 'worker' && t.containers[0]?.exitCode === 137,
    );

    const logs = await client();
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/worker', filterPattern: '"out of memory" -OutOfMemoryError' }),
    );

    // ECS forgets stopped tasks after an hour; their logs stay.
    const streams = out.events!.map((e) => e.logStreamName);
    expect(killed.length).toBeGreaterThan(0);
    expect(streams).toEqual(expect.arrayContaining(killed.map((t) => `ecs/worker/${t.id}`)));
    expect(new Set(streams).size).toBe(streams.length);
    expect(out.events?.every((e) => e.message?.startsWith('fatal error: runtime: out of memory'))).toBe(true);
  });

  it('keeps the logs of a task ECS has already forgotten', async () => {
    await start();
    const [taskId] = taskIdsOf('demo-prod', 'web', 'RUNNING');
    sandbox.world.stopTask('demo-prod', taskId!, 'replaced');

    sandbox.clock.advance(3 * 60 * MINUTE);
    const logs = await client();
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}`, limit: 2 }),
    );

    expect(sandbox.world.findTask('demo-prod', taskId!)).toBeUndefined();
    // nginx has no SIGTERM handler as PID 1 here: exit 143, its last lines are its last requests.
    expect(out.events).toHaveLength(2);
    expect(out.events?.every((e) => / "GET \S+ HTTP\/1\.1" \d{3} /.test(e.message ?? ''))).toBe(true);
  });

  it('a clock jumped a day ahead writes a bounded number of lines', async () => {
    await start(demoAccount());
    const [taskId] = taskIdsOf('demo-prod', 'web', 'RUNNING');

    sandbox.clock.advance(24 * 60 * MINUTE);
    const logs = await client();
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}`, startFromHead: true }),
    );

    expect(out.events!.length).toBeLessThanOrEqual(2 + 10 + 500);
    expect(out.events!.at(-1)!.timestamp).toBeGreaterThan(sandbox.clock.now() - MINUTE);
  });

  it('a container without the awslogs driver and a task that never started write nothing', async () => {
    const account = emptyAccount({
      taskDefinitions: [
        {
          family: 'plain',
          containerDefinitions: [
            { name: 'app', image: 'app:1', memory: 128, logConfiguration: { logDriver: 'json-file' } },
          ],
        },
        {
          family: 'broken',
          containerDefinitions: [
            {
              name: 'app',
              image: 'app:404',
              memory: 128,
              logConfiguration: {
                logDriver: 'awslogs',
                options: { 'awslogs-group': '/ecs/broken', 'awslogs-stream-prefix': 'ecs' },
              },
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'lab',
          instances: [{}],
          services: [
            { name: 'plain', taskDefinition: 'plain', desiredCount: 1 },
            { name: 'broken', taskDefinition: 'broken', desiredCount: 1 },
          ],
        },
      ],
      behaviours: {
        broken: {
          failToStart: {
            reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): app:404 not found',
          },
        },
      },
    });
    await start(account, PLATFORM_ADMIN);
    sandbox.clock.advance(5 * MINUTE);

    const logs = await client();
    const groups = await logs.send(new DescribeLogGroupsCommand({}));

    expect(groups.logGroups).toEqual([]);
  });

  it('a missing stream is ResourceNotFoundException, and the bot’s own role may not read logs', async () => {
    await start();
    const bot = new CloudWatchLogsClient({ ...clientConfig(sandbox, BASE_CREDENTIALS), maxAttempts: 1 });

    const logs = await client();
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/web/0000' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/nope', logStreamName: 'x' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(bot.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sandbox.mutations()).toEqual([]);
  });

  describe('log groups ECS does not create', () => {
    const WRITER = 'arn:aws:iam::111111111111:role/logs-writer';
    const awslogs = (group: string, extra: Record<string, string> = {}) => ({
      logDriver: 'awslogs' as const,
      options: { 'awslogs-group': group, 'awslogs-stream-prefix': 'ecs', ...extra },
    });
    function labAccount(): AccountSeed {
      const account = emptyAccount({
        taskDefinitions: [
          {
            family: 'nogroup',
            containerDefinitions: [
              { name: 'app', image: 'app:1', memory: 128, logConfiguration: awslogs('/ecs/nogroup') },
            ],
          },
          {
            family: 'creates',
            containerDefinitions: [
              {
                name: 'app',
                image: 'app:1',
                memory: 128,
                logConfiguration: awslogs('/ecs/creates', { 'awslogs-create-group': 'true' }),
              },
            ],
          },
        ],
        clusters: [{ name: 'lab', instances: [{}] }],
      });
      account.roles.push({ arn: WRITER, level: 'admin', clusters: '*', actions: ['logs:*'] });
      return account;
    }

    it('a task whose awslogs group does not exist stops before RUNNING, as Docker’s awslogs driver fails; awslogs-create-group makes the group', async () => {
      await start(labAccount(), WRITER);
      const failed = sandbox.world.runTask('lab', { taskDefinition: 'nogroup' }).tasks[0]!;
      const created = sandbox.world.runTask('lab', { taskDefinition: 'creates' }).tasks[0]!;
      sandbox.clock.advance(5 * MINUTE);
      sandbox.tick();

      const groups = await (await client()).send(new DescribeLogGroupsCommand({}));

      expect(failed).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.',
      });
      expect(failed.startedAt).toBeUndefined();
      expect(created).toMatchObject({ lastStatus: 'RUNNING' });
      expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/ecs/creates']);
    });

    it('CreateLogGroup, CreateLogStream and PutLogEvents store events a GetLogEvents reads back, and a task may then start', async () => {
      await start(labAccount(), WRITER);
      const logs = await client();
      const now = sandbox.clock.now();

      await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/nogroup' }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/nogroup', logStreamName: 'manual' }));
      const put = await logs.send(
        new PutLogEventsCommand({
          logGroupName: '/ecs/nogroup',
          logStreamName: 'manual',
          logEvents: [
            { timestamp: now - 15 * 24 * 60 * MINUTE, message: 'too old' },
            { timestamp: now - 1000, message: 'first' },
            { timestamp: now, message: 'second' },
            { timestamp: now + 3 * 60 * MINUTE, message: 'too new' },
          ],
        }),
      );
      const read = await logs.send(
        new GetLogEventsCommand({ logGroupName: '/ecs/nogroup', logStreamName: 'manual', startFromHead: true }),
      );
      const task = sandbox.world.runTask('lab', { taskDefinition: 'nogroup' }).tasks[0]!;
      sandbox.clock.advance(MINUTE);
      sandbox.tick();

      expect(put.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 3 });
      expect(read.events?.map((e) => e.message)).toEqual(['first', 'second']);
      expect(task.lastStatus).toBe('RUNNING');
      await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/nogroup' }))).rejects.toMatchObject({
        name: 'ResourceAlreadyExistsException',
      });
      await expect(
        logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/nogroup', logStreamName: 'manual' })),
      ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
      await expect(
        logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/none', logStreamName: 'x' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: '/ecs/nogroup',
            logStreamName: 'manual',
            logEvents: [
              { timestamp: now, message: 'b' },
              { timestamp: now - 1, message: 'a' },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });
});
