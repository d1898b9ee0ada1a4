/**
 * Slash command ack latency (docs/targets.md): the Slack handler, warm, in-process, 2,000 signed
 * `/ecs scale web 2` requests, timed from handler call to HTTP response. Run twice: as is, and
 * with every sandbox AWS call made 1 s slower. The ack path makes no AWS call, so the two
 * should match; `awsCallsDuringAck` counts the calls the sandbox saw while acking (want 0).
 * Jobs are queued, as the Lambda async invoke would hand them to another process.
 */
import type { Context } from 'aws-lambda';
import { systemClock } from '../src/clock';
import { createLogger } from '../src/logger';
import { type JobDispatcher } from '../src/jobs/dispatch';
import { type Job } from '../src/jobs/job';
import { startSandbox } from '../src/sandbox';
import { startSlackStandin } from '../src/slack/standin/server';
import { testAccount } from '../testbed/accounts';
import { CHANNELS, testConfig, USERGROUPS, USERS } from '../testbed/config';
import { signedLambdaEvent, slashCommandBody, type Workspace } from '../src/slack/signed-requests';
import { slackLambdaApp } from '../src/wiring/slack-app';
import { percentile, report } from './report';

const REQUESTS = 2000;
const SIGNING_SECRET = 'bench-signing-secret';
const WORKSPACE: Workspace = { teamId: 'T0TEST', domain: 'test', appId: 'A0TEST', botUserId: 'U0BOT', botId: 'B0TEST' };
const WARMUP = 100;

async function measure(addedLatencyMs: number): Promise<{ p50: number; p99: number; awsCalls: number; jobs: number }> {
  const sandbox = await startSandbox({ account: testAccount() });
  if (addedLatencyMs > 0) sandbox.inject({ kind: 'latency', ms: addedLatencyMs });
  const slack = await startSlackStandin({ usergroups: USERGROUPS });
  const queued: Job[] = [];
  const dispatcher: JobDispatcher = { dispatch: async (job) => void queued.push(job), drain: async () => {} };
  // The Slack function as deployed: signature check, request key, future-timestamp check.
  const { handler } = slackLambdaApp({
    signingSecret: SIGNING_SECRET,
    config: testConfig(),
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    dispatcher,
    botToken: 'xoxb-bench',
    slackApiUrl: slack.apiUrl,
  });
  const responseUrl = slack.responseUrl();
  const times: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i += 1) {
    const body = slashCommandBody({
      workspace: WORKSPACE,
      user: { id: USERS.alice, name: 'alice' },
      channel: { id: CHANNELS.web, name: 'web' },
      command: '/ecs',
      text: `scale web ${(i % 5) + 1}`,
      responseUrl,
      triggerId: `${Date.now()}.trigger`,
    });
    const event = signedLambdaEvent(body, { signingSecret: SIGNING_SECRET });
    const start = process.hrtime.bigint();
    const res = (await handler(event, {} as Context)) as { statusCode: number };
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.statusCode !== 200) throw new Error(`ack failed: ${res.statusCode}`);
    if (i >= WARMUP) times.push(ms);
  }
  const awsCalls = sandbox.calls.length;
  await Promise.all([sandbox.stop(), slack.stop()]);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), awsCalls, jobs: queued.length };
}

export async function run(): Promise<void> {
  const plain = await measure(0);
  const slow = await measure(1000);
  report('ack.p50', plain.p50, 'ms', { requests: REQUESTS, target: '<= 5' });
  report('ack.p99', plain.p99, 'ms', { requests: REQUESTS, target: '<= 20' });
  report('ack.slowAws.p50', slow.p50, 'ms', { addedLatencyMs: 1000 });
  report('ack.slowAws.p99', slow.p99, 'ms', { addedLatencyMs: 1000 });
  report('ack.slowAws.p50Ratio', slow.p50 / plain.p50, 'ratio', { target: '~1' });
  report('ack.awsCallsDuringAck', plain.awsCalls + slow.awsCalls, 'calls', { target: 0 });
  report('ack.jobsDispatched', plain.jobs + slow.jobs, 'jobs');
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
