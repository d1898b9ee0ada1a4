import { type AuditEvidence } from '../aws/best-practice-evidence';
import { SEVERITIES, type AuditRule, type Finding } from './finding';
import { AUDIT_RULES } from './rules';

export interface AuditResult {
  findings: Finding[];
  counts: Record<Finding['severity'], number>;
  /** What was looked at, for "no findings" to mean something. */
  checked: { services: number; taskDefinitions: number; instances: number; securityGroups: number; rules: number };
}

/** Runs every rule over one cluster's evidence: findings ranked by severity, then by rule order. */
export function auditCluster(evidence: AuditEvidence, rules: readonly AuditRule[] = AUDIT_RULES): AuditResult {
  const ranked = rules.flatMap((rule, order) => rule.check(evidence).map((finding) => ({ finding, order })));
  ranked.sort(
    (a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity) || a.order - b.order,
  );
  const findings = ranked.map((r) => r.finding);
  const counts = { high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return {
    findings,
    counts,
    checked: {
      services: evidence.services.length,
      taskDefinitions: evidence.taskDefinitions.length,
      instances: evidence.instances.length,
      securityGroups: evidence.securityGroups.length,
      rules: rules.length,
    },
  };
}
