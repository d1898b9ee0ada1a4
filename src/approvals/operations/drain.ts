import { escapeText } from '../../slack/message';
import { count } from '../../text/words';

/**
 * What a delete is still waiting for, as teardown and `service delete` say it while they wait:
 * "2 services draining (web, api) and 3 tasks stopping".
 */
export function drainText(left: { services: string[]; tasks: number }, draining: string, stopping: string): string {
  const parts: string[] = [];
  if (left.services.length > 0)
    parts.push(
      `${count(left.services.length, 'service')} ${draining} (${escapeText(left.services.slice(0, 5).join(', '))}${left.services.length > 5 ? ', …' : ''})`,
    );
  if (left.tasks > 0) parts.push(`${count(left.tasks, 'task')} ${stopping}`);
  return parts.join(' and ');
}
