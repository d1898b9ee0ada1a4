import { parseArgs } from 'node:util';
import pino from 'pino';
import { RealClock } from './clock';
import { DEMO_OPERATOR_KEY, demoAccount, startSandbox } from './index';

/**
 * Runs the sandbox with the demo account until Ctrl-C:
 *   tsx src/sandbox/cli.ts --port 4566 [--speed 60] [--events]
 */
const HELP = `Usage: tsx src/sandbox/cli.ts [options]

A simulated AWS account (STS, ECS, EC2, ECR, CloudWatch Logs, ELBv2) on loopback, seeded with the demo account.

Options:
  --port N     port to listen on (default 4566; 0 = any free port)
  --host H     address to bind (default 127.0.0.1)
  --speed N    run simulated time N times faster than real time (default 1)
  --seed N     seed for ids and crashes (default 1)
  --events     print each ECS EventBridge event as it happens
  -h, --help   show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      events: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  const speed = Number(values.speed);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${values.speed}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

  const logger = pino({ level: 'warn' });
  const sandbox = await startSandbox({
    host: values.host,
    port,
    clock: new RealClock(speed),
    account: demoAccount(),
    seed,
    logger,
  }).catch((error: unknown) => {
    throw portProblem(error, values.host, port) ?? error;
  });
  if (values.events) {
    sandbox.onEvent((e) => {
      const d = e.detail;
      const what =
        'lastStatus' in d
          ? `${d.lastStatus}${'stopCode' in d && d.stopCode ? ` (${d.stopCode})` : ''}`
          : 'eventName' in d
            ? d.eventName
            : '';
      process.stdout.write(`${e.time} ${e['detail-type']}: ${e.resources.join(' ')} ${what}\n`);
    });
  }
  const timer = setInterval(() => sandbox.tick(), 250);

  process.stdout.write(
    [
      `Sandbox AWS account ${sandbox.accountId} (${sandbox.region}) listening on ${sandbox.url}${speed === 1 ? '' : ` at ${speed}x speed`}`,
      `The demo's clusters, instances and repositories are in ${sandbox.region}; other Regions start empty.`,
      '',
      'Environment for the SDK or the AWS CLI (the operator key is admin on every cluster;',
      "any other key is the bot's base role, which may only call sts:AssumeRole):",
      `  export AWS_ENDPOINT_URL=${sandbox.url}`,
      `  export AWS_ACCESS_KEY_ID=${DEMO_OPERATOR_KEY.accessKeyId}`,
      `  export AWS_SECRET_ACCESS_KEY=${DEMO_OPERATOR_KEY.secretAccessKey}`,
      `  export AWS_REGION=${sandbox.region} AWS_DEFAULT_REGION=${sandbox.region}`,
      '',
      'Try:',
      `  aws --endpoint-url ${sandbox.url} ecs list-services --cluster demo-prod`,
      `  aws --endpoint-url ${sandbox.url} ecs describe-services --cluster demo-prod --services web`,
      `  aws --endpoint-url ${sandbox.url} ecr describe-images --repository-name worker`,
      `  aws --endpoint-url ${sandbox.url} logs filter-log-events --log-group-name /ecs/worker --filter-pattern '"out of memory"'`,
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await sandbox.stop();
    process.stdout.write(`\nSandbox stopped (${signal}).\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** A port that is taken or not ours to use, said with which one and how to pick another. */
function portProblem(error: unknown, host: string, port: number): Error | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const choose = `Choose another with --port N (npm run sandbox -- --port ${port === 4566 ? 4567 : port + 1}), or --port 0 for any free port.`;
  if (code === 'EADDRINUSE')
    return new Error(
      `Port ${port} on ${host} is already in use (another sandbox, or LocalStack, which also uses 4566?). ${choose}`,
    );
  if (code === 'EACCES')
    return new Error(`Port ${port} on ${host} needs privileges this user does not have. ${choose}`);
  if (code === 'EADDRNOTAVAIL')
    return new Error(`${host} is not an address of this machine; --host 127.0.0.1 is the usual one.`);
  return undefined;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
