import { type AuditEvidence, type ServiceEvidence } from '../../aws/best-practice-evidence';
import { type AuditRule } from '../finding';
import { listed } from '../subjects';

/**
 * More than one environment's services in one cluster (the best practice: a cluster, and an
 * account if you can, per environment). A service's environment is, first found:
 * 1. its tag `environment`, `env` or `stage` (any case),
 * 2. a word of its name (split at `-`, `_`, `.`): prod/production/prd, staging/stage/stg,
 *    dev/development, test/qa/uat,
 * 3. the cluster's own tag of those keys.
 * Services with none of these are not counted. Tag values are normalised with the same words
 * (`Production` → prod); an unknown value counts as itself.
 */
export const mixedEnvironments: AuditRule = {
  id: 'mixed-environments',
  checks: 'services of more than one environment in one cluster',
  check(e) {
    const byEnvironment = new Map<string, string[]>();
    for (const s of e.services) {
      const env = environmentOf(s, e);
      if (env) byEnvironment.set(env, [...(byEnvironment.get(env) ?? []), s.name]);
    }
    if (byEnvironment.size < 2) return [];
    const parts = [...byEnvironment].map(([env, names]) => `${env}: ${listed(names)}`);
    return [
      {
        rule: 'mixed-environments',
        severity: 'medium' as const,
        resource: `cluster ${e.clusterName}`,
        problem: `Runs services of ${byEnvironment.size} environments — ${parts.join('; ')}.`,
        why: 'A mistake or a load spike in one environment reaches the other: shared instances, shared capacity, and one IAM scope for both (a staging deploy role can touch production).',
        fix: 'Give each environment its own cluster (and account, if you can), and move the services that do not belong here.',
      },
    ];
  },
};

const ENV_TAGS = new Set(['environment', 'env', 'stage']);
const WORDS: Record<string, string> = {
  prod: 'prod',
  production: 'prod',
  prd: 'prod',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  dev: 'dev',
  development: 'dev',
  test: 'test',
  qa: 'test',
  uat: 'test',
};

export function environmentOf(s: ServiceEvidence, e: Pick<AuditEvidence, 'clusterTags'>): string | undefined {
  const tagged = tagEnvironment(s.tags);
  if (tagged) return tagged;
  const fromName = s.name
    .toLowerCase()
    .split(/[-_.]+/)
    .map((w) => WORDS[w])
    .find(Boolean);
  return fromName ?? tagEnvironment(e.clusterTags);
}

function tagEnvironment(tags: Record<string, string>): string | undefined {
  const value = Object.entries(tags)
    .find(([k]) => ENV_TAGS.has(k.toLowerCase()))?.[1]
    ?.trim();
  if (!value) return undefined;
  return WORDS[value.toLowerCase()] ?? value.toLowerCase();
}
