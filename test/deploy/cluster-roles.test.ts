import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asList, readCloudFormationYaml, resourceText, type Statement, type Template } from './cloudformation';

const ROOT = join(__dirname, '../..');
const template = readCloudFormationYaml(join(ROOT, 'deploy/cluster-roles.yaml'));

const LEVELS = ['read', 'operate', 'admin'] as const;
type Level = (typeof LEVELS)[number];
const ROLE_OF: Record<Level, string> = { read: 'ReadRole', operate: 'OperateRole', admin: 'AdminRole' };

/** What each level's verbs call (the command table in README.md), level by level, each adding to the one below. */
const READ = [
  'ecs:ListClusters',
  'ecs:DescribeClusters',
  'ecs:ListContainerInstances',
  'ecs:DescribeContainerInstances',
  'ec2:DescribeInstances',
  // audit: the security groups of the instances and task ENIs, their rules, the services' subnets
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSubnets',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListServiceDeployments',
  'ecs:DescribeServiceDeployments',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'ecr:DescribeRepositories',
  'ecr:DescribeImages',
  'ecr:ListImages',
  'logs:DescribeLogStreams',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'cloudwatch:GetMetricData',
  // why
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcEndpoints',
];
const OPERATE = [
  'ecs:UpdateService',
  'ecs:StopServiceDeployment',
  'ecs:ContinueServiceDeployment',
  'ecs:RegisterTaskDefinition',
  'ecs:RunTask',
  'ecs:StartTask',
  'ecs:StopTask',
  'ecs:TagResource',
  'iam:PassRole',
];
const ADMIN = [
  'ecs:CreateCluster',
  'ecs:CreateService',
  'ecs:DeleteService',
  'ecs:DeregisterTaskDefinition',
  'ecr:BatchDeleteImage',
  'ecr:DeleteRepository',
  'ecs:DeregisterContainerInstance',
  'ec2:TerminateInstances',
  'ecs:DeleteCluster',
  'application-autoscaling:RegisterScalableTarget',
];
const EXPECTED: Record<Level, string[]> = {
  read: READ,
  operate: [...READ, ...OPERATE],
  admin: [...READ, ...OPERATE, ...ADMIN],
};

/**
 * Actions IAM gives no resource form (Service Authorization Reference), so `*` is the only
 * Resource they take; and actions scoped by the ecs:cluster condition key instead of a resource.
 */
// ecr:DescribeRepositories has a resource form, but ECR authorizes the unfiltered list (`repos`) against `*`.
const NO_RESOURCE_FORM = new Set([
  'ecs:ListClusters',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSubnets',
  'ecr:DescribeRepositories',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'cloudwatch:GetMetricData',
  // A scalable target's ARN is a random id; the service's own ecs:UpdateService is what is checked.
  'application-autoscaling:RegisterScalableTarget',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcEndpoints',
]);
const SCOPED_BY_CLUSTER_CONDITION = new Set(['ecs:ListServices', 'ecs:ListTasks']);
const CLUSTER_ARN = 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}';

/** The statements of every managed policy attached to the level's role. */
function statementsOf(level: Level, t: Template = template): Statement[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
    .filter((r) =>
      asList(r.Properties.Roles as unknown[]).some((ref) => (ref as { Ref?: string }).Ref === ROLE_OF[level]),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (level: Level) => new Set(statementsOf(level).flatMap((s) => asList(s.Action)));
const trustOf = (level: Level) =>
  (template.Resources[ROLE_OF[level]]!.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

describe('deploy/cluster-roles.yaml: the read, operate and admin roles of one cluster', () => {
  it.each(LEVELS)("the %s role may do exactly what that level's verbs need", (level) => {
    expect([...actionsOf(level)].sort()).toEqual([...EXPECTED[level]].sort());
  });

  it('read cannot scale, restart, deploy, run or stop anything', () => {
    const read = actionsOf('read');
    for (const action of OPERATE) expect(read).not.toContain(action);
    expect(read).not.toContain('ecs:UpdateService');
  });

  it('operate cannot delete the cluster, a service, an image or a repository, nor create one', () => {
    const operate = actionsOf('operate');
    for (const action of ADMIN) expect(operate).not.toContain(action);
    expect(operate).not.toContain('ecs:DeleteCluster');
  });

  it('only Allow statements, and no action is a wildcard', () => {
    for (const level of LEVELS) {
      for (const s of statementsOf(level)) {
        expect(s.Effect).toBe('Allow');
        for (const action of asList(s.Action)) expect(action).not.toMatch(/\*/);
      }
    }
  });

  it("ECS actions name this cluster's ARNs, and `*` is used only where IAM has no resource form or the ecs:cluster condition scopes it", () => {
    for (const s of statementsOf('admin')) {
      const resources = asList(s.Resource).map(resourceText);
      const actions = asList(s.Action);
      if (resources.includes('*')) {
        expect(resources).toEqual(['*']);
        const scoped = JSON.stringify(s.Condition ?? {}).includes('ecs:cluster');
        for (const action of actions) {
          expect({
            action,
            allowedStar: NO_RESOURCE_FORM.has(action) || (SCOPED_BY_CLUSTER_CONDITION.has(action) && scoped),
          }).toEqual({ action, allowedStar: true });
        }
        if (actions.some((a) => SCOPED_BY_CLUSTER_CONDITION.has(a)))
          expect(JSON.stringify(s.Condition)).toContain(CLUSTER_ARN);
        continue;
      }
      for (const resource of resources) {
        expect(resource).toMatch(/^arn:\$\{AWS::Partition\}:/);
        if (!resource.includes(':ecs:')) continue;
        // A task definition belongs to the account, not a cluster: only the cluster's families,
        // and RunTask/StartTask carry the ecs:cluster condition too.
        if (resource.endsWith(':task-definition/${Families}:*')) {
          if (actions.some((a) => a === 'ecs:RunTask' || a === 'ecs:StartTask'))
            expect(JSON.stringify(s.Condition)).toContain(CLUSTER_ARN);
          continue;
        }
        expect(resource).toMatch(
          /:(cluster\/\$\{ClusterName\}|(service|service-deployment|task|container-instance)\/\$\{ClusterName\}\/\*)$/,
        );
      }
    }
  });

  it('iam:PassRole is granted only at operate and admin, and only for passing to ecs-tasks.amazonaws.com', () => {
    expect(actionsOf('read')).not.toContain('iam:PassRole');
    for (const level of ['operate', 'admin'] as const) {
      const passRole = statementsOf(level).filter((s) => asList(s.Action).includes('iam:PassRole'));
      expect(passRole).toHaveLength(1);
      expect(asList(passRole[0]!.Action)).toEqual(['iam:PassRole']);
      expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      expect(resourceText(passRole[0]!.Resource)).toBe(
        'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${TaskRoles}',
      );
    }
  });

  it('ecs:TagResource is allowed only while creating, never on an existing resource', () => {
    const tagging = statementsOf('operate').filter((s) => asList(s.Action).includes('ecs:TagResource'));
    expect(tagging).toHaveLength(1);
    expect(tagging[0]!.Condition).toMatchObject({
      StringEquals: { 'ecs:CreateAction': expect.arrayContaining(['RegisterTaskDefinition', 'RunTask']) },
    });
  });

  it.each(LEVELS)(
    "the %s role trusts only the bot's role (read: and the events function's, when given), with sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession",
    (level) => {
      const trust = trustOf(level);
      for (const s of trust) {
        expect(s.Effect).toBe('Allow');
        expect(s.Principal).toEqual(
          level === 'read'
            ? {
                AWS: {
                  'Fn::If': ['HasNotifier', [{ Ref: 'BotRoleArn' }, { Ref: 'NotifierRoleArn' }], { Ref: 'BotRoleArn' }],
                },
              }
            : { AWS: { Ref: 'BotRoleArn' } },
        );
      }
      expect(trust.flatMap((s) => asList(s.Action)).sort()).toEqual([
        'sts:AssumeRole',
        'sts:SetSourceIdentity',
        'sts:TagSession',
      ]);
    },
  );

  it.each(LEVELS)('the %s role requires the ExternalId on AssumeRole when one is set, and only then', (level) => {
    const assume = trustOf(level).find((s) => asList(s.Action).includes('sts:AssumeRole'))!;
    expect(asList(assume.Action)).toEqual(['sts:AssumeRole']);
    expect(assume.Condition).toEqual({
      'Fn::If': [
        'HasExternalId',
        { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } }, Null: { 'sts:SourceIdentity': 'false' } },
        { Null: { 'sts:SourceIdentity': 'false' } },
      ],
    });
    expect(template.Parameters?.ExternalId?.Default).toBe('');
  });

  it.each(LEVELS)(
    'the %s role cannot be assumed without a SourceIdentity (the Slack user), with or without an ExternalId',
    (level) => {
      for (const s of trustOf(level)) {
        const branches = (s.Condition as { 'Fn::If'?: unknown[] })['Fn::If']?.slice(1) ?? [s.Condition];
        for (const condition of branches) expect(condition).toMatchObject({ Null: { 'sts:SourceIdentity': 'false' } });
      }
    },
  );

  it('session tags are limited to the keys the bot sets when it assumes a role (src/aws/credentials.ts)', () => {
    const source = readFileSync(join(ROOT, 'src/aws/credentials.ts'), 'utf8');
    const keysTheBotSets = [...source.matchAll(/Key: '([^']+)'/g)].map((m) => m[1]).sort();
    expect(keysTheBotSets.length).toBeGreaterThan(0);
    for (const level of LEVELS) {
      const tagging = trustOf(level).find((s) => asList(s.Action).includes('sts:TagSession'))!;
      const allowed = (tagging.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringEquals']![
        'aws:TagKeys'
      ]!;
      expect([...allowed].sort()).toEqual(keysTheBotSets);
    }
  });

  it('the outputs are the three role ARNs the config names, and role names follow PREFIX-CLUSTER-LEVEL', () => {
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(['AdminRoleArn', 'OperateRoleArn', 'ReadRoleArn']);
    for (const level of LEVELS) {
      expect(template.Resources[ROLE_OF[level]]!.Properties.RoleName).toEqual({
        'Fn::Sub': `\${RoleNamePrefix}-\${ClusterName}-${level}`,
      });
    }
  });

  describe('what a cluster owns in its account: task definition families, ECR repositories, task roles', () => {
    /** The `!Sub [template, { VAR: !If [Condition, !Sub default, !Ref Parameter] }]` of a resource. */
    const variablesOf = (resource: unknown) =>
      ((resource as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'] ?? [])[1] ?? {};
    const ownedBy: [RegExp, string, string, string, string][] = [
      [
        /^(ecs:RunTask|ecs:StartTask|ecs:RegisterTaskDefinition|ecs:DeregisterTaskDefinition)$/,
        'task-definition/${Families}:*',
        'Families',
        'DefaultFamilies',
        'TaskDefinitionFamilyPattern',
      ],
      [
        /^ecr:(?!DescribeRepositories)/,
        'repository/${Repositories}',
        'Repositories',
        'DefaultRepositories',
        'EcrRepositoryPattern',
      ],
      [/^iam:PassRole$/, 'role/${TaskRoles}', 'TaskRoles', 'DefaultTaskRoles', 'TaskRolePattern'],
    ];
    const DEFAULTS: Record<string, string> = {
      Families: '${ClusterName}-*',
      Repositories: '${ClusterName}/*',
      TaskRoles: '${ClusterName}-*',
    };

    it.each(
      ownedBy.map(
        ([actions, suffix, variable, condition, parameter]) =>
          [String(actions), suffix, variable, condition, parameter] as const,
      ),
    )(
      '%s name only the pattern of the cluster (%s), which defaults to a name derived from the cluster, never `*`',
      (actions, suffix, variable, condition, parameter) => {
        const pattern = new RegExp(actions.slice(1, -1));
        const statements = statementsOf('admin').filter((s) => asList(s.Action).some((a) => pattern.test(a)));
        expect(statements.length).toBeGreaterThan(0);
        for (const s of statements) {
          const owned = asList(s.Resource).filter((r) => resourceText(r).includes(`:${suffix.split('/')[0]!}/`));
          expect(owned.length).toBeGreaterThan(0);
          for (const resource of owned) {
            expect(resourceText(resource).endsWith(`:${suffix}`)).toBe(true);
            expect(variablesOf(resource)[variable]).toEqual({
              'Fn::If': [condition, { 'Fn::Sub': DEFAULTS[variable] }, { Ref: parameter }],
            });
          }
          expect(asList(s.Resource).map(resourceText)).not.toContain('*');
        }
        expect(template.Parameters?.[parameter]?.Default).toBe('');
      },
    );

    it('no statement lets a role reach every task definition, repository or role of the account', () => {
      for (const s of statementsOf('admin')) {
        for (const resource of asList(s.Resource).map(resourceText))
          expect(resource).not.toMatch(/:(task-definition|repository|role)\/\*$/);
      }
    });

    it.each(['TaskDefinitionFamilyPattern', 'EcrRepositoryPattern', 'TaskRolePattern'])(
      'the %s parameter takes a narrower pattern, but not a bare `*`',
      (parameter) => {
        const allowed = new RegExp(template.Parameters?.[parameter]?.AllowedPattern ?? '');
        expect(allowed.test('*')).toBe(false);
        expect(allowed.test('')).toBe(true);
        expect(allowed.test('staging-*')).toBe(true);
      },
    );

    it('says in words what IAM cannot scope, and why', () => {
      const text = readFileSync(join(ROOT, 'deploy/cluster-roles.yaml'), 'utf8');
      for (const limit of [
        'DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies',
        'ecr:DescribeRepositories',
        'UpdateService and CreateService',
        'ec2:TerminateInstances',
        'imageRegistries',
      ]) {
        expect(text).toContain(limit);
      }
    });
  });
});
