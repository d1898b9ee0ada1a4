import { parseArgs } from 'node:util';
import { ConfigError } from '../errors';

export interface PlaygroundFlags {
  help: boolean;
  config?: string;
  scenario?: string;
  speed?: number;
  colour: boolean;
  user?: string;
  channel?: string;
}

export const DEFAULT_CONFIG = 'config/playground.yaml';
export const DEFAULT_SPEED = 60;

export const PLAYGROUND_HELP = `npm start — the ecs-chatops playground: a Slack chat against a simulated AWS account

With no Slack token set, npm start opens a terminal chat with the real bot: you type what you
would type in Slack, the bot answers as it would there, and an AWS account with ECS clusters
lives on this machine (127.0.0.1 only; nothing reaches the network, no AWS credentials needed).

Usage: npm start [-- options]

Options:
  --config FILE     your own config (YAML, see config/example.yaml) instead of
                    config/playground.yaml; it still runs against the simulated account,
                    whose clusters are demo-prod and demo-staging
  --scenario NAME   how the simulated account behaves: demo (default: the worker is
                    OOM-killed now and then), calm (nothing crashes), crashloop (the
                    worker keeps crashing); or the path of a YAML file like scenarios/*.yaml
  --speed N         how much faster simulated time runs than real time (default 60:
                    a simulated minute per second; 1 = real time)
  --no-color        plain output (also when NO_COLOR is set or output is not a terminal)
  --user NAME       who you are at the start (default alice); /as NAME switches
  --channel NAME    where you are at the start (default #web); /channel NAME switches
  -h, --help        this text

In the chat:
  /ecs …            a command, exactly as in Slack: /ecs services, /ecs scale web 3
  /click N          press button [N] (/click approve presses the newest Approve button)
  /as NAME          become someone else (to approve alice's request as bob)
  /channel NAME     go to another channel (#alerts gets demo-prod's notifications)
  /wait [TIME]      let simulated time pass (e.g. /wait 10m): the clock jumps ahead, so
                    /wait 24h takes seconds; Ctrl-C stops it where it is
  /help, /quit

When input is not a terminal, it reads one line at a time, waits for the work each line starts,
and exits at the end of input:  printf '/ecs services\\n' | npm start
The bot's own JSON logs (one audit line per command) are off; LOG_LEVEL=info sends them to stderr.
`;

export function parsePlaygroundFlags(argv: readonly string[]): PlaygroundFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        config: { type: 'string' },
        scenario: { type: 'string' },
        speed: { type: 'string' },
        'no-color': { type: 'boolean' },
        'no-colour': { type: 'boolean' },
        user: { type: 'string' },
        channel: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(
      `${err instanceof Error ? err.message : String(err)}\nnpm start -- --help lists the options.`,
    );
  }
  const flags: PlaygroundFlags = {
    help: values.help === true,
    colour: values['no-color'] !== true && values['no-colour'] !== true,
  };
  if (typeof values.config === 'string') flags.config = values.config;
  if (typeof values.scenario === 'string') flags.scenario = values.scenario;
  if (typeof values.user === 'string') flags.user = values.user;
  if (typeof values.channel === 'string') flags.channel = values.channel;
  if (typeof values.speed === 'string') {
    const speed = Number(values.speed);
    if (!Number.isFinite(speed) || speed <= 0 || speed > 3600)
      throw new ConfigError(`--speed must be a number above 0 and at most 3600, got "${values.speed}".`);
    flags.speed = speed;
  }
  return flags;
}
