import { AwsError } from './errors';
import type { FaultSet } from './faults';
import type { SeededRandom } from './random';
import type { AccessLevel, RoleSeed, StaticAccessKey } from './seed';
import type { AssumedPrincipal, Principal } from './types';

/**
 * Identity and access: who a request's access key belongs to, and whether that principal may
 * do an action on a resource. Keys the sandbox issued through AssumeRole map to a session of a
 * seeded role; any other key is the bot's own base role, which may only assume roles.
 */

const READ_ACTIONS = [
  'ecs:Describe*',
  'ecs:List*',
  'ec2:Describe*',
  'ecr:Describe*',
  'ecr:List*',
  'ecr:BatchGetImage',
  'ecr:GetAuthorizationToken',
  'logs:Get*',
  'logs:Describe*',
  'logs:FilterLogEvents',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'cloudwatch:GetMetricData',
  'elasticloadbalancing:Describe*',
];

export const LEVEL_ACTIONS: Record<AccessLevel, readonly string[]> = {
  read: READ_ACTIONS,
  operate: [
    ...READ_ACTIONS,
    'ecs:UpdateService',
    'ecs:StopServiceDeployment',
    'ecs:ContinueServiceDeployment',
    'ecs:RunTask',
    'ecs:StartTask',
    'ecs:StopTask',
    'ecs:RegisterTaskDefinition',
  ],
  admin: [
    'ecs:*',
    'ec2:Describe*',
    'ec2:TerminateInstances',
    'ecr:*',
    'elasticloadbalancing:Describe*',
    'logs:Get*',
    'logs:Describe*',
    'logs:FilterLogEvents',
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DescribeScalingPolicies',
    'application-autoscaling:RegisterScalableTarget',
    'cloudwatch:GetMetricData',
  ],
};

/** Calls IAM never denies: anyone may ask who they are. */
const ALWAYS_ALLOWED = new Set(['sts:GetCallerIdentity']);
const BASE_ALLOWED = new Set(['sts:AssumeRole', 'sts:GetCallerIdentity']);

/** A resource an action touches: its ARN, and the ECS cluster it lives in, for role scoping. */
export interface AuthResource {
  arn: string;
  cluster?: string;
}

export interface Session {
  principal: AssumedPrincipal;
  role: RoleSeed;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  assumedRoleId: string;
}

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  sourceIdentity?: string;
  durationSeconds?: number;
  tags: Record<string, string>;
}

export class Iam {
  readonly baseRoleArn: string;
  private readonly roles = new Map<string, RoleSeed>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly accountId: string,
    roles: readonly RoleSeed[],
    private readonly ids: SeededRandom,
    private readonly faults: FaultSet,
    baseRoleArn?: string,
    staticKeys: readonly StaticAccessKey[] = [],
  ) {
    this.baseRoleArn = baseRoleArn ?? `arn:aws:iam::${accountId}:role/ecs-chatops-bot`;
    for (const role of roles) this.roles.set(role.arn, role);
    for (const key of staticKeys) {
      const role = this.roles.get(key.roleArn);
      if (!role) throw new Error(`access key ${key.accessKeyId} names unknown role ${key.roleArn}`);
      const sessionName = key.sessionName ?? 'cli';
      this.sessions.set(key.accessKeyId, {
        principal: { kind: 'assumed', roleArn: role.arn, sessionName, tags: {} },
        role,
        accessKeyId: key.accessKeyId,
        secretAccessKey: '',
        sessionToken: '',
        expiresAt: Infinity,
        assumedRoleId: `AROA${stableId(role.arn)}:${sessionName}`,
      });
    }
  }

  /** The principal behind an access key, and when its credentials expire (base keys never do). */
  identify(accessKeyId: string | undefined): { principal: Principal; expiresAt?: number } {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (!session) return { principal: { kind: 'base' } };
    return {
      principal: session.principal,
      expiresAt: Number.isFinite(session.expiresAt) ? session.expiresAt : undefined,
    };
  }

  /** The ARN AWS names a principal by in error messages and GetCallerIdentity. */
  callerArn(principal: Principal): string {
    const role = principal.kind === 'base' ? this.baseRoleArn : principal.roleArn;
    const session = principal.kind === 'base' ? roleName(this.baseRoleArn) : principal.sessionName;
    return `arn:aws:sts::${this.accountId}:assumed-role/${roleName(role)}/${session}`;
  }

  callerUserId(principal: Principal): string {
    if (principal.kind === 'base') return `AROA${stableId(this.baseRoleArn)}:${roleName(this.baseRoleArn)}`;
    return `AROA${stableId(principal.roleArn)}:${principal.sessionName}`;
  }

  /**
   * Throws `deniedCode` with AWS's wording unless the principal may do `action` on every resource.
   * An injected accessDenied fault denies the same way.
   */
  authorize(
    principal: Principal,
    action: string,
    resources: readonly AuthResource[],
    deniedCode: string,
    messagePrefix = '',
  ): void {
    const arns = resources.map((r) => r.arn);
    const denied = this.faults.denies(action, arns) ? (arns[0] ?? '*') : this.firstDenied(principal, action, resources);
    if (denied === undefined) return;
    throw new AwsError(
      deniedCode,
      `${messagePrefix}User: ${this.callerArn(principal)} is not authorized to perform: ${action} on resource: ${denied} because no identity-based policy allows the ${action} action`,
      { status: deniedCode === 'AccessDenied' || deniedCode === 'UnauthorizedOperation' ? 403 : 400 },
    );
  }

  assumeRole(caller: Principal, input: AssumeRoleInput, now: number): Session {
    const role = this.roles.get(input.roleArn);
    // Only the base role is trusted by the chat-ops roles: no role chaining.
    const trusted =
      caller.kind === 'base' &&
      role !== undefined &&
      (role.externalId === undefined || role.externalId === input.externalId);
    if (!trusted) {
      throw new AwsError(
        'AccessDenied',
        `User: ${this.callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`,
        { status: 403 },
      );
    }
    const duration = input.durationSeconds ?? 3600;
    if (duration > (role.maxSessionDurationSeconds ?? 3600)) {
      throw new AwsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const accessKeyId = `ASIA${this.ids.hex(16).toUpperCase()}`;
    const session: Session = {
      principal: {
        kind: 'assumed',
        roleArn: role.arn,
        sessionName: input.sessionName,
        ...(input.sourceIdentity === undefined ? {} : { sourceIdentity: input.sourceIdentity }),
        tags: input.tags,
      },
      role,
      accessKeyId,
      secretAccessKey: this.ids.hex(40),
      sessionToken: `IQoJb3JpZ2luX2VjE${this.ids.hex(120)}`,
      expiresAt: now + duration * 1000,
      assumedRoleId: `AROA${stableId(role.arn)}:${input.sessionName}`,
    };
    this.sessions.set(accessKeyId, session);
    return session;
  }

  private firstDenied(principal: Principal, action: string, resources: readonly AuthResource[]): string | undefined {
    const wildcard = resources.length === 0 ? '*' : undefined;
    if (ALWAYS_ALLOWED.has(action)) return undefined;
    if (principal.kind === 'base') return BASE_ALLOWED.has(action) ? undefined : (wildcard ?? resources[0]?.arn);
    const role = this.roles.get(principal.roleArn);
    if (!role) return wildcard ?? resources[0]?.arn;
    const allowed = role.actions ?? LEVEL_ACTIONS[role.level];
    if (!allowed.some((pattern) => actionMatches(pattern, action))) return wildcard ?? resources[0]?.arn;
    const outsideFamilies =
      role.taskDefinitionFamilies && FAMILY_SCOPED.has(action)
        ? resources.find((r) => !inPatterns(r.arn, ':task-definition/', role.taskDefinitionFamilies!, /:[^:]*$/))
        : undefined;
    if (outsideFamilies) return outsideFamilies.arn;
    // ECR authorizes the unfiltered DescribeRepositories against `*`: deploy/cluster-roles.yaml leaves it account-wide.
    const outsideRepositories =
      role.repositories && action.startsWith('ecr:') && action !== 'ecr:DescribeRepositories'
        ? resources.find((r) => !inPatterns(r.arn, ':repository/', role.repositories!))
        : undefined;
    if (outsideRepositories) return outsideRepositories.arn;
    if (role.clusters === '*') return undefined;
    if (role.createClusters && action.toLowerCase() === 'ecs:createcluster') return undefined;
    const scope = role.clusters;
    return resources.find((r) => r.cluster !== undefined && !scope.includes(r.cluster))?.arn;
  }
}

/**
 * The actions IAM authorizes on the task definition's ARN (the Service Authorization Reference
 * lists no resource for DescribeTaskDefinition or the lists, so a role scoped to some families
 * still reads them all, as in AWS).
 */
const FAMILY_SCOPED = new Set([
  'ecs:RegisterTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'ecs:RunTask',
  'ecs:StartTask',
]);

/** Whether the name after `marker` in an ARN (less `strip`, e.g. a revision) matches one of the patterns; ARNs of other kinds pass. */
function inPatterns(arn: string, marker: string, patterns: readonly string[], strip?: RegExp): boolean {
  const at = arn.indexOf(marker);
  if (at < 0) return true;
  const name = arn.slice(at + marker.length).replace(strip ?? /$^/, '');
  return patterns.some((p) => wildcard(p).test(name));
}

/** IAM resource wildcards, case-sensitive (unlike actions): `*` any run, `?` one character. */
function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c)))
      .join('')}$`,
  );
}

/** IAM action patterns: 'ecs:*', 'ecs:Describe*', 'ecs:UpdateService' (case-insensitive, as IAM). */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  return re.test(action);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** A role's unique id (AROA…), stable for its ARN. */
function stableId(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return (h.toString(36).toUpperCase() + 'EXAMPLEROLEID').slice(0, 17).padEnd(17, 'X');
}
