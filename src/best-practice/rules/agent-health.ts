import { type AuditRule, type Finding } from '../finding';

/**
 * The oldest ECS agent the audit accepts even when every instance runs it: releases before this
 * one (2023) lack fixes for task ENI handling and credential refresh. Raise it as agents age.
 * https://github.com/aws/amazon-ecs-agent/releases
 */
export const OLDEST_ACCEPTABLE_AGENT = '1.70.0';

/**
 * Container instances whose agent is disconnected (ECS can neither place tasks there nor see what
 * runs there) or older than the newest agent another instance of the cluster runs, or than
 * OLDEST_ACCEPTABLE_AGENT.
 */
export const agentHealth: AuditRule = {
  id: 'agent-health',
  checks: 'container instances with a disconnected or outdated agent',
  check(e) {
    const active = e.instances.filter((i) => i.status === 'ACTIVE' || i.status === 'DRAINING');
    const newest = active
      .flatMap((i) => (i.agentVersion ? [i.agentVersion] : []))
      .reduce<string | undefined>((a, b) => (a === undefined || compareVersions(b, a) > 0 ? b : a), undefined);
    const expected =
      newest !== undefined && compareVersions(newest, OLDEST_ACCEPTABLE_AGENT) > 0 ? newest : OLDEST_ACCEPTABLE_AGENT;
    return active.flatMap((i): Finding[] => {
      const resource = `instance ${i.ec2InstanceId ?? '?'} (container instance ${i.containerInstanceId.slice(0, 12)})`;
      if (!i.agentConnected) {
        return [
          {
            rule: 'agent-health',
            severity: 'high',
            resource,
            problem: 'Its ECS agent is disconnected.',
            why: 'ECS places no new tasks there and no longer knows what its tasks are doing: they may keep running unmonitored or be gone already.',
            fix: 'Look at the instance (`/ecs instance …`, the agent’s log `/var/log/ecs/ecs-agent.log`); restart the agent (`sudo systemctl restart ecs`) or replace the instance.',
          },
        ];
      }
      if (i.agentVersion && compareVersions(i.agentVersion, expected) < 0) {
        return [
          {
            rule: 'agent-health',
            severity: 'low',
            resource,
            problem: `Runs ECS agent ${i.agentVersion}; ${newest === expected ? `other instances here run ${expected}` : `${expected} or newer is expected`}.`,
            why: 'Older agents miss fixes (task networking, credentials, logging) and newer ECS features; mixed versions make one instance behave unlike the others.',
            fix: 'Update the agent (`aws ecs update-container-agent`), or replace the instance with one from the current ECS-optimised AMI.',
          },
        ];
      }
      return [];
    });
  },
};

/** Compares dotted versions numerically ("1.9.0" < "1.10.0"); a missing part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
