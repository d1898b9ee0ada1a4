import { type KnownBlock } from '@slack/types';
import { exitCodeMeaning } from '../../text/exit-codes';
import { explainStop } from '../../text/stop-causes';
import { escapeText, section } from '../message';

/** Parts of a task that the task views, the follow-ups and notifications all show. */

/** What the container lines need of a container, from DescribeTasks or a Task State Change event. */
export interface ContainerFacts {
  name: string;
  image?: string;
  lastStatus?: string;
  exitCode?: number;
  reason?: string;
}

/**
 * One container of a task, for a list of them. `detail` (the task view) leads with the name,
 * image and status; `event` (a notification) is shorter: name, exit code and why,
 * and says so when there is no exit code.
 */
export function containerLine(c: ContainerFacts, style: 'detail' | 'event'): string {
  const meaning = c.exitCode === undefined ? undefined : exitCodeMeaning(c.exitCode);
  const reason = c.reason ? [escapeText(c.reason)] : [];
  if (style === 'detail') {
    const head = `*${escapeText(c.name)}*${c.image ? ` \`${escapeText(c.image)}\`` : ''} — ${escapeText(c.lastStatus ?? 'unknown')}`;
    const exit = c.exitCode === undefined ? [] : [`exit code *${c.exitCode}*${meaning ? `: ${meaning}` : ''}`];
    return [head, ...exit, ...reason].join(', ');
  }
  const exit =
    c.exitCode === undefined ? 'no exit code' : `exit ${c.exitCode}${meaning ? ` — ${escapeText(meaning)}` : ''}`;
  return [`\`${escapeText(c.name)}\``, exit, ...reason].join(' · ');
}

/** The :bulb: line that says why a task stopped, when the cause is one we can explain; else nothing. */
export function stopCauseBlocks(
  task: { stopCode?: string; stoppedReason?: string; containers: readonly { reason?: string }[] },
  inService: boolean,
): KnownBlock[] {
  const why = explainStop({
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    reasons: task.containers.flatMap((c) => (c.reason ? [c.reason] : [])),
    inService,
  });
  return why ? [section(`:bulb: ${escapeText(why)}`)] : [];
}
