import { createAwsAccess, type AwsAccess, type AwsAccessOptions } from '../aws/access';
import { type CommandTiming } from '../verbs/context';
import { VERBS } from '../verbs';
import { type WorkerDeps } from '../worker/run-job';
import { DEPLOYED_COMMAND_TIMING } from './command-timing';

/** What differs between the worker Lambda, `npm start`, the playground, the tests and the bench. */
export interface WorkerWiring extends Pick<
  WorkerDeps,
  'config' | 'logger' | 'clock' | 'state' | 'slack' | 'approvalTiming' | 'jobMaxAgeMs' | 'replierFor'
> {
  /** The AWS clients' endpoint and retries, and the bot's own credentials; the SDK's defaults otherwise. */
  awsClients?: Pick<AwsAccessOptions, 'clientConfig' | 'stsConfig'>;
  /** Role sessions made another way (the playground renews them by simulated time); wins over `awsClients`. */
  aws?: AwsAccess;
  /** Follow-up timing; each one left out is as deployed. */
  timing?: Partial<CommandTiming>;
}

/** The worker's dependencies: the one place they are put together, with the deployed defaults. */
export function buildWorkerDeps(wiring: WorkerWiring): WorkerDeps {
  const { awsClients, aws, timing, config, clock, logger, ...rest } = wiring;
  return {
    ...rest,
    config,
    clock,
    logger,
    aws: aws ?? createAwsAccess({ config, clock, logger, ...awsClients }),
    verbs: VERBS,
    timing: { ...DEPLOYED_COMMAND_TIMING, ...timing },
  };
}
