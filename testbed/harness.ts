import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../src/clock';
import { type ApprovalTiming } from '../src/approvals/gated-operation';
import { startDynalite, type LocalStateTable } from './dynalite';
import { createInProcessDispatcher } from '../src/jobs/dispatch';
import { type Job } from '../src/jobs/job';
import { runJob, type WorkerDeps } from '../src/worker/run-job';
import { buildWorkerDeps } from '../src/wiring/worker-deps';
import { slackLambdaApp } from '../src/wiring/slack-app';
import { botWebClient } from '../src/slack/web-client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/sandbox';
import {
  responseUrlChannel,
  startSlackStandin,
  type SlackStandin,
  type StoredMessage,
} from '../src/slack/standin/server';
import { type Config } from '../src/config/schema';
import { testAccount } from './accounts';
import { blockKitProblems, modalProblems } from '../src/slack/limits';
import { CHANNELS, testConfig, USERGROUPS, USERS } from './config';
import { captureLogs } from './logs';
import { foreignControlsIn } from './mrkdwn';
import {
  apiGatewayEvent,
  blockActionBody,
  slashCommandBody,
  TEST_SIGNING_SECRET,
  viewSubmissionBody,
  type ViewSubmissionInput,
} from './slack-requests';

export const BOT_TOKEN = 'xoxb-test-bot-token-1234567890';
export const BOT_AWS_KEY = {
  accessKeyId: 'AKIATESTBOTKEY000001',
  secretAccessKey: 'test-bot-secret-access-key-000000000001',
};

export interface HarnessOptions {
  config?: Config;
  sandbox?: SandboxOptions;
  followUpTimeoutMs?: number;
  /** How long a follow-up wants a service to stay settled; 0 by default (settled at first sight). */
  followUpSteadyMs?: number;
  /** The bot's clock (the sandbox keeps its own); tests that move time pass one. */
  clock?: Clock;
  /** Approval progress and waits; fast by default. */
  approvalTiming?: Partial<ApprovalTiming>;
  /**
   * Jobs for which this says true are accepted and never run: an invoke lost in a throttled
   * queue, or a worker that crashed before it started. They are still recorded in `jobs`.
   */
  lostJobs?: (job: Job) => boolean;
}

export interface Reply {
  text?: string;
  blocks?: unknown[];
  response_type?: string;
  replace_original?: boolean;
}

export interface CommandResult {
  status: number;
  /** What the ack showed the user at once. */
  ack: Reply;
  /** Everything the worker posted to this command's response_url, in order. */
  replies: Reply[];
  /** All the text the user saw, ack first: handy for `toContain`. */
  seen: string;
  /**
   * Where the stand-in keeps this command's response_url messages: `slack.messages(result.shownIn)`
   * is them as they stand now (after a click on one replaced it, say).
   */
  shownIn: string;
}

/**
 * The whole bot on loopback, as the tests use it: the real Bolt app behind AwsLambdaReceiver,
 * signed requests in, the sandbox AWS account and the Slack stand-in out, jobs run in-process.
 */
export interface Harness {
  sandbox: Sandbox;
  slack: SlackStandin;
  config: Config;
  logs: ReturnType<typeof captureLogs>;
  worker: WorkerDeps;
  /** Every job the Slack function dispatched, in order (to deliver one again, as Lambda may). */
  jobs: Job[];
  /** The state table (dynalite, in-process), as the Slack function and the worker share it. */
  state: LocalStateTable;
  clock: Clock;
  command(text: string, as?: { user?: string; channel?: string }): Promise<CommandResult>;
  /**
   * A click on a button. `on`: the message holding it (one of `slack.messages(…)`), which the
   * click's replace_original / delete_original then act on, as Slack's do.
   */
  click(
    actionId: string,
    value: string,
    as?: { user?: string; channel?: string; on?: Pick<StoredMessage, 'channel' | 'ts'> },
  ): Promise<CommandResult>;
  submit(
    input: Omit<ViewSubmissionInput, 'userId'>,
    as?: { user?: string },
  ): Promise<{ statusCode: number; body: string }>;
  /** Waits until every job dispatched so far has finished (after `send`, which does not wait). */
  drain(): Promise<void>;
  /** Sends a raw API Gateway event (for signature tests). */
  send(event: ReturnType<typeof apiGatewayEvent>): Promise<{ statusCode: number; body: string }>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({
    account: testAccount(),
    timings: { taskStartMs: 0, taskStopMs: 0 },
    ...options.sandbox,
  });
  const slack = await startSlackStandin({ usergroups: USERGROUPS });
  const logs = captureLogs();
  const logger = logs.logger;
  const config = options.config ?? testConfig();
  const clock = options.clock ?? systemClock;
  const state = await startDynalite();
  const worker = buildWorkerDeps({
    config,
    logger,
    clock,
    awsClients: {
      // The SDK's retries, with 6 attempts and 10 ms back-offs instead of its production delays
      // (up to seconds under throttling), so a test of 30 % throttling stays quick on a busy machine.
      clientConfig: { endpoint: sandbox.url, retryStrategy: new ConfiguredRetryStrategy(6, 10) },
      stsConfig: { credentials: BOT_AWS_KEY },
    },
    timing: {
      followUpPollMs: 20,
      followUpTimeoutMs: options.followUpTimeoutMs ?? 10_000,
      followUpSteadyMs: options.followUpSteadyMs ?? 0,
      deploymentPollMs: 20,
      deploymentWatchMs: options.followUpTimeoutMs ?? 10_000,
    },
    state: state.store,
    // The bot's own Web API client (chat.postMessage / chat.update), against the stand-in.
    slack: botWebClient(BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 100 },
    }),
    approvalTiming: { progressIntervalMs: 200, pollMs: 20, waitTimeoutMs: 10_000, ...options.approvalTiming },
  });
  const jobs: Job[] = [];
  const dispatcher = createInProcessDispatcher(async (job) => {
    jobs.push(structuredClone(job));
    if (!options.lostJobs?.(job)) await runJob(job, worker);
  }, logger);
  const { handler } = slackLambdaApp({
    signingSecret: TEST_SIGNING_SECRET,
    config,
    logger,
    clock,
    state: state.store,
    dispatcher,
    botToken: BOT_TOKEN,
    slackApiUrl: slack.apiUrl,
  });
  const context = {} as Context;

  async function send(event: ReturnType<typeof apiGatewayEvent>) {
    const res = (await handler(event, context)) as { statusCode: number; body: string };
    return { statusCode: res.statusCode, body: res.body };
  }

  const acks: Reply[] = [];
  /** People who used the bot in this test: the only ones its messages may mention. */
  const actors = new Set<string>([
    ...Object.values(USERS),
    ...Object.values(USERGROUPS).flat(),
    ...Object.values(config.teams).flatMap((t) => t.users),
  ]);

  /** Every message the bot showed in this test: acks, response_url replies, posted and updated messages. */
  function shownMessages(): { where: string; message: Reply }[] {
    const shown = acks.map((message, i) => ({ where: `ack ${i}`, message }));
    for (const call of slack.calls) {
      if (['response_url', 'chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) {
        shown.push({ where: call.method, message: call.args as Reply });
      }
    }
    return shown;
  }

  async function collect(res: { statusCode: number; body: string }, responseUrl: string): Promise<CommandResult> {
    await dispatcher.drain();
    const id = decodeURIComponent(responseUrl.split('/response/')[1]!);
    const replies = slack.calls
      .filter((c) => c.method === 'response_url' && c.responseId === id)
      .map((c) => c.args as Reply);
    const ack = parseBody(res.body);
    if (ack.text || ack.blocks) acks.push(ack);
    const texts = [ack, ...replies].flatMap((r) => [r.text ?? '', JSON.stringify(r.blocks ?? [])]);
    return { status: res.statusCode, ack, replies, seen: texts.join('\n'), shownIn: responseUrlChannel(id) };
  }

  return {
    sandbox,
    slack,
    config,
    logs,
    worker,
    jobs,
    state,
    clock,
    send,
    drain: () => dispatcher.drain(),
    async command(text, as = {}) {
      if (as.user) actors.add(as.user);
      const responseUrl = slack.responseUrl();
      const body = slashCommandBody({
        text,
        userId: as.user ?? USERS.alice,
        channelId: as.channel ?? CHANNELS.web,
        responseUrl,
      });
      return collect(await send(apiGatewayEvent(body)), responseUrl);
    },
    async click(actionId, value, as = {}) {
      if (as.user) actors.add(as.user);
      const responseUrl = slack.responseUrl(undefined, as.on);
      const body = blockActionBody({
        actionId,
        value,
        userId: as.user ?? USERS.alice,
        channelId: as.channel ?? CHANNELS.web,
        responseUrl,
      });
      return collect(await send(apiGatewayEvent(body)), responseUrl);
    },
    async submit(input, as = {}) {
      if (as.user) actors.add(as.user);
      const res = await send(apiGatewayEvent(viewSubmissionBody({ ...input, userId: as.user ?? USERS.alice })));
      await dispatcher.drain();
      return res;
    },
    async stop() {
      await dispatcher.drain();
      await Promise.all([sandbox.stop(), slack.stop(), state.stop()]);
      // Every reply the suite produces must be one Slack accepts (targets: Block Kit limits).
      const problems = shownMessages().flatMap(({ where, message }) =>
        message.blocks || message.text
          ? blockKitProblems({ text: message.text ?? '', blocks: message.blocks as never }).map((p) => `${where}: ${p}`)
          : [],
      );
      for (const call of slack.calls.filter((c) => c.method === 'views.open' || c.method === 'views.update')) {
        problems.push(
          ...modalProblems(typeof call.args.view === 'string' ? JSON.parse(call.args.view) : call.args.view).map(
            (p) => `${call.method}: ${p}`,
          ),
        );
      }
      if (problems.length > 0) throw new Error(`replies break Slack's Block Kit limits:\n${problems.join('\n')}`);
      // Nothing from AWS or a user may become a mention or a link: the only <…> in what the bot
      // showed are its own (people who used it, the config's channels, dates, console links).
      const channels = [
        ...Object.keys(config.channels),
        ...Object.values(config.teams).flatMap((t) => t.channels ?? []),
        ...Object.values(CHANNELS),
      ];
      const foreign = shownMessages().flatMap(({ where, message }) =>
        foreignControlsIn(message, { users: [...actors], channels }).map((f) => `${where}: ${f}`),
      );
      if (foreign.length > 0)
        throw new Error(`replies hold mentions or links the bot did not mean:\n${foreign.slice(0, 5).join('\n')}`);
      // No secret may reach the logs: the bot token, the signing secret, the bot's AWS secret,
      // response URLs, and the session credentials the sandbox's STS handed out (docs/targets.md).
      // Response URLs also as they sit percent-encoded in a raw form body.
      const secrets = [BOT_TOKEN, TEST_SIGNING_SECRET, BOT_AWS_KEY.secretAccessKey, '/response/', '%2Fresponse%2F'];
      const leaks = logs
        .raw()
        .filter(
          (line) => secrets.some((secret) => line.includes(secret)) || /IQoJb3JpZ2luX2VjE[0-9a-f]{20}/.test(line),
        );
      if (leaks.length > 0) throw new Error(`secrets reached the logs:\n${leaks.slice(0, 3).join('\n')}`);
    },
  };
}

function parseBody(body: string): Reply {
  if (!body) return {};
  try {
    return JSON.parse(body) as Reply;
  } catch {
    return { text: body };
  }
}
