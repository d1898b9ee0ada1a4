import { type AuditEvidence } from '../aws/best-practice-evidence';

/**
 * What an audit rule says about one resource: plain words (the view escapes them for Slack), in
 * the order a reader wants them — what is wrong, why it matters, what to do.
 */
export interface Finding {
  /** The rule's id (its file name), e.g. `open-ports`. */
  rule: string;
  severity: Severity;
  /** The resource in the user's words, e.g. "security group sg-0abc (ssh-anywhere)". */
  resource: string;
  problem: string;
  why: string;
  fix: string;
}

/** high: exposed now (open ports, plaintext secrets, a dead agent); medium: an outage or a risk waiting; low: worth tidying. */
export type Severity = 'high' | 'medium' | 'low';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** One check: a pure function of what was read about a cluster. */
export interface AuditRule {
  id: string;
  /** What it checks, for the "no findings" message and the docs. */
  checks: string;
  check(evidence: AuditEvidence): Finding[];
}
