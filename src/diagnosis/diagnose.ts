import {
  type Diagnosis,
  type Evidence,
  type Rule,
  containerQuote,
  logLinesOf,
  failingContainer,
  stopQuote,
} from './evidence';
import { RULES } from './rules';

/**
 * The cause the evidence shows, by the first rule that recognises it; otherwise what was checked
 * and the raw reasons, never a guess. A service with nothing wrong says so.
 */
export function diagnose(evidence: Evidence, rules: readonly Rule[] = RULES): Diagnosis {
  for (const rule of rules) {
    const found = rule(evidence);
    if (found) return found;
  }
  const task = evidence.task;
  if (!task && evidence.service) return healthyOrUnknownService(evidence);
  return unknown(evidence);
}

function healthyOrUnknownService(evidence: Evidence): Diagnosis {
  const s = evidence.service!;
  const steady = s.running === s.desired && s.pending === 0 && s.deployments.length <= 1;
  const quotes = [
    `${s.name}: ${s.running}/${s.desired} running, ${s.pending} pending, ${s.deployments.length} deployment${s.deployments.length === 1 ? '' : 's'}`,
  ];
  const latest = [...s.events].sort((a, b) => b.createdAt - a.createdAt)[0];
  if (latest) quotes.push(`latest event: ${latest.message}`);
  if (steady && evidence.unread.length > 0) {
    return {
      rule: 'unknown',
      cause: `Nothing ECS reports explains a failure of ${s.name}, but some of what I needed could not be read (below), so I cannot say it is healthy.`,
      fix: 'Nothing to fix with confidence. The read role may lack a permission (deploy/cluster-roles.yaml lists what `why` needs).',
      quotes,
    };
  }
  if (steady) {
    return {
      rule: 'nothing-wrong',
      cause: `Nothing is wrong with ${s.name} that ECS reports: its tasks are running, none stopped on its own in the last hour, and no task is waiting to be placed.`,
      fix: 'Nothing to fix. For a task that stopped more than an hour ago, ECS no longer has it; its logs (`/ecs logs`) may still say what happened.',
      quotes,
    };
  }
  return {
    rule: 'unknown',
    cause: `${s.name} is not where it should be, but no stopped task, placement failure or failing health check explains it.`,
    fix: 'Nothing found to fix with confidence; the facts below are what ECS reports. `/ecs service` shows it as it changes.',
    quotes,
  };
}

function unknown(evidence: Evidence): Diagnosis {
  const task = evidence.task;
  const quotes: string[] = [];
  if (task) {
    quotes.push(stopQuote(task));
    for (const c of task.containers) quotes.push(containerQuote(c));
  }
  const failing = task ? failingContainer(task) : undefined;
  const lines = failing ? logLinesOf(evidence, failing.name) : undefined;
  const running = task?.lastStatus !== 'STOPPED' && task?.desiredStatus !== 'STOPPED';
  return {
    rule: 'unknown',
    cause:
      task && running
        ? `Task ${task.id.slice(0, 8)} has not stopped (${task.lastStatus}): there is no failure to explain yet.`
        : 'The cause is not one I recognise, so I will not guess. These are the raw reasons ECS gave.',
    fix: 'Nothing to fix with confidence. The reasons and log lines below are what AWS reported.',
    quotes,
    ...(failing && lines ? { logLines: { container: failing.name, lines } } : {}),
  };
}
