import { type AuditRule } from '../finding';

/** Services deploying without the deployment circuit breaker (ECS rolling updates). */
export const circuitBreaker: AuditRule = {
  id: 'circuit-breaker',
  checks: 'services without the deployment circuit breaker',
  check(e) {
    return e.services
      .filter((s) => !s.circuitBreaker.enable)
      .map((s) => ({
        rule: 'circuit-breaker',
        severity: 'medium' as const,
        resource: `service ${s.name}`,
        problem: 'Deploys without the deployment circuit breaker.',
        why: 'A revision whose tasks never become healthy is retried for hours: the deployment never fails, nobody is told, and capacity is spent on tasks that crash.',
        fix: `Turn it on with rollback: \`aws ecs update-service --cluster ${e.clusterName} --service ${s.name} --deployment-configuration "deploymentCircuitBreaker={enable=true,rollback=true}"\`.`,
      }));
  },
};
