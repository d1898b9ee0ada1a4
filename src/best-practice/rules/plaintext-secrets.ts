import { type AuditRule } from '../finding';
import { containerResource, listed, taskDefinitionsInUse } from '../subjects';

/**
 * Environment variables whose NAME says they hold a secret, passed as plain `environment` values
 * (readable by anyone who may describe the task definition, and in every revision forever).
 * A name is a secret's when one of its words (split at `_`, `-`, `.`) is PASSWORD, PASSWD, PWD,
 * SECRET, TOKEN, CREDENTIAL(S) or PRIVATEKEY, or its last word is KEY or APIKEY (API_KEY,
 * ACCESS_KEY, STRIPE_SECRET_KEY — but not CACHE_KEY_PREFIX). Values are never read.
 */
export const plaintextSecrets: AuditRule = {
  id: 'plaintext-secrets',
  checks: 'secrets passed as plain environment values',
  check(e) {
    return taskDefinitionsInUse(e).flatMap(({ td, services }) =>
      td.containers.flatMap((c) => {
        const names = c.environmentNames.filter(looksLikeSecret);
        if (names.length === 0) return [];
        return [
          {
            rule: 'plaintext-secrets',
            severity: 'high' as const,
            resource: containerResource(c.name, td.taskDefinition, services),
            problem: `Passes ${listed(
              names.map((n) => `\`${n}\``),
              5,
            )} as plain environment ${names.length === 1 ? 'value' : 'values'}.`,
            why: 'Plain environment values are part of the task definition: anyone who may describe it (the console, the CLI, this bot’s read role) reads them, and every old revision keeps them.',
            fix: 'Store each in Secrets Manager or SSM Parameter Store, name it under the container’s `secrets` (valueFrom) instead of `environment`, give the execution role read access to it, and rotate the value that was exposed.',
          },
        ];
      }),
    );
  },
};

const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
]);
const SECRET_LAST_WORDS = new Set(['KEY', 'APIKEY']);

export function looksLikeSecret(name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[_.-]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  return words.some((w) => SECRET_WORDS.has(w)) || (last !== undefined && SECRET_LAST_WORDS.has(last));
}
