import { type Rule } from '../evidence';

/**
 * The scheduler could not place a task: which requirement no instance met (ECS's service event
 * names the closest match's shortfall: CPU, memory, a port, an attribute), with what each
 * instance has free. The words come from src/verbs/explanations.ts, shared with the follow-ups.
 */
export const placement: Rule = (e) => {
  const p = e.placement;
  if (!p) return undefined;
  const message = p.event.message;
  const requirement = /already using a port/i.test(message)
    ? 'port'
    : /insufficient CPU/i.test(message)
      ? 'CPU'
      : /insufficient memory/i.test(message)
        ? 'memory'
        : /attribute/i.test(message)
          ? 'attribute'
          : /ENI/i.test(message)
            ? 'network interface (ENI)'
            : /no container instances/i.test(message)
              ? 'instances'
              : undefined;
  const needs = [
    p.needs.cpu !== undefined ? `${p.needs.cpu} CPU units` : undefined,
    p.needs.memory !== undefined ? `${p.needs.memory} MiB` : undefined,
    p.needs.hostPorts.length > 0 ? `host port ${p.needs.hostPorts.join(', ')}` : undefined,
  ].filter(Boolean);
  const quotes = [`ECS: ${message}`];
  if (needs.length > 0) quotes.push(`one task needs ${needs.join(', ')}`);
  for (const i of p.instances.slice(0, 10)) {
    quotes.push(
      `instance ${i.ec2InstanceId ?? i.id}${i.instanceType ? ` (${i.instanceType})` : ''}: ${i.remainingCpu} of ${i.registeredCpu} CPU units free, ${i.remainingMemory} of ${i.registeredMemory} MiB free, ${i.runningTasks} tasks${i.status !== 'ACTIVE' ? `, ${i.status}` : ''}${i.agentConnected ? '' : ', agent disconnected'}`,
    );
  }
  if (p.instances.length > 10) quotes.push(`and ${p.instances.length - 10} more instances`);
  if (p.instances.length === 0) quotes.push('the cluster has no container instances');
  return {
    rule: 'placement',
    cause: `ECS could not place a task${requirement ? `: no instance met its ${requirement} requirement` : ''} — ${p.explanation}`,
    fix:
      requirement === 'attribute'
        ? 'Check the placement constraints and the task definition’s requiresAttributes against the instances (instance type, AMI, agent capabilities), or add an instance that has them.'
        : requirement === 'CPU' || requirement === 'memory'
          ? `Add container instances (or larger ones), or lower the task's ${requirement === 'CPU' ? 'cpu' : 'memory'} in a new revision.`
          : requirement === 'network interface (ENI)'
            ? 'Turn on ENI trunking (the awsvpcTrunking account setting), use instance types with more network interfaces, or add container instances.'
            : requirement === 'port'
              ? 'Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.'
              : 'Add container instances, or make the task need less of what the event names.',
    quotes,
  };
};
