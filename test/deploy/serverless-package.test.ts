import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asList, resourceText, resourcesOfType, type Statement, type Template } from './cloudformation';
import { WORKER_TIME_LIMIT_MS } from '../../src/jobs/job';

const ROOT = join(__dirname, '../..');
const STAGE = 'test';
const CONFIG = 'config/example.yaml';

/**
 * `serverless package` (osls) exactly as `npm run package` runs it, into a folder of our own, then
 * what it generated: the CloudFormation template and one zip per function. No login, no AWS call:
 * the test would fail on this machine, which reaches no AWS, if packaging needed either.
 */
let out: string;
let template: Template;

beforeAll(() => {
  if (!['slack', 'worker', 'events'].every((fn) => existsSync(join(ROOT, 'dist', `${fn}.js`)))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }
  out = mkdtempSync(join(tmpdir(), 'ecs-chatops-package-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/osls/bin/serverless.js'),
      'package',
      '--stage',
      STAGE,
      '--package',
      out,
      `--param=config=${CONFIG}`,
    ],
    {
      cwd: ROOT,
      stdio: 'pipe',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeout: 120_000,
    },
  );
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const fn = (name: string) => template.Resources[`${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`]!.Properties;
const env = (name: string) => (fn(name).Environment as { Variables: Record<string, unknown> }).Variables;

/** File names in a zip, from its central directory (PKZIP APPNOTE § 4.3.12). */
function zipEntries(path: string): string[] {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
}

describe('serverless.yml, packaged', () => {
  it.each(['slack', 'worker', 'events'])(
    'the %s function runs its own bundle from dist/ on nodejs22.x, and its zip holds that bundle and the config only',
    (name) => {
      expect(fn(name).Handler).toBe(`dist/${name}.handler`);
      expect(fn(name).Runtime).toBe('nodejs22.x');
      expect(zipEntries(join(out, `${name}.zip`))).toEqual([CONFIG, `dist/${name}.js`].sort());
    },
  );

  it('Slack reaches the slack function at POST /slack/events of an HTTP API', () => {
    const [, route] = resourcesOfType(template, 'AWS::ApiGatewayV2::Route')[0]!;
    expect(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).toHaveLength(1);
    expect(route.Properties.RouteKey).toBe('POST /slack/events');
    const [, integration] = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')[0]!;
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': ['SlackLambdaFunction', 'Arn'] },
    });
    expect(JSON.stringify(template.Outputs?.SlackRequestUrl?.Value)).toContain('/slack/events');
  });

  it('a job handed to the worker runs at most once: Lambda does not retry it', () => {
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').filter(([, r]) =>
      JSON.stringify(r.Properties.FunctionName).includes('WorkerLambdaFunction'),
    );
    expect(configs).toHaveLength(1);
    expect(configs[0]![1].Properties.MaximumRetryAttempts).toBe(0);
  });

  it('the worker’s timeout is the one the stuck-approval sweep and the teardown’s pause assume', () => {
    expect(fn('worker').Timeout).toBe(WORKER_TIME_LIMIT_MS / 1000);
  });

  it('the events function gets the five kinds of ECS event from EventBridge, and a one-minute tick for its sweeper', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const ecs = rules.filter((r) => r.EventPattern);
    expect(ecs).toHaveLength(1);
    expect(ecs[0]!.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': [
        'ECS Task State Change',
        'ECS Service Action',
        'ECS Deployment State Change',
        'ECS Hook State Change',
        'ECS Container Instance State Change',
      ],
    });
    expect(rules.find((r) => r.ScheduleExpression)?.ScheduleExpression).toBe('rate(1 minute)');
    for (const rule of rules) expect(JSON.stringify(rule.Targets)).toContain('EventsLambdaFunction');
  });

  it('the state table is on demand, keyed by the strings pk and sk, and expires items by expiresAt', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    expect(tables[0]![1].Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('every function knows its config file, the state table and where its Slack secrets are; no secret is in the template', () => {
    for (const name of ['slack', 'worker', 'events']) {
      expect(env(name)).toMatchObject({
        CHATOPS_CONFIG: CONFIG,
        STATE_TABLE: { Ref: 'StateTable' },
        SLACK_BOT_TOKEN_PARAM: `ssm:/ecs-chatops/${STAGE}/slack-bot-token`,
      });
    }
    expect(env('slack')).toMatchObject({
      SLACK_SIGNING_SECRET_PARAM: `ssm:/ecs-chatops/${STAGE}/slack-signing-secret`,
      WORKER_FUNCTION: `ecs-chatops-${STAGE}-worker`,
    });
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/xox[abp]-|"SLACK_SIGNING_SECRET"|"SLACK_BOT_TOKEN"/);
  });

  describe('one role per function, each allowed only what that function does', () => {
    const ROLE_OF = { slack: 'SlackRole', events: 'EventsRole', worker: 'WorkerRole' } as const;
    type Fn = keyof typeof ROLE_OF;
    const statementsOf = (name: Fn): Statement[] => {
      const policies = template.Resources[ROLE_OF[name]]!.Properties.Policies as {
        PolicyDocument: { Statement: Statement[] };
      }[];
      return policies.flatMap((p) => p.PolicyDocument.Statement);
    };
    const configRoleArns = (levels?: string[]) => {
      const config = parse(readFileSync(join(ROOT, CONFIG), 'utf8')) as {
        clusters: Record<string, { roles: Record<string, string> }>;
      };
      return [
        ...new Set(
          Object.values(config.clusters).flatMap((c) =>
            Object.entries(c.roles)
              .filter(([level]) => !levels || levels.includes(level))
              .map(([, arn]) => arn),
          ),
        ),
      ].sort();
    };
    const resourceOf = (r: unknown) =>
      typeof r === 'string' ? r : JSON.stringify(r).includes('StateTable') ? 'StateTable' : resourceText(r);
    const stateTable = (r: string) => r === 'StateTable';
    const ownLogs = (name: Fn) => (r: string) => r.endsWith(`:log-group:/aws/lambda/ecs-chatops-${STAGE}-${name}:*`);
    const parameter = (secret: string) => (r: string) => r.endsWith(`:parameter/ecs-chatops/${STAGE}/${secret}`);
    /** kms:Decrypt on any key, but only through SSM and only for the named parameters. */
    const decryptOnly =
      (...secrets: string[]) =>
      (r: string, s: Statement) =>
        r.endsWith(':key/*') &&
        /"kms:ViaService"/.test(JSON.stringify(s.Condition)) &&
        secrets.some((secret) => JSON.stringify(s.Condition).includes(`:parameter/ecs-chatops/${STAGE}/${secret}`));
    const ITEM_ACTIONS = [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
    ];
    const items = Object.fromEntries(ITEM_ACTIONS.map((a) => [a, stateTable]));
    const ALLOWED: Record<Fn, Record<string, (resource: string, s: Statement) => boolean>> = {
      slack: {
        'lambda:InvokeFunction': (r) => r.endsWith(`:function:ecs-chatops-${STAGE}-worker`),
        ...items,
        'ssm:GetParameter': (r) => parameter('slack-signing-secret')(r) || parameter('slack-bot-token')(r),
        'kms:Decrypt': decryptOnly('slack-signing-secret', 'slack-bot-token'),
        'logs:CreateLogStream': ownLogs('slack'),
        'logs:PutLogEvents': ownLogs('slack'),
      },
      events: {
        // The read roles only: CloudWatch metrics for an OOM kill's memory curve.
        'sts:AssumeRole': (r) => configRoleArns(['read']).includes(r),
        'sts:SetSourceIdentity': (r) => configRoleArns(['read']).includes(r),
        'sts:TagSession': (r) => configRoleArns(['read']).includes(r),
        // A deployment started outside Slack is handed to the worker to follow.
        'lambda:InvokeFunction': (r) => r.endsWith(`:function:ecs-chatops-${STAGE}-worker`),
        ...items,
        'ssm:GetParameter': parameter('slack-bot-token'),
        'kms:Decrypt': decryptOnly('slack-bot-token'),
        'logs:CreateLogStream': ownLogs('events'),
        'logs:PutLogEvents': ownLogs('events'),
      },
      worker: {
        'sts:AssumeRole': (r) => configRoleArns().includes(r),
        'sts:SetSourceIdentity': (r) => configRoleArns().includes(r),
        'sts:TagSession': (r) => configRoleArns().includes(r),
        ...items,
        'ssm:GetParameter': parameter('slack-bot-token'),
        'kms:Decrypt': decryptOnly('slack-bot-token'),
        'logs:CreateLogStream': ownLogs('worker'),
        'logs:PutLogEvents': ownLogs('worker'),
      },
    };

    it('there are exactly three roles, and each function runs with its own', () => {
      expect(
        resourcesOfType(template, 'AWS::IAM::Role')
          .map(([id]) => id)
          .sort(),
      ).toEqual(['EventsRole', 'SlackRole', 'WorkerRole']);
      for (const name of ['slack', 'worker', 'events'] as const)
        expect(fn(name).Role).toEqual({ 'Fn::GetAtt': [ROLE_OF[name], 'Arn'] });
      for (const role of Object.values(ROLE_OF)) {
        expect(template.Resources[role]!.Properties.AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        });
      }
    });

    it.each(['slack', 'events', 'worker'] as const)(
      'the %s role allows only its own actions, each on only its own resources',
      (name) => {
        const refused: string[] = [];
        for (const s of statementsOf(name)) {
          expect(s.Effect).toBe('Allow');
          for (const action of asList(s.Action)) {
            for (const resource of asList(s.Resource).map(resourceOf)) {
              if (!ALLOWED[name][action]?.(resource, s)) refused.push(`${action} on ${resource}`);
            }
          }
        }
        expect(refused).toEqual([]);
        // …and every action it is allowed is there: a role missing one would fail at run time.
        const granted = new Set(statementsOf(name).flatMap((s) => asList(s.Action)));
        expect([...granted].sort()).toEqual(Object.keys(ALLOWED[name]).sort());
      },
    );

    it('the worker may assume exactly the cluster roles the config names, the events function only their read roles, the slack function none', () => {
      const sts = statementsOf('worker').filter((s) => asList(s.Action).some((a) => a.startsWith('sts:')));
      expect(sts).toHaveLength(1);
      expect(asList(sts[0]!.Action).sort()).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession']);
      expect(asList(sts[0]!.Resource).sort()).toEqual(configRoleArns());
      const events = statementsOf('events').filter((s) => asList(s.Action).some((a) => a.startsWith('sts:')));
      expect(events).toHaveLength(1);
      expect(asList(events[0]!.Action).sort()).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession']);
      expect(asList(events[0]!.Resource).sort()).toEqual(configRoleArns(['read']));
      expect(
        statementsOf('slack')
          .flatMap((s) => asList(s.Action))
          .filter((a) => a.startsWith('sts:')),
      ).toEqual([]);
    });

    it('the signing secret is readable by the slack function alone', () => {
      for (const name of ['events', 'worker'] as const)
        expect(JSON.stringify(statementsOf(name))).not.toContain('slack-signing-secret');
      expect(JSON.stringify(statementsOf('slack'))).toContain('slack-signing-secret');
    });

    it('no role has a wildcard action, a `*` resource, or any ECS, EC2 or ECR action', () => {
      for (const name of ['slack', 'events', 'worker'] as const) {
        for (const s of statementsOf(name)) {
          for (const action of asList(s.Action)) expect(action).not.toMatch(/\*/);
          for (const resource of asList(s.Resource)) expect(resource).not.toBe('*');
          expect(
            asList(s.Action).some((a) => a.startsWith('ecs:') || a.startsWith('ec2:') || a.startsWith('ecr:')),
          ).toBe(false);
        }
      }
    });

    it("BotRoleArn, the principal the cluster roles trust, is the worker's role", () => {
      expect(template.Outputs?.BotRoleArn?.Value).toEqual({ 'Fn::GetAtt': ['WorkerRole', 'Arn'] });
    });

    it("NotifierRoleArn, the principal the read roles also trust, is the events function's role", () => {
      expect(template.Outputs?.NotifierRoleArn?.Value).toEqual({ 'Fn::GetAtt': ['EventsRole', 'Arn'] });
    });
  });
});

describe('deploy/cluster-role-arns.cjs: the roles the bot may assume, from its config', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS file serverless loads
  const { clusterRoleArns } = require(join(ROOT, 'deploy/cluster-role-arns.cjs')) as {
    clusterRoleArns: (text: string, source?: string) => string[];
  };

  it('lists every level of every cluster once, operate and admin being optional', () => {
    const text = `clusters:
  prod: { name: prod, region: us-east-1, roles: { read: 'arn:aws:iam::111111111111:role/r', operate: 'arn:aws:iam::111111111111:role/o' } }
  dev:  { name: dev,  region: us-east-1, roles: { read: 'arn:aws:iam::111111111111:role/r' } }
`;
    expect(clusterRoleArns(text)).toEqual(['arn:aws:iam::111111111111:role/o', 'arn:aws:iam::111111111111:role/r']);
  });

  it('refuses a config whose role is not an IAM role ARN, naming the key', () => {
    const text = 'clusters:\n  prod: { roles: { read: "*" } }\n';
    expect(() => clusterRoleArns(text, 'config/chatops.yaml')).toThrow(
      /config\/chatops.yaml: clusters.prod.roles.read must be an IAM role ARN/,
    );
  });

  it('refuses a config without clusters, since the bot would have nothing to assume', () => {
    expect(() => clusterRoleArns('teams: {}\n')).toThrow(/no clusters/);
  });
});

describe('deploy/secret-arns.cjs: read and decrypt exactly the stored Slack secrets', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS file serverless loads
  const { secretStatements } = require(join(ROOT, 'deploy/secret-arns.cjs')) as {
    secretStatements: (values: string[]) => Statement[];
  };

  it('an SSM parameter, a Secrets Manager secret by name, and ARNs each name that one resource', () => {
    const resources = secretStatements([
      'ssm:/ecs-chatops/prod/slack-bot-token',
      'secretsmanager:ecs-chatops/prod/slack#botToken',
      'arn:aws:ssm:eu-west-1:111111111111:parameter/other',
    ])
      .filter((s) => !asList(s.Action).includes('kms:Decrypt'))
      .map((s) => [asList(s.Action)[0], resourceText(s.Resource)]);
    expect(resources).toEqual([
      [
        'ssm:GetParameter',
        'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ecs-chatops/prod/slack-bot-token',
      ],
      [
        'secretsmanager:GetSecretValue',
        'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ecs-chatops/prod/slack-??????',
      ],
      ['ssm:GetParameter', 'arn:aws:ssm:eu-west-1:111111111111:parameter/other'],
    ]);
  });

  it('one Secrets Manager secret holding both keys is one statement pair, not two', () => {
    expect(secretStatements(['secretsmanager:s#signingSecret', 'secretsmanager:s#botToken'])).toHaveLength(2);
  });
});
