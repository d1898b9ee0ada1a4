import { type KnownBlock } from '@slack/types';
import { type ScalableRange, type ScalingPolicyInfo } from '../../aws/autoscaling';
import { type MetricSeries, type ServiceUtilization } from '../../aws/metrics';
import {
  actions,
  button,
  commandButton,
  confirmDialog,
  context,
  escapeText,
  section,
  truncate,
  type SlackMessage,
} from '../message';
import { sparkline } from '../../text/sparkline';

/** The action id of the Cancel button of a scale offer (src/listeners/scale-offer.ts). */
export const SCALE_OFFER_CANCEL = 'scale-offer:cancel';
/** The admin verb a scale offer's button runs (src/verbs/autoscaling.ts). */
export const AUTOSCALING_VERB = 'autoscaling';
/** Characters of a sparkline in `service`: an hour of one-minute points merged two by two. */
const SPARK_WIDTH = 30;

/** "Autoscaling: 2–4 tasks · worker-cpu-60 keeps average CPU at 60 %" — the range and the policies, one line. */
export function scalingLine(range: ScalableRange): string {
  const policies = range.policies.map(policyWords);
  return truncate(
    `*Autoscaling:* ${range.min}–${range.max} tasks${policies.length > 0 ? ` · ${policies.join(' · ')}` : ' · no scaling policy'}`,
    300,
  );
}

function policyWords(p: ScalingPolicyInfo): string {
  const name = escapeText(p.name);
  if (p.type === 'TargetTrackingScaling' && p.targetValue !== undefined) {
    const percent = p.metric === 'ECSServiceAverageCPUUtilization' || p.metric === 'ECSServiceAverageMemoryUtilization';
    return `${name} keeps ${escapeText(metricWords(p.metric))} at ${p.targetValue}${percent ? ' %' : ''}`;
  }
  return `${name} (${escapeText(p.type.replace(/Scaling$/, ' scaling').toLowerCase())})`;
}

function metricWords(metric: string | undefined): string {
  switch (metric) {
    case 'ECSServiceAverageCPUUtilization':
      return 'average CPU';
    case 'ECSServiceAverageMemoryUtilization':
      return 'average memory';
    case 'ALBRequestCountPerTarget':
      return 'requests per target';
    default:
      return metric ?? 'its metric';
  }
}

/**
 * CPU and memory of the last hour: the average of the averages and the highest maximum, and the
 * maximum's curve (a peak is what a person looks for), as a sparkline from 0 to 100 %.
 */
export function utilizationBlock(u: ServiceUtilization, windowMs: number): KnownBlock {
  const minutes = Math.round(windowMs / 60_000);
  const line = (label: string, m: { average: MetricSeries; maximum: MetricSeries }) => {
    if (m.average.values.length === 0 && m.maximum.values.length === 0) return `${label} no data`;
    const avg = mean(m.average.values);
    const max = m.maximum.values.length > 0 ? Math.max(...m.maximum.values) : avg;
    return `${label} \`${sparkline(m.maximum.values, { width: SPARK_WIDTH })}\` avg ${percent(avg)} · max ${percent(max)}`;
  };
  return section(
    `*CPU and memory, last ${minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60 === 1 ? 'hour' : `${minutes / 60} hours`}` : `${minutes} min`}*\n${line('CPU', u.cpu)}\n${line('Memory', u.memory)}`,
  );
}

/** The memory curve before an OOM kill, for a stop notification: "Memory before: ▃▄▅▆▇█ max 99 %". */
export function memoryBeforeLine(memory: MetricSeries): string | undefined {
  if (memory.values.length === 0) return undefined;
  return `Memory before it: \`${sparkline(memory.values, { width: SPARK_WIDTH })}\` max ${percent(Math.max(...memory.values))}`;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function percent(value: number): string {
  return `${Math.round(value)} %`;
}

/**
 * `scale SVC N` outside the autoscaling range: nothing is changed; the offer says why, and offers
 * to scale and move the bound (admin, through the same path as a typed `autoscaling` command),
 * or Cancel. The buttons carry only the cluster and the words of that command (and, for the
 * first, that its reply to the channel replaces the offer).
 */
export function scaleOfferMessage(
  alias: string,
  service: string,
  current: number,
  count: number,
  range: ScalableRange,
  userId: string,
): SlackMessage {
  const bound = count < range.min ? 'min' : 'max';
  const backTo = bound === 'min' ? range.min : range.max;
  const name = `*${escapeText(service)}* in *${alias}*`;
  const text = `${name} is managed by Application Auto Scaling, which keeps it at ${range.min}–${range.max} tasks: scaling it to ${count} would not last, autoscaling would put it back to ${backTo}. Nothing was changed (desired is ${current}).`;
  const label = `Scale and set ${bound} to ${count}`;
  return {
    text: text.replace(/[*`]/g, ''),
    blocks: [
      section(`:warning: ${text}`),
      context(
        `asked by <@${userId}> · ${label.toLowerCase()} needs *admin* on *${alias}* (it changes the scalable target: \`/ecs autoscaling ${escapeText(service)} --${bound} ${count} --scale ${count}\`)`,
      ),
      actions(`scale-offer:${service}`, [
        commandButton(
          label,
          alias,
          AUTOSCALING_VERB,
          [service, `--${bound}`, String(count), '--scale', String(count)],
          {
            style: 'primary',
            // The admin's scale replaces the offer (who did what); a refusal leaves it for an admin.
            replaceOriginal: true,
            confirm: confirmDialog(
              `${label}?`,
              truncate(
                `This sets the ${bound === 'min' ? 'minimum' : 'maximum'} of ${escapeText(service)}'s scalable target in ${alias} to ${count} (it is ${backTo}), then its desired count to ${count}.`,
                300,
              ),
              label,
            ),
          },
        ),
        button('Cancel', SCALE_OFFER_CANCEL, JSON.stringify({ cluster: alias, service })),
      ]),
    ],
  };
}

/** The context line of a scale inside the range: autoscaling may still change it. */
export function autoscalingMayChangeIt(range: ScalableRange): string {
  const policies = range.policies.length > 0 ? ` (${range.policies.map(policyWords).join('; ')})` : '';
  return truncate(
    `Application Auto Scaling manages this service: it keeps ${range.min}–${range.max} tasks${policies} and may change the count again.`,
    300,
  );
}

/** `autoscaling SVC --min/--max [--scale]` was done: the old and new range, and the count. */
export function rangeChangedMessage(
  alias: string,
  service: string,
  before: ScalableRange,
  after: { min: number; max: number },
  desired: { from: number; to: number } | undefined,
  userId: string,
): SlackMessage {
  const changes = [
    ...(before.min !== after.min ? [`min ${before.min} → ${after.min}`] : []),
    ...(before.max !== after.max ? [`max ${before.max} → ${after.max}`] : []),
    ...(desired && desired.from !== desired.to ? [`desired ${desired.from} → ${desired.to}`] : []),
  ];
  const text = `*${escapeText(service)}* in *${alias}*: ${changes.length > 0 ? changes.join(', ') : 'nothing to change'}`;
  return {
    text: text.replace(/[*`]/g, ''),
    blocks: [
      section(text),
      context(`by <@${userId}> · Application Auto Scaling now keeps it at ${after.min}–${after.max} tasks`),
    ],
  };
}
