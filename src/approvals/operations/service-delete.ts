import { z } from 'zod';
import { type ClusterOps } from '../../aws/access';
import { ChatopsError } from '../../errors';
import { escapeText } from '../../slack/message';
import { type GatedOperation } from '../gated-operation';
import { count } from '../../text/words';
import { tookText } from '../../text/times';
import { drainText } from './drain';

/**
 * `service delete`: scale the service to 0 and delete it, then wait until it is INACTIVE and its
 * tasks have stopped. The steps re-read nothing first: a service already gone is "already deleted".
 */

export const ServiceDeletePlan = z.object({
  kind: z.literal('service delete'),
  service: z.object({ name: z.string(), desired: z.number(), running: z.number(), taskDefinition: z.string() }),
});
export type ServiceDeletePlan = z.infer<typeof ServiceDeletePlan>;

export async function readServiceDeletePlan(aws: ClusterOps, name: string): Promise<ServiceDeletePlan> {
  const service = await aws.services.describe(name);
  return {
    kind: 'service delete',
    service: {
      name: service.name,
      desired: service.desired,
      running: service.running,
      taskDefinition: service.taskDefinition,
    },
  };
}

export const serviceDeleteOperation: GatedOperation<ServiceDeletePlan> = {
  async prepare(env, plan) {
    const name = plan.service.name;
    return {
      ok: true,
      steps: [
        {
          kind: 'delete service',
          label: `Scale \`${escapeText(name)}\` to 0 and delete it`,
          async run() {
            return (await env.aws.services.delete(name)) === 'gone' ? 'already deleted' : undefined;
          },
        },
        {
          kind: 'wait for drain',
          label: `Wait for \`${escapeText(name)}\` to drain`,
          async run(progress) {
            const started = env.clock.now();
            for (;;) {
              // DescribeServices until INACTIVE and its tasks until STOPPED: ListServices stops
              // listing a service as soon as it is DRAINING, so it cannot tell when one is gone.
              const left = await env.aws.cluster.drainState([name], { service: name });
              if (left.services.length === 0 && left.tasks === 0) return `took ${tookText(env.clock.now() - started)}`;
              if (env.clock.now() - started >= env.timing.waitTimeoutMs) {
                throw new ChatopsError(
                  'service_drain_timeout',
                  `\`${escapeText(name)}\` is still draining after ${tookText(env.timing.waitTimeoutMs)} (${drainText(left, 'DRAINING', 'stopping')}); ECS will finish deleting it by itself.`,
                );
              }
              await progress.note(
                left.services.length > 0
                  ? `draining${left.tasks > 0 ? `, ${count(left.tasks, 'task')} stopping` : ''}`
                  : `INACTIVE, ${count(left.tasks, 'task')} stopping`,
              );
              await env.clock.sleep(env.timing.pollMs);
            }
          },
        },
      ],
    };
  },
  summary(plan, _steps, tookMs) {
    return `Service \`${escapeText(plan.service.name)}\` deleted in ${tookText(tookMs)}; its tasks have stopped.`;
  },
};
