import { z } from 'zod';
import { defineVerb } from './context';
import { parseEcsId } from '../commands/ecs-ids';
import { diagnose } from '../diagnosis/diagnose';
import { gatherEvidence } from '../diagnosis/gather';
import { diagnosisMessage } from '../diagnosis/message';
import { placementReason } from './explanations';

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

const Target = z
  .string()
  .refine(
    (text) => SERVICE_NAME.test(text) || parseEcsId(text, 'task') !== undefined,
    'name a task (its id, the first 8 characters of it, or its ARN) or a service',
  );

/**
 * `why TASK|SVC`: the cause of a stop (or of a service that is not where it should be) and its
 * fix, with the evidence quoted. The Why? button of notifications and follow-ups runs this verb.
 */
export const why = defineVerb({
  verb: 'why',
  level: 'read',
  summary:
    'Say why a task stopped or a service is failing: the cause, the fix, and the evidence from ECS, the logs and the load balancer',
  usage: 'why TASK|SVC',
  examples: ['why 4f6e2a1c', 'why worker', 'why web -c staging'],
  positionals: [{ name: 'target', label: 'TASK|SVC' }],
  args: z.object({ target: Target }),
  visibility: 'ephemeral',
  working: ({ target }) => `Looking into why ${target} failed…`,
  async run(ctx, { target }) {
    const evidence = await gatherEvidence(
      {
        aws: ctx.aws,
        now: ctx.clock.now(),
        ownsRepository: (name) => ctx.ownership.repository(name, 'why'),
        placementReason: (service, message) => placementReason(ctx, service, message),
      },
      target,
    );
    const diagnosis = diagnose(evidence);
    ctx.logger.info({ target, rule: diagnosis.rule, unread: evidence.unread.length }, 'why: diagnosed');
    await ctx.reply.send(diagnosisMessage(ctx.alias, evidence, diagnosis));
  },
});
