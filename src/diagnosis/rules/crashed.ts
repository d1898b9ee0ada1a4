import {
  type Rule,
  containerQuote,
  failingContainer,
  logLinesOf,
  ranForMs,
  shortDuration,
  stopQuote,
} from '../evidence';

/** A container that exits this soon after the task started crashed while starting up. */
export const START_UP_MS = 2 * 60 * 1000;

/**
 * The essential container exited on its own with an error code (1, 2, … not a signal ECS sent):
 * soon after the start it is a start-up crash; either way its last log lines say why.
 */
export const crashed: Rule = (e) => {
  const task = e.task;
  if (!task || task.stopCode !== 'EssentialContainerExited') return undefined;
  const c = failingContainer(task);
  if (!c || c.exitCode === undefined || c.exitCode === 0 || c.exitCode === 143) return undefined;
  if (c.exitCode === 137 && /memory/i.test(c.reason ?? '')) return undefined;
  const ran = ranForMs(task);
  const early = ran !== undefined && ran < START_UP_MS;
  const lines = logLinesOf(e, c.name);
  const quotes = [stopQuote(task), containerQuote(c)];
  if (ran !== undefined) quotes.push(`it ran for ${shortDuration(ran)}`);
  const logs = e.logs?.find((l) => l.container === c.name);
  if (!lines) {
    quotes.push(
      logs?.kind === 'not-awslogs'
        ? `${c.name} does not log to CloudWatch Logs (log driver ${logs.driver ?? 'none'}), so its last lines cannot be shown`
        : `no log lines of ${c.name} could be read`,
    );
  }
  const family = e.taskDefinition?.family ?? task.taskDefinition.split(':')[0];
  const serviceHint = task.service
    ? ` If a deploy brought this, \`/ecs rollback ${task.service}\` goes back to the revision before.`
    : '';
  return {
    rule: early ? 'start-up-crash' : 'crash',
    cause: early
      ? `The application in ${c.name} crashed at start-up: it exited with code ${c.exitCode} ${shortDuration(ran)} after the task started.`
      : `The application in ${c.name} exited with code ${c.exitCode}${ran !== undefined ? ` after running ${shortDuration(ran)}` : ''}: it stopped on its own, with an error.`,
    fix: `Its last log lines below say why (a missing setting, a dependency it cannot reach, a bad command). Fix that in the image or in ${family}'s environment and deploy again.${serviceHint}`,
    quotes,
    ...(lines ? { logLines: { container: c.name, lines } } : {}),
  };
};
