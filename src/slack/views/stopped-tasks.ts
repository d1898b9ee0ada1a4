import { type Button } from '@slack/types';
import { sliceWhole } from '../../unicode';
import { commandButton } from '../message';
import { type TaskInfo } from '../../aws/tasks';
import { exitCodeMeaning, exitFromAgentStop } from '../../text/exit-codes';
import { stopCodeText } from '../../text/stop-causes';
import { count, plural } from '../../text/words';

/** One reason, as many stopped tasks share it. */
export interface StopReason {
  text: string;
  count: number;
}

/** Reasons listed before "and N other reasons"; each one is at most REASON_MAX characters. */
export const STOP_REASONS_SHOWN = 5;
const REASON_MAX = 400;

/**
 * Why one task stopped, the same words for every task that stopped the same way: ECS's
 * stoppedReason (or the stop code in words), then each container that exited badly or has a reason
 * of its own, e.g. "Essential container in task exited — worker exit 137: killed (SIGKILL) — often
 * out of memory (OutOfMemoryError: Container killed due to memory usage)".
 */
export function stopReason(task: TaskInfo): string {
  const base = task.stoppedReason ?? stopCodeText(task.stopCode);
  // Exit 143/137 from the agent's own SIGTERM/SIGKILL (the other containers of a task whose essential one exited) is not why it stopped.
  const failed = task.containers.filter(
    (c) =>
      (c.exitCode !== undefined && c.exitCode !== 0 && !exitFromAgentStop(task.stopCode, c)) ||
      (c.reason !== undefined && c.reason !== base),
  );
  // An essential container that exited 0 (or of a signal) still stopped the task: say so rather than nothing.
  const shown =
    failed.length > 0
      ? failed
      : task.stopCode === 'EssentialContainerExited'
        ? task.containers.filter((c) => c.exitCode !== undefined)
        : [];
  const parts = shown.map((c) => {
    const reason = c.reason !== undefined && c.reason !== base ? c.reason : undefined;
    if (c.exitCode === undefined) return `${c.name}: ${reason ?? 'no exit code'}`;
    const meaning = exitCodeMeaning(c.exitCode);
    return `${c.name} exit ${c.exitCode}${meaning ? `: ${meaning}` : ''}${reason ? ` (${reason})` : ''}`;
  });
  return parts.length > 0 ? `${base} — ${parts.join('; ')}` : base;
}

/** Stopped tasks (newest first) → their reasons, deduplicated and counted, in the order of their newest stop. */
export function stopReasons(tasks: readonly TaskInfo[]): StopReason[] {
  const byText = new Map<string, StopReason>();
  for (const task of tasks) {
    const text = stopReason(task);
    const seen = byText.get(text);
    if (seen) seen.count += 1;
    else byText.set(text, { text, count: 1 });
  }
  return [...byText.values()];
}

/**
 * "3 tasks stopped: REASON" or "5 tasks stopped: 3 × REASON; 2 × OTHER" (plain text; `escape`
 * makes each reason safe for mrkdwn), at most STOP_REASONS_SHOWN reasons, each within REASON_MAX.
 */
export function stoppedTasksLine(
  tasks: readonly TaskInfo[],
  escape: (text: string) => string = (t) => t,
): { summary: string; reasons: string[] } {
  const reasons = stopReasons(tasks);
  const summary = `${count(tasks.length, 'task')} stopped`;
  const clip = (text: string) => escape(text.length <= REASON_MAX ? text : `${sliceWhole(text, REASON_MAX - 1)}…`);
  const shown =
    reasons.length === 1
      ? [clip(reasons[0]!.text)]
      : reasons.slice(0, STOP_REASONS_SHOWN).map((r) => `${r.count} × ${clip(r.text)}`);
  if (reasons.length > STOP_REASONS_SHOWN) {
    const rest = reasons.slice(STOP_REASONS_SHOWN);
    const count = rest.reduce((n, r) => n + r.count, 0);
    shown.push(`${count} more for ${rest.length} other ${plural(rest.length, 'reason')}`);
  }
  return { summary, reasons: shown };
}

/**
 * Why? (on the newest stopped task, `/ecs why TASK`; on the service when no task is named), Stopped
 * tasks and Logs: what a message that says tasks stopped offers next.
 */
export function stoppedTaskButtons(alias: string, service: string, newestTask: string | undefined): Button[] {
  return [
    commandButton('Why?', alias, 'why', [newestTask ?? service]),
    commandButton('Stopped tasks', alias, 'tasks', ['--service', service, '--stopped']),
    commandButton('Logs', alias, 'logs', [service]),
  ];
}
