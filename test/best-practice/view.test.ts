import { type AuditResult } from '../../src/best-practice/audit';
import { type Finding } from '../../src/best-practice/finding';
import {
  auditDetailMessages,
  auditSingleMessage,
  auditSummaryMessage,
  type ClusterAudit,
} from '../../src/best-practice/view';
import { blockKitProblems } from '../../src/slack/limits';
import fc from 'fast-check';
import { foreignControlsIn, HOSTILE } from '../../testbed/mrkdwn';

/** The audit's messages as Slack gets them: escaped, within Block Kit's limits however much there is. */

function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'open-ports',
    severity: n % 3 === 0 ? 'high' : n % 3 === 1 ? 'medium' : 'low',
    resource: `security group sg-${String(n).padStart(17, '0')} (group ${n})`,
    problem: `SSH (22) open to the whole internet (0.0.0.0/0), used by instance i-${n}.`,
    why: 'Anyone can reach it.'.repeat(20),
    fix: 'Remove the rule.'.repeat(30),
    ...overrides,
  };
}

function result(findings: Finding[]): AuditResult {
  const counts = { high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return { findings, counts, checked: { services: 1, taskDefinitions: 1, instances: 1, securityGroups: 1, rules: 11 } };
}

const cluster = (alias: string, findings: Finding[]): ClusterAudit => ({
  alias,
  region: 'us-east-1',
  result: result(findings),
});

describe('the audit’s Slack messages', () => {
  it('names from AWS are escaped: no mention, link or entity of theirs reaches Slack', () => {
    const hostile = finding(0, {
      resource: 'security group sg-0 (<!channel> & <https://evil.example|login>)',
      problem: 'Runs image `evil:<!here>` — the `latest` tag.',
    });
    const audits = [cluster('prod', [hostile])];
    for (const message of [
      auditSummaryMessage(audits, { threaded: true }),
      ...auditDetailMessages(audits),
      auditSingleMessage(audits),
    ]) {
      expect(foreignControlsIn(message)).toEqual([]);
      expect(blockKitProblems(message)).toEqual([]);
    }
    expect(JSON.stringify(auditDetailMessages(audits))).toContain(
      '(&lt;!channel&gt; &amp; &lt;https://evil.example|login&gt;)',
    );
  });

  it('a cluster with 250 findings: ten to a thread message, at most ten messages, and the summary says how many', () => {
    const audits = [
      cluster(
        'prod',
        Array.from({ length: 250 }, (_, n) => finding(n)),
      ),
    ];
    const summary = auditSummaryMessage(audits, { threaded: true });
    expect(blockKitProblems(summary)).toEqual([]);
    expect(JSON.stringify(summary.blocks)).toContain('…and 242 more');
    const details = auditDetailMessages(audits);
    expect(details).toHaveLength(10);
    for (const m of details) expect(blockKitProblems(m)).toEqual([]);
    expect(JSON.stringify(details[9]!.blocks)).toContain('150 more not shown: fix these first.');
    expect(blockKitProblems(auditSingleMessage(audits))).toEqual([]);
  });

  it('audit --all over 60 clusters: one summary within 50 blocks that still names every cluster, a thread of at most 30 messages', () => {
    const audits = Array.from({ length: 60 }, (_, n) =>
      cluster(
        `c${n}`,
        Array.from({ length: 25 }, (_, k) => finding(k)),
      ),
    );
    const summary = auditSummaryMessage(audits, { threaded: true });
    expect(blockKitProblems(summary)).toEqual([]);
    const shown = JSON.stringify(summary.blocks);
    // The first clusters each get a section; the rest are named in one line with their counts.
    expect(shown).toContain('*c0* · us-east-1 · :red_circle: 9 high');
    expect(shown).toMatch(/Also: c\d+: 9 high, 8 medium, 8 low; .*c59: 9 high, 8 medium, 8 low/);
    expect(summary.text).toContain('c59: 9 high, 8 medium, 8 low');
    const details = auditDetailMessages(audits);
    expect(details).toHaveLength(30);
    expect(details[29]!.text).toMatch(/^151 more messages of findings not posted/);
  });

  it('a cluster that could not be read says why beside the others', () => {
    const audits: ClusterAudit[] = [
      cluster('prod', []),
      { alias: 'lab', region: 'eu-west-1', problem: 'ECS has no cluster `lab` in eu-west-1.' },
    ];
    const summary = auditSummaryMessage(audits, { threaded: true });
    expect(summary.text).toBe('Audit: prod: no findings; lab: not audited');
    expect(JSON.stringify(summary.blocks)).toContain(':warning: Not audited: ECS has no cluster `lab` in eu-west-1.');
    expect(auditDetailMessages(audits)).toEqual([]);
  });

  it('whatever AWS puts in a name, an image or a tag, every message stays escaped and within Block Kit limits', () => {
    const hostile = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE)).map(([a, b]) => `${a}${b}`),
      fc.string({ unit: 'binary', maxLength: 400 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostile, hostile, hostile), { minLength: 1, maxLength: 15 }),
        hostile,
        (parts, alias) => {
          const findings = parts.map(([resource, problem, fix], n) => finding(n, { resource, problem, fix }));
          const audits = [cluster(alias || 'x', findings), cluster('y', findings.slice(0, 2))];
          for (const message of [
            auditSummaryMessage(audits, { threaded: true }),
            auditSummaryMessage(audits.slice(0, 1), { threaded: true }),
            ...auditDetailMessages(audits),
            auditSingleMessage(audits),
          ]) {
            expect(foreignControlsIn(message)).toEqual([]);
            expect(blockKitProblems(message)).toEqual([]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
