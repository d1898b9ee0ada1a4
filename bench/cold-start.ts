/**
 * Cold start of each Lambda bundle (docs/targets.md): in a fresh `node` process, the time from just
 * before `require('dist/<fn>.js')` until the handler is ready (the bundle's exported `init()`
 * resolved, when it has one), against `require('@slack/bolt')` alone — the floor, since the
 * Slack function cannot start faster than Bolt loads. Node's own boot is not counted: both
 * sides start their clock inside the child. The targets are ratios of medians from the same
 * run (the machine is noisy): slack.js ≤ 1.3× the floor, worker.js and events.js ≤ 2×.
 *
 * The children get a deployed function's environment with plain secrets. One more figure,
 * `coldStart.slack.secretsFromSsm`, starts the Slack function as deployed: its two secrets read
 * through Powertools from SSM and Secrets Manager stand-ins on 127.0.0.1 (src/entry/secrets.ts),
 * so it adds the clients' load and two loopback round trips (on AWS, two real ones).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSecretStores, type SecretStores } from '../testbed/secret-stores';
import { median, report } from './report';

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.COLD_START_RUNS ?? 21);
/** Another build to compare (an experiment's output folder); dist/ by default. */
const DIST = process.env.COLD_START_DIST ?? join(ROOT, 'dist');

interface Subject {
  name: string;
  /** Extra environment for the child. */
  env?: NodeJS.ProcessEnv;
  /** What the child requires: a path, or a package name resolved from the repository. */
  module: string;
  /** Target as a multiple of the floor; undefined for the floor itself. */
  target?: number;
}

const SUBJECTS: Subject[] = [
  { name: 'bolt', module: '@slack/bolt' },
  { name: 'slack', module: join(DIST, 'slack.js'), target: 1.3 },
  { name: 'worker', module: join(DIST, 'worker.js'), target: 2 },
  { name: 'events', module: join(DIST, 'events.js'), target: 2 },
];

/** Runs inside the child: times require + init, prints milliseconds. */
const CHILD = `
const start = process.hrtime.bigint();
const m = require(process.argv[1]);
Promise.resolve(typeof m.init === 'function' ? m.init() : undefined).then(() => {
  process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));
}, (err) => { console.error(err); process.exit(1); });
`;

function childEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    CHATOPS_CONFIG: join(ROOT, 'config/example.yaml'),
    STATE_TABLE: 'ecs-chatops-bench-state',
    WORKER_FUNCTION: 'ecs-chatops-bench-worker',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCH00000000000',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    LOG_LEVEL: 'silent',
  };
}

/** Asynchronous, so the secret stores in this process can answer the child. */
async function once(subject: Subject): Promise<number> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD, subject.module], {
      cwd: ROOT,
      env: { ...childEnv(), ...subject.env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return Number(stdout);
  } catch (err) {
    throw new Error(`cold start of ${subject.name} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

function fromSecretStores(stores: SecretStores): Subject {
  const env: NodeJS.ProcessEnv = {
    SLACK_SIGNING_SECRET: '',
    SLACK_BOT_TOKEN: '',
    SLACK_SIGNING_SECRET_PARAM: '/ecs-chatops/bench/slack-signing-secret',
    SLACK_BOT_TOKEN_PARAM: 'secretsmanager:ecs-chatops/bench/slack#botToken',
    AWS_ENDPOINT_URL_SSM: stores.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stores.url,
  };
  return { name: 'slackSecretsFromSsm', module: join(DIST, 'slack.js'), env };
}

export async function run(): Promise<void> {
  if (!process.env.COLD_START_DIST && !existsSync(join(DIST, 'slack.js'))) {
    spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const stores = await startSecretStores({
    parameters: { '/ecs-chatops/bench/slack-signing-secret': 'bench-signing-secret' },
    secrets: { 'ecs-chatops/bench/slack': JSON.stringify({ botToken: 'xoxb-bench' }) },
  });
  const subjects = SUBJECTS.filter((s) => !s.module.startsWith('/') || existsSync(s.module));
  if (subjects.some((s) => s.name === 'slack')) subjects.push(fromSecretStores(stores));
  const times = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  try {
    // One warm-up round fills the OS file cache; then the subjects take turns, so drift in the
    // machine's load touches each of them alike.
    for (const s of subjects) await once(s);
    for (let i = 0; i < RUNS; i += 1) {
      for (const s of subjects) times.get(s.name)!.push(await once(s));
    }
  } finally {
    await stores.stop();
  }
  const floor = median(times.get('bolt')!);
  report('coldStart.bolt', floor, 'ms', { runs: RUNS, what: "require('@slack/bolt') alone: the floor" });
  for (const s of subjects.filter((x) => x.target !== undefined)) {
    const ms = median(times.get(s.name)!);
    report(`coldStart.${s.name}`, ms, 'ms', { runs: RUNS, what: `require dist/${s.name}.js + init()` });
    report(`coldStart.${s.name}.ratio`, ms / floor, 'ratio', { target: `<= ${s.target}` });
  }
  const fromSsm = times.get('slackSecretsFromSsm');
  if (fromSsm) {
    report('coldStart.slack.secretsFromSsm', median(fromSsm), 'ms', {
      runs: RUNS,
      what: 'dist/slack.js + init() with its secrets read from SSM and Secrets Manager stand-ins on loopback',
    });
    report('coldStart.slack.secretsFromSsm.ratio', median(fromSsm) / floor, 'ratio', {
      note: 'as deployed; informational, the target is on coldStart.slack.ratio',
    });
  }
  for (const s of SUBJECTS.filter((x) => !subjects.includes(x)))
    report(`coldStart.${s.name}`, NaN, 'ms', { skipped: `${s.module} is not built` });
}
