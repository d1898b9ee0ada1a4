import { z } from 'zod';
import { defineVerb, type CommandContext } from './context';
import { ServiceName, WholeNumber } from '../commands/arguments';
import { type ScalableRange } from '../aws/autoscaling';
import { type ServiceUtilization } from '../aws/metrics';
import { escapeText } from '../text/escape';
import { nothingToDoMessage } from '../slack/views/services';
import { AUTOSCALING_VERB, rangeChangedMessage } from '../slack/views/autoscaling';
import { changeService } from './follow-up';

/** `service SVC` shows CPU and memory over this much time, in periods of this length. */
export const UTILIZATION_WINDOW_MS = 60 * 60_000;
export const UTILIZATION_PERIOD_MS = 2 * 60_000;

/**
 * A read the reply can do without (autoscaling, metrics): its failure is logged and named in the
 * reply instead of failing the whole command.
 */
export async function optionalRead<T>(
  ctx: CommandContext,
  what: string,
  read: () => Promise<T>,
): Promise<{ value?: T; unavailable?: string }> {
  try {
    return { value: await read() };
  } catch (err) {
    const name = err instanceof Error && 'awsErrorName' in err ? String(err.awsErrorName) : 'an error';
    ctx.logger.warn({ err: err instanceof Error ? err.message : String(err), what }, 'optional read failed');
    return { unavailable: `${what} could not be read (${name})` };
  }
}

/** The scalable target of a service, or undefined when none manages it or it cannot be read. */
export async function scalableRange(ctx: CommandContext, service: string): Promise<ScalableRange | undefined> {
  return (await optionalRead(ctx, 'Autoscaling', () => ctx.aws.autoscaling.rangeOf(service))).value;
}

/** CPU and memory of the last hour: one GetMetricData call. */
export function lastHourUtilization(
  ctx: CommandContext,
  service: string,
): Promise<{ value?: ServiceUtilization; unavailable?: string }> {
  const to = ctx.clock.now();
  return optionalRead(ctx, 'CPU and memory', () =>
    ctx.aws.metrics.serviceUtilization(service, {
      from: to - UTILIZATION_WINDOW_MS,
      to,
      periodMs: UTILIZATION_PERIOD_MS,
    }),
  );
}

/**
 * `autoscaling SVC --min N --max N [--scale N]`: changes the range Application Auto Scaling keeps
 * a service in (RegisterScalableTarget), and with --scale its desired count too. Admin, since it
 * changes what autoscaling is allowed to do; it is what the "Scale and set min/max" button of a
 * `scale` outside the range runs.
 */
export const autoscaling = defineVerb({
  verb: AUTOSCALING_VERB,
  level: 'admin',
  summary: 'Change the min/max tasks Application Auto Scaling keeps a service at, and with --scale its desired count',
  usage: 'autoscaling SVC [--min N] [--max N] [--scale N]',
  examples: ['autoscaling worker --min 1', 'autoscaling web --max 8 --scale 6'],
  positionals: [{ name: 'service', label: 'SVC' }],
  options: {
    min: { type: 'string', description: 'the fewest tasks autoscaling may scale in to' },
    max: { type: 'string', description: 'the most tasks autoscaling may scale out to' },
    scale: { type: 'string', description: 'then set the desired count to this' },
  },
  args: z
    .object({
      service: ServiceName,
      min: WholeNumber('--min', 1000).optional(),
      max: WholeNumber('--max', 1000).optional(),
      scale: WholeNumber('--scale', 1000).optional(),
    })
    .refine((a) => a.min !== undefined || a.max !== undefined, {
      path: ['min'],
      message: 'say what to change: --min N, --max N or both',
    })
    .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, {
      path: ['min'],
      message: 'the minimum cannot be above the maximum',
    }),
  visibility: 'in_channel',
  working: ({ service }) => `Looking up ${service} and its autoscaling…`,
  async run(ctx, { service, min, max, scale }) {
    const [before, range] = await Promise.all([
      ctx.aws.services.describe(service),
      ctx.aws.autoscaling.rangeOf(service),
    ]);
    if (!range) {
      await ctx.reply.send(
        nothingToDoMessage(
          `Application Auto Scaling does not manage *${escapeText(service)}* in *${ctx.alias}*, so there is no range to change. Nothing was changed; \`/ecs scale ${escapeText(service)} N\` sets its count.`,
        ),
        { visibility: 'ephemeral' },
      );
      return;
    }
    const after = { min: min ?? range.min, max: max ?? range.max };
    if (after.min > after.max) {
      await ctx.reply.send(
        nothingToDoMessage(
          `*${escapeText(service)}* in *${ctx.alias}* is kept at ${range.min}–${range.max} tasks: a range of ${after.min}–${after.max} is not one. Nothing was changed.`,
        ),
        { visibility: 'ephemeral' },
      );
      return;
    }
    const target = scale === undefined ? undefined : Math.min(after.max, Math.max(after.min, scale));
    await changeService(ctx, service, {
      // The range first: Application Auto Scaling itself moves the count into a new range, and a
      // count set before the range would be pulled back by the old one.
      apply: async () => {
        // Only the bounds asked for: RegisterScalableTarget leaves the others as they are.
        await ctx.aws.autoscaling.setRange(service, {
          ...(min !== undefined ? { min } : {}),
          ...(max !== undefined ? { max } : {}),
        });
        return target === undefined ? ctx.aws.services.describe(service) : ctx.aws.services.scale(service, target);
      },
      announce: (changed) =>
        rangeChangedMessage(
          ctx.alias,
          service,
          range,
          after,
          { from: before.desired, to: changed.desired },
          ctx.user.id,
        ),
    });
  },
});
