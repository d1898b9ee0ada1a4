import { type Logger } from '../logger';
import { type Job } from './job';

/** Hands a job to the worker. */
export interface JobDispatcher {
  dispatch(job: Job): Promise<void>;
  /** Resolves when every job dispatched so far has finished (in-process only; tests, playground). */
  drain(): Promise<void>;
}

/**
 * Runs jobs in this process, after the current request has been acknowledged. For local use,
 * the playground and tests; on Lambda the worker function is invoked instead.
 */
export function createInProcessDispatcher(run: (job: Job) => Promise<void>, logger: Logger): JobDispatcher {
  const running = new Set<Promise<void>>();
  return {
    async dispatch(job) {
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(job))
        .catch((err: unknown) => logger.error({ err, jobId: job.id }, 'job failed'))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async drain() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

export interface LambdaInvoker {
  invokeAsync(functionName: string, payload: string): Promise<void>;
}

/** An async Lambda invoke (InvocationType Event) of the worker function. */
export function createLambdaDispatcher(options: {
  functionName: string;
  invoker: LambdaInvoker;
  logger: Logger;
}): JobDispatcher {
  return {
    async dispatch(job) {
      await options.invoker.invokeAsync(options.functionName, JSON.stringify(job));
      options.logger.debug({ jobId: job.id, worker: options.functionName }, 'job dispatched');
    },
    async drain() {},
  };
}
