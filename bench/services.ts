/**
 * `services` on a cluster of 1,000 services with 50 ms added to every AWS call (docs/targets.md):
 * exactly ⌈1000/100⌉ = 10 ListServices and ⌈1000/10⌉ = 100 DescribeServices calls, ≤ 1.5 s,
 * a reply within Slack's Block Kit limits, and the worker's peak RSS ≤ 200 MB.
 *
 * The sandbox and the Slack stand-in run here; the worker runs in a child process of its own
 * (the same `runJob` a worker Lambda runs, from source through tsx), so its peak RSS is the
 * worker's alone. The child runs the job RUNS times: the first with cold credentials (one
 * AssumeRole, also 50 ms slower), the rest warm as a reused Lambda would be. Each run's AWS calls
 * are counted from the sandbox's own record, by the run's time window.
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../src/logger';
import { systemClock } from '../src/clock';
import { createAwsAccess } from '../src/aws/access';
import { VERBS } from '../src/verbs';
import { runJob } from '../src/worker/run-job';
import { parseConfig } from '../src/config/load';
import { startSandbox } from '../src/sandbox';
import { startSlackStandin } from '../src/slack/standin/server';
import { blockKitProblems } from '../src/slack/limits';
import { bigClusterAccount } from '../testbed/services-fixtures';
import { median, report } from './report';

const SERVICES = 1000;
const LATENCY_MS = 50;
const RUNS = Number(process.env.SERVICES_BENCH_RUNS ?? 5);
const BENCH_USER = 'U0BENCH';

const CONFIG_YAML = `
clusters:
  big:
    name: big
    region: us-east-1
    roles:
      read: arn:aws:iam::111111111111:role/chatops-big-read
teams:
  bench:
    users: [${BENCH_USER}]
    access: { big: read }
`;

interface ChildRun {
  startedAt: number;
  endedAt: number;
  ms: number;
  responseUrl: string;
}

interface ChildReport {
  runs: ChildRun[];
  baselineRssMb: number;
  peakRssMb: number;
}

export async function run(): Promise<void> {
  const seedStart = process.hrtime.bigint();
  const sandbox = await startSandbox({ account: bigClusterAccount(SERVICES) });
  const seedMs = Number(process.hrtime.bigint() - seedStart) / 1e6;
  const slack = await startSlackStandin();
  sandbox.inject({ kind: 'latency', ms: LATENCY_MS });
  try {
    const responseUrls = Array.from({ length: RUNS }, (_, i) => slack.responseUrl(`services-${i}`));
    const child = await runWorkerChild(sandbox.url, responseUrls);

    const perRun = child.runs.map((r) => {
      const calls = sandbox.calls.filter((c) => c.at >= r.startedAt && c.at <= r.endedAt);
      const id = decodeURIComponent(r.responseUrl.split('/response/')[1]!);
      const reply = slack.calls.find((c) => c.method === 'response_url' && c.responseId === id)?.args as
        { text?: string; blocks?: never } | undefined;
      return {
        ms: r.ms,
        list: calls.filter((c) => c.action === 'ListServices').length,
        describe: calls.filter((c) => c.action === 'DescribeServices').length,
        assume: calls.filter((c) => c.action === 'AssumeRole').length,
        reply,
      };
    });
    const warm = perRun.slice(1);
    const last = perRun.at(-1)!;
    const problems = last.reply
      ? blockKitProblems({ text: last.reply.text ?? '', blocks: last.reply.blocks })
      : ['no reply'];

    report('services.seed1000', seedMs, 'ms', { note: 'sandbox start-up with 1,000 services (not a target)' });
    report('services.listServicesCalls', last.list, 'calls', { services: SERVICES, target: Math.ceil(SERVICES / 100) });
    report('services.describeServicesCalls', last.describe, 'calls', {
      services: SERVICES,
      target: Math.ceil(SERVICES / 10),
    });
    report('services.warm.median', median(warm.map((r) => r.ms)), 'ms', {
      runs: warm.length,
      latencyMsPerCall: LATENCY_MS,
      target: '<= 1500',
    });
    report('services.cold', perRun[0]!.ms, 'ms', {
      assumeRoleCalls: perRun[0]!.assume,
      latencyMsPerCall: LATENCY_MS,
      note: 'first run: credentials not yet cached',
    });
    report('services.replyWithinSlackLimits', problems.length === 0 ? 1 : 0, 'bool', {
      problems,
      blocks: (last.reply?.blocks as unknown[] | undefined)?.length ?? 0,
      text: last.reply?.text,
      target: 1,
    });
    report('services.workerPeakRss', child.peakRssMb, 'MB', {
      baselineMb: child.baselineRssMb,
      target: '<= 200',
      note: 'worker child process, from source via tsx',
    });
    if (perRun.some((r) => r.list !== last.list || r.describe !== last.describe)) {
      report('services.callCountsVaried', 1, 'bool', {
        perRun: perRun.map((r) => ({ list: r.list, describe: r.describe })),
      });
    }
  } finally {
    await Promise.all([sandbox.stop(), slack.stop()]);
  }
}

/** Starts this file as the worker child and collects its one-line JSON report. */
function runWorkerChild(sandboxUrl: string, responseUrls: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--worker', sandboxUrl, ...responseUrls], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** The worker child: the `services` job, RUNS times, timed from job start to reply posted. */
async function workerChild(sandboxUrl: string, responseUrls: string[]): Promise<void> {
  const logger = createLogger({ level: 'silent' });
  const config = parseConfig(CONFIG_YAML, 'bench config');
  const aws = createAwsAccess({
    config,
    clock: systemClock,
    logger,
    clientConfig: { endpoint: sandboxUrl },
    // Any key the sandbox did not issue is the bot's own role, which may only assume roles.
    stsConfig: { credentials: { accessKeyId: 'AKIABENCHBOTKEY00001', secretAccessKey: 'bench-bot-secret' } },
  });
  const deps = {
    config,
    logger,
    clock: systemClock,
    aws,
    verbs: VERBS,
    timing: { followUpPollMs: 1000, followUpTimeoutMs: 60_000 },
  };
  const baselineRssMb = process.memoryUsage().rss / 1e6;
  const runs: ChildRun[] = [];
  for (const [i, responseUrl] of responseUrls.entries()) {
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    await runJob(
      {
        kind: 'command',
        id: `bench-${i}`,
        words: ['services'],
        verb: 'services',
        cluster: 'big',
        level: 'read',
        team: 'bench',
        user: { id: BENCH_USER, teamId: 'T0BENCH' },
        channelId: 'C0BENCH',
        responseUrl,
        source: 'slash',
        requestedAt: startedAt,
      },
      deps,
    );
    runs.push({ startedAt, endedAt: Date.now(), ms: Number(process.hrtime.bigint() - start) / 1e6, responseUrl });
    // A gap between runs, so the parent can tell each run's calls apart by time.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ runs, baselineRssMb, peakRssMb } satisfies ChildReport)}\n`);
}

if (require.main === module) {
  const [mode, sandboxUrl, ...responseUrls] = process.argv.slice(2);
  const main = mode === '--worker' ? workerChild(sandboxUrl!, responseUrls) : run();
  main.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
