import type { StartCheck } from './context';
import type { TaskRecord } from './records';
import type { SecretSeed } from '../seed';

export type { SecretSeed } from '../seed';

/**
 * Secrets Manager secrets and SSM parameters a task definition's `secrets` name, and which task
 * execution roles may read them. The agent fetches them with the execution role before any
 * container starts; one the role may not read stops the task before it runs, with the words
 * Fargate writes ("Troubleshooting ResourceInitializationError errors in Amazon ECS", ECS
 * Developer Guide; "Pass sensitive data to an Amazon ECS container"). Secrets the seed does not
 * list are assumed to exist and be readable, as images of other registries are.
 */

export function secretsCheck(seeds: readonly SecretSeed[], accountId: string, region: string): StartCheck {
  return (task: TaskRecord) => {
    for (const c of task.taskDefinition.containerDefinitions) {
      for (const s of c.secrets ?? []) {
        const arn = toArn(s.valueFrom ?? '', accountId, region);
        const seed = seeds.find((x) => x.arn === arn);
        if (!seed) continue;
        const ssm = /^arn:[^:]+:ssm\b/.test(arn);
        const role = task.taskDefinition.executionRoleArn;
        const where = ssm ? 'unable to retrieve secrets from ssm' : 'unable to retrieve secret from asm';
        const prefix = `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ${where}: service call has been retried 1 time(s):`;
        if (seed.missing) {
          return ssm
            ? `${prefix} invalid parameters: ${arn.replace(/^.*:parameter/, '')}`
            : `${prefix} failed to fetch secret ${arn} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`;
        }
        if (seed.readers && !(role && seed.readers.includes(role))) {
          const action = ssm ? 'ssm:GetParameters' : 'secretsmanager:GetSecretValue';
          const who = role
            ? `arn:aws:sts::${accountId}:assumed-role/${role.split('/').pop()}/${task.id}`
            : `arn:aws:sts::${accountId}:assumed-role/AWSServiceRoleForECS/${task.id}`;
          return `${prefix} ${ssm ? '' : `failed to fetch secret ${arn} from secrets manager: `}AccessDeniedException: User: ${who} is not authorized to perform: ${action} on resource: ${arn} because no identity-based policy allows the ${action} action`;
        }
      }
    }
    return undefined;
  };
}

/** valueFrom may be an SSM parameter's name (same Region) instead of its ARN. */
function toArn(valueFrom: string, accountId: string, region: string): string {
  if (valueFrom.startsWith('arn:')) return valueFrom;
  return `arn:aws:ssm:${region}:${accountId}:parameter/${valueFrom.replace(/^\//, '')}`;
}
