import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type Readable, type Writable } from 'node:stream';
import { sweepExpiredApprovals } from '../approvals/sweep';
import { createTeamDirectory } from '../auth/directory';
import { loadConfigFile } from '../config/load';
import { type Config } from '../config/schema';
import { ConfigError } from '../errors';
import { createInProcessDispatcher } from '../jobs/dispatch';
import { createLogger } from '../logger';
import { createEventsHandler } from '../notifications/pipeline';
import { MEMORY_BEFORE_MS } from '../notifications/publish';
import { createMemoryReader } from '../aws/metrics';
import { handleDeploymentEvent, inProcessWatch } from '../notifications/deployments/events';
import { demoAccount, startSandbox, type AccountSeed, type Sandbox } from '../sandbox';
import { boltLogger } from '../slack/bolt-logger';
import { startSlackStandin } from '../slack/standin/server';
import { VERBS } from '../verbs';
import { runJob } from '../worker/run-job';
import { botWebClient } from '../slack/web-client';
import { buildWorkerDeps } from '../wiring/worker-deps';
import { slackLambdaApp } from '../wiring/slack-app';
import { awsAccessForSimulatedTime } from './aws-sessions';
import { printBanner } from './banner';
import { Conversation } from './conversation';
import { DEFAULT_CONFIG, DEFAULT_SPEED, parsePlaygroundFlags, PLAYGROUND_HELP } from './flags';
import { startNotificationBridge } from './notification-bridge';
import { directoryFromConfig, type Channel, type Directory, type Person } from './people';
import { colourPalette, plainPalette } from './render/palette';
import { applyScenario, DEFAULT_SCENARIO, loadScenario } from './scenario';
import { Screen } from './screen';
import { Session, type CompletionNames } from './session';
import { PlaygroundTime, stepSettler } from './simulated-time';
import { SlackFrontEnd } from './slack-front-end';
import { type Workspace } from '../slack/signed-requests';
import { startPlaygroundStateTable } from './state-table';
import { createTerminal } from './terminal';

/** What the entry point passes in: the process's streams and the two environment settings that matter here. */
export interface PlaygroundIo {
  argv: readonly string[];
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  /** NO_COLOR is set (https://no-color.org). */
  noColor: boolean;
  /** LOG_LEVEL, when set: the bot's JSON logs go to stderr at that level. Otherwise they are off. */
  logLevel?: string;
}

const WORKSPACE: Workspace = {
  teamId: 'T0PLAYGROUND',
  domain: 'playground',
  appId: 'A0ECSCHATOPS',
  botUserId: 'U0ECSCHATOPS',
  botId: 'B0ECSCHATOPS',
};
const BOT_NAME = 'ecs-chatops';
const BOT_TOKEN = 'xoxb-playground-not-a-real-token';
/** The bot's own AWS key in the simulated account: it may only assume the cluster roles (as in production). */
const BOT_AWS_KEY = { accessKeyId: 'AKIAPLAYGROUNDBOT001', secretAccessKey: 'playground-not-a-secret' };
/** How often the simulated account catches up with its clock when nobody calls it. */
const TICK_MS = 250;

/**
 * `npm start` without a Slack token: the real app — createApp's Bolt app behind the Lambda
 * receiver, the worker, the notification handler — wired to a simulated AWS account (src/sandbox),
 * the Slack stand-in and an in-memory state table, all on 127.0.0.1 ports the OS picks. The
 * terminal plays Slack. Returns the exit code.
 */
export async function runPlayground(io: PlaygroundIo): Promise<number> {
  const flags = parsePlaygroundFlags(io.argv);
  if (flags.help) {
    io.stdout.write(PLAYGROUND_HELP);
    return 0;
  }
  const configPath = flags.config ? resolve(flags.config) : resolve(__dirname, '..', '..', DEFAULT_CONFIG);
  const config = loadConfigFile(configPath);
  const scenario = loadScenario(flags.scenario ?? DEFAULT_SCENARIO);
  const speed = flags.speed ?? scenario.speed ?? DEFAULT_SPEED;
  const directory = directoryFromConfig(config);
  const user = startingPerson(directory, flags.user);
  const channel = startingChannel(directory, flags.channel);

  const logger = createLogger({
    level: io.logLevel ?? 'silent',
    destination: io.stderr,
    name: 'ecs-chatops-playground',
  });
  // What has been started, stopped in reverse order however the session ends (or fails to start).
  const started: (() => Promise<void> | void)[] = [];
  try {
    return await run();
  } finally {
    for (const stop of started.reverse()) await stop();
  }

  async function run(): Promise<number> {
    const account = applyScenario(demoAccount({ fargate: true }), scenario);
    // One time for the account and the bot: sped up, and jumped ahead by /wait.
    const clock = new PlaygroundTime(speed);
    const sandbox = await startSandbox({
      account,
      clock,
      ...(scenario.seed !== undefined ? { seed: scenario.seed } : {}),
      logger,
    });
    started.push(() => sandbox.stop());
    const ticking = setInterval(() => sandbox.tick(), TICK_MS);
    started.push(() => clearInterval(ticking));

    // The conversation is told of every Slack call from the start; the screen and the session that
    // show it come later (notifications can arrive while the rest is being built).
    const display: { screen?: Screen; session?: Session } = {};
    const conversation = new Conversation(
      (event) => {
        if (event.type === 'modal') display.session?.modalOpened(event.view);
        else display.screen?.handle(event);
      },
      () => clock.now(),
    );
    const standin = await startSlackStandin({
      botUserId: WORKSPACE.botUserId,
      users: Object.fromEntries(directory.people.map((p) => [p.id, { name: p.name }])),
      // The stand-in stores a posted message (and gives it its ts) right after telling us of the
      // call, in the same turn of the event loop: a microtask later it is there to read.
      onCall: (call) => queueMicrotask(() => conversation.slackCall(call, (ch) => standin.messages(ch))),
    });
    started.push(() => standin.stop());
    const state = await startPlaygroundStateTable();
    started.push(() => state.stop());
    const slack = botWebClient(BOT_TOKEN, {
      slackApiUrl: standin.apiUrl,
      logger: boltLogger(logger),
      retryConfig: { retries: 3, factor: 1, minTimeout: 50, maxTimeout: 500 },
    });

    // Follow-ups as deployed (5 s polls, a 3-minute wait), in simulated time.
    const worker = buildWorkerDeps({
      config,
      logger,
      clock,
      aws: awsAccessForSimulatedTime({
        config,
        clock,
        logger,
        clientConfig: { endpoint: sandbox.url },
        stsConfig: { credentials: BOT_AWS_KEY },
      }),
      state: state.store,
      slack,
      // One progress update a real second, as Slack allows; waits in simulated time.
      approvalTiming: { progressIntervalMs: 1000 * speed, pollMs: 5000, waitTimeoutMs: 10 * 60_000 },
      // Jobs run here as soon as they are dispatched; at 60× a busy real second is a simulated
      // minute, which must not make a job "too old to run".
      jobMaxAgeMs: Number.POSITIVE_INFINITY,
    });
    // Jobs running now: a /wait step is done when each of them is asleep in simulated time again.
    let jobsRunning = 0;
    const dispatcher = createInProcessDispatcher(async (job) => {
      jobsRunning += 1;
      try {
        await runJob(job, worker);
      } finally {
        jobsRunning -= 1;
      }
    }, logger);
    started.push(() => dispatcher.drain());
    const teams = createTeamDirectory({ config, slack, clock, logger });
    // Requests are signed and checked as Slack's are, with a secret made up for this run.
    const signingSecret = randomBytes(32).toString('hex');
    const slackFunction = slackLambdaApp({
      signingSecret,
      config,
      logger,
      clock,
      dispatcher,
      botToken: BOT_TOKEN,
      slackApiUrl: standin.apiUrl,
      state: state.store,
      directory: teams,
    });
    // As on Lambda, the events function's tick also expires approval requests nobody decided on (their
    // buttons go): the bridge ticks in simulated time, so a /wait that jumps ahead sweeps too.
    const events = createEventsHandler({
      config,
      logger,
      clock,
      slack,
      state: state.store,
      memoryBefore: createMemoryReader({
        config,
        clock,
        logger,
        clientConfig: { endpoint: sandbox.url },
        stsConfig: { credentials: BOT_AWS_KEY },
        windowMs: MEMORY_BEFORE_MS,
      }),
      onTick: () => sweepExpiredApprovals({ state: state.store, slack, clock, logger }),
      // A deployment started outside Slack is followed here as a worker would (in the background:
      // the events keep flowing meanwhile).
      onDeploymentEvent: (event) =>
        handleDeploymentEvent(
          {
            config,
            state: state.store,
            slack,
            clock,
            logger,
            watch: (ref) => {
              void follow(ref).catch((err: unknown) => logger.warn({ err }, 'deployment watch failed'));
              return Promise.resolve();
            },
          },
          event,
        ),
    });
    const follow = inProcessWatch(
      { state: state.store, slack, clock, logger, aws: worker.aws },
      { pollMs: 60_000, forMs: 10 * 60_000 },
    );
    const bridge = startNotificationBridge({
      sandbox,
      handler: events,
      time: clock,
      logger,
      pending: () => conversation.showsButton('approval:'),
    });
    started.push(() => bridge.stop());

    const palette = flags.colour && !io.noColor && io.stdout.isTTY ? colourPalette() : plainPalette;
    const terminal = createTerminal({
      input: io.stdin,
      output: io.stdout,
      completer: (line: string) => display.session?.complete(line) ?? [[], line],
    });
    started.push(() => terminal.close());
    const here = () => ({
      user: display.session?.user.id ?? user.id,
      channel: display.session?.channel.id ?? channel.id,
    });
    const screen = new Screen({
      terminal,
      palette,
      directory,
      conversation,
      now: () => clock.now(),
      here,
      botName: BOT_NAME,
    });
    const frontEnd = new SlackFrontEnd({
      handler: slackFunction.handler,
      signingSecret,
      standin,
      conversation,
      workspace: WORKSPACE,
    });
    const session = new Session(
      {
        config,
        terminal,
        screen,
        conversation,
        frontEnd,
        directory,
        speed,
        verbs: VERBS.map((v) => v.verb),
        names: () => completionNames(config, sandbox),
        passTime: (ms, cancelled) => {
          const jobsAsleep = stepSettler(() => jobsRunning <= clock.sleeping);
          return clock.jump(ms, {
            onStep: () => sandbox.tick(),
            settled: async () => {
              await bridge.settle();
              await jobsAsleep();
              await bridge.settle();
              screen.flush();
            },
            cancelled,
          });
        },
        settle: async () => {
          await dispatcher.drain();
          screen.flush();
        },
      },
      user,
      channel,
    );
    display.screen = screen;
    display.session = session;

    printBanner(screen, {
      config,
      sandbox,
      directory,
      scenario,
      speed,
      user,
      channel,
      warnings: accountWarnings(config, sandbox, account),
    });
    await session.run();
    // Work still running (a follow-up, a teardown) finishes and is shown before everything stops.
    await dispatcher.drain();
    screen.flush();
    return 0;
  }
}

/**
 * What Tab offers after a verb: the config's clusters, and the services, task definition families
 * and ECR repositories of the simulated account as they are now (read from the sandbox in-process:
 * the completer cannot wait for an API call).
 */
function completionNames(config: Config, sandbox: Sandbox): CompletionNames {
  const clusters = sandbox.world.clusters().filter((c) => c.status === 'ACTIVE');
  return {
    clusters: Object.keys(config.clusters),
    services: clusters.flatMap((c) => [...c.services.values()].filter((s) => s.status === 'ACTIVE').map((s) => s.name)),
    families: [...sandbox.world.taskDefinitionFamilies().keys()],
    repositories: sandbox.world.repositoryNames(),
  };
}

/** --user, else alice, else the first person the config lists. */
function startingPerson(directory: Directory, ref: string | undefined): Person {
  if (ref) {
    const person = directory.person(ref);
    if (!person)
      throw new ConfigError(
        `--user ${ref}: there is nobody called that in the config. People: ${directory.people.map((p) => `@${p.name}`).join(', ') || 'none'}.`,
      );
    return person;
  }
  const person = directory.person('alice') ?? directory.people[0];
  if (!person)
    throw new ConfigError(
      'The config lists nobody under teams.*.users, so there is nobody to be in the playground. Add a user id like U0ALICE to a team.',
    );
  return person;
}

/** --channel, else #web, else the first channel the config mentions. */
function startingChannel(directory: Directory, ref: string | undefined): Channel {
  if (ref) {
    const channel = directory.channel(ref);
    if (!channel)
      throw new ConfigError(
        `--channel ${ref}: the config mentions no such channel. Channels: ${directory.channels.map((c) => `#${c.name}`).join(', ')}.`,
      );
    return channel;
  }
  return directory.channel('web') ?? directory.channels[0]!;
}

/** Clusters and roles of a config of one's own that the simulated account does not have: one line a cluster. */
function accountWarnings(config: Config, sandbox: Sandbox, account: AccountSeed): string[] {
  const clusters = sandbox.world.clusters().map((c) => c.name);
  const roles = new Set(account.roles.map((r) => r.arn));
  const warnings: string[] = [];
  for (const [alias, cluster] of Object.entries(config.clusters)) {
    const name = cluster.name.split('/').pop()!;
    const missing: string[] = [];
    if (cluster.region !== sandbox.region)
      missing.push(`no cluster in ${cluster.region} (its clusters are in ${sandbox.region})`);
    else if (!clusters.includes(name)) missing.push(`no cluster ${name}`);
    const roleNames = Object.values(cluster.roles)
      .filter((arn): arn is string => !!arn && !roles.has(arn))
      .map((arn) => arn.split('/').pop()!);
    if (roleNames.length > 0) missing.push(`no role${roleNames.length > 1 ? 's' : ''} ${roleNames.join(', ')}`);
    if (missing.length > 0) {
      warnings.push(
        `${alias}: the simulated account has ${missing.join(' and ')}; it has clusters ${clusters.join(', ')} with roles chatops-CLUSTER-LEVEL (see config/playground.yaml)`,
      );
    }
  }
  return warnings;
}
