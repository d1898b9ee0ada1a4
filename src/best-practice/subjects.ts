import { type AuditEvidence, type TaskDefinitionEvidence } from '../aws/best-practice-evidence';

/** How findings name things, so every rule says "service web (web:3)" the same way. */

/** The services running a task definition revision, by name. */
export function servicesUsing(e: AuditEvidence, taskDefinition: string): string[] {
  return e.services.filter((s) => s.taskDefinition === taskDefinition).map((s) => s.name);
}

/** Each task definition the cluster's services run, with the services that run it. */
export function taskDefinitionsInUse(e: AuditEvidence): { td: TaskDefinitionEvidence; services: string[] }[] {
  return e.taskDefinitions
    .map((td) => ({ td, services: servicesUsing(e, td.taskDefinition) }))
    .filter((x) => x.services.length > 0);
}

/** "container web of web:3 (service web)". */
export function containerResource(container: string, taskDefinition: string, services: readonly string[]): string {
  return `container ${container} of ${taskDefinition} (${services.length === 1 ? 'service' : 'services'} ${listed(services)})`;
}

/** "a, b, c and 2 more". */
export function listed(items: readonly string[], max = 3): string {
  if (items.length <= 1) return items.join('');
  if (items.length <= max) return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
