/**
 * `tasks` on 5,000 tasks (docs/targets.md): a sandbox cluster of 5,000 running tasks, every AWS call
 * 50 ms slower, listed the way `/ecs tasks` lists them (ListTasks 100 a page, DescribeTasks 100
 * at a time, describes overlapping the paging) and rendered into the reply. Reports the calls per
 * run (targets: ⌈5000/100⌉ = 50 of each), the median time of a few runs, and whether the reply
 * is within Slack's Block Kit limits.
 */
import { systemClock } from '../src/clock';
import { createLogger } from '../src/logger';
import { createAwsAccess } from '../src/aws/access';
import { startSandbox } from '../src/sandbox';
import { blockKitProblems } from '../src/slack/limits';
import { taskListMessage } from '../src/slack/views/tasks';
import { busyClusterAccount, busyClusterConfig } from '../testbed/tasks-fixtures';
import { median, report } from './report';

const TASKS = 5000;
const LATENCY_MS = 50;
const RUNS = 3;

export async function run(): Promise<void> {
  const seedStart = process.hrtime.bigint();
  const sandbox = await startSandbox({
    account: busyClusterAccount(TASKS),
    timings: { taskStartMs: 0, taskStopMs: 0 },
  });
  const seedMs = Number(process.hrtime.bigint() - seedStart) / 1e6;
  const config = busyClusterConfig();
  const aws = createAwsAccess({
    config,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    clientConfig: { endpoint: sandbox.url },
    stsConfig: { credentials: { accessKeyId: 'AKIABENCHBOTKEY00001', secretAccessKey: 'bench-bot-secret' } },
  });
  const ops = await aws.forCluster({
    alias: 'busy',
    level: 'read',
    user: { id: 'U0BENCH', teamId: 'T0BENCH' },
    team: 'web',
  });
  sandbox.inject({ kind: 'latency', ms: LATENCY_MS });

  const times: number[] = [];
  const calls: { list: number; describe: number }[] = [];
  let listed = 0;
  let problems: string[] = [];
  let blocks = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const before = {
      list: sandbox.callsTo('ecs:ListTasks').length,
      describe: sandbox.callsTo('ecs:DescribeTasks').length,
    };
    const start = process.hrtime.bigint();
    const tasks = await ops.tasks.list({});
    const message = taskListMessage({ alias: 'busy', tasks, filter: {}, page: 1, now: Date.now() });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    calls.push({
      list: sandbox.callsTo('ecs:ListTasks').length - before.list,
      describe: sandbox.callsTo('ecs:DescribeTasks').length - before.describe,
    });
    listed = tasks.length;
    problems = blockKitProblems(message);
    blocks = message.blocks?.length ?? 0;
  }
  await sandbox.stop();

  const target = Math.ceil(TASKS / 100);
  report('tasks.5000.listTasksCalls', calls[0]!.list, 'calls', { target, everyRun: calls.map((c) => c.list) });
  report('tasks.5000.describeTasksCalls', calls[0]!.describe, 'calls', {
    target,
    everyRun: calls.map((c) => c.describe),
  });
  report('tasks.5000.time.median', median(times), 'ms', {
    latencyPerCallMs: LATENCY_MS,
    runs: times.map((t) => Math.round(t)),
    floor: `${target} sequential pages × ${LATENCY_MS} ms = ${target * LATENCY_MS} ms`,
  });
  report('tasks.5000.tasksListed', listed, 'tasks', { expected: TASKS });
  report('tasks.5000.replyBlocks', blocks, 'blocks', { limit: 50, problems });
  report('tasks.5000.sandboxSeed', seedMs, 'ms');
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
