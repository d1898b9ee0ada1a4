import { ECSClient, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { type AccountSeed } from '../src/sandbox';
import { type Clock } from '../src/clock';
import { type StoredMessage } from '../src/slack/standin/server';
import { getApprovalRequest } from '../src/approvals/store';
import { type ApprovalRequest } from '../src/approvals/types';
import { startHarness, type Harness, type HarnessOptions } from './harness';
import { ACCOUNT_ID, roleArn, testAccount } from './accounts';
import { CHANNELS, testConfig, USERS } from './config';
import { assumeRole, clientConfig } from './sandbox';

/**
 * The world of the approval tests: the usual `prod` and `staging`, and `lab` — the cluster that
 * gets torn down — with 3 services on 2 instances, 2 ECR repositories the config lists for it
 * and one it does not.
 *
 * Who is who (on top of testbed/config.ts):
 * - alice: admin on `lab` (team lab-admins) — she asks.
 * - bob: team platform (admin everywhere), an approver.
 * - erin: team platform too: a second approver.
 * - dave: team auditors, an approver team, but only read on `lab`.
 * - carol: team web, operate — not an approver.
 */
export const APPROVAL_USERS = { ...USERS, erin: 'U0ERIN', dave: 'U0DAVE' } as const;
export const OPS = CHANNELS.ops; // #ops defaults to lab
export const LAB_REPOSITORIES = ['lab/web', 'lab/api'];

export function approvalsConfigYaml(
  options: { verbs?: string[]; runAs?: 'requester' | 'approver'; expires?: string } = {},
): string {
  const roles = (c: string) =>
    `{ read: ${roleArn(c, 'read')}, operate: ${roleArn(c, 'operate')}, admin: ${roleArn(c, 'admin')} }`;
  return `
clusters:
  prod: { name: prod, region: us-east-1, roles: ${roles('prod')} }
  staging: { name: staging, region: us-east-1, roles: ${roles('staging')} }
  lab:
    name: lab
    region: us-east-1
    roles: ${roles('lab')}
    ecrRepositories: [${LAB_REPOSITORIES.join(', ')}]
    taskDefinitionFamilies: ["lab-*"]
    repositories: ["keep/*"]
teams:
  web:
    usergroups: [S0WEB]
    users: [${USERS.carol}]
    access: { prod: operate, staging: operate, lab: operate }
  lab-admins:
    users: [${USERS.alice}]
    access: { lab: admin }
  platform:
    usergroups: [S0PLATFORM]
    users: [${APPROVAL_USERS.erin}]
    access: { "*": admin }
  auditors:
    users: [${APPROVAL_USERS.dave}]
    access: { lab: read }
channels:
  ${CHANNELS.web}: { cluster: prod }
  ${OPS}: { cluster: lab }
approvals:
  approvers: [platform, auditors]
  expires: ${options.expires ?? '30m'}
  runAs: ${options.runAs ?? 'requester'}
${options.verbs ? `  verbs: [${options.verbs.join(', ')}]` : ''}
`;
}

export function labAccount(): AccountSeed {
  const base = testAccount();
  const lab = (level: 'read' | 'operate' | 'admin') => ({ arn: roleArn('lab', level), level, clusters: ['lab'] });
  // Images that exist: the sandbox fails the pull of an image its ECR does not have, as ECS would.
  const ecr = (repo: string) => `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/lab/${repo}:1.0`;
  const image = (name: string, uri: string, cpu = 256) => ({
    family: name,
    containerDefinitions: [{ name, image: uri, cpu, memory: 256, essential: true }],
  });
  return {
    ...base,
    roles: [...base.roles, lab('read'), lab('operate'), lab('admin')],
    taskDefinitions: [
      ...base.taskDefinitions,
      image('lab-web', ecr('web')),
      image('lab-api', ecr('api')),
      image('lab-worker', 'example/lab-worker:1'),
      image('lab-batch', 'example/lab-batch:1', 128),
    ],
    clusters: [
      ...base.clusters,
      {
        name: 'lab',
        instances: [{ instanceType: 't3.large' }, { instanceType: 't3.large' }],
        services: [
          { name: 'web', taskDefinition: 'lab-web', desiredCount: 2 },
          { name: 'api', taskDefinition: 'lab-api', desiredCount: 1 },
          { name: 'worker', taskDefinition: 'lab-worker', desiredCount: 1 },
        ],
      },
    ],
    services: {
      ecr: {
        repositories: [
          { name: 'lab/web', images: [{ tags: ['1.0', 'latest'] }, { tags: ['0.9'] }, {}] },
          { name: 'lab/api', images: [{ tags: ['1.0'] }] },
          { name: 'keep/me', images: [{ tags: ['1'] }] },
        ],
      },
    },
  };
}

/** The approvals world, with 2 standalone tasks running in `lab`. */
export async function startApprovalHarness(options: HarnessOptions & { yaml?: string } = {}): Promise<Harness> {
  const h = await startHarness({
    config: testConfig(options.yaml ?? approvalsConfigYaml()),
    ...options,
    sandbox: {
      account: labAccount(),
      timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 0 },
      ...options.sandbox,
    },
  });
  h.sandbox.world.runTask('lab', { taskDefinition: 'lab-batch', count: 2, startedBy: 'nightly-import' });
  return h;
}

/** The bot's messages in a channel, as they stand now. */
export function channelMessages(h: Harness, channel: string = OPS): StoredMessage[] {
  return h.slack.messages(channel).filter((m) => !m.ephemeral);
}

/** The one approval request message in the channel, and its buttons. */
export function requestMessage(
  h: Harness,
  channel: string = OPS,
): { message: StoredMessage; requestId: string; buttons: string[] } {
  const messages = channelMessages(h, channel);
  if (messages.length !== 1) throw new Error(`expected one message in ${channel}, found ${messages.length}`);
  const message = messages[0]!;
  const ids = buttonsOf(message);
  const requestId = ids[0]?.value ?? /request `([0-9a-f]{8})`/.exec(JSON.stringify(message.blocks))?.[1] ?? '';
  return { message, requestId, buttons: ids.map((b) => b.text) };
}

export function buttonsOf(message: StoredMessage): { text: string; actionId: string; value: string }[] {
  const blocks = (message.blocks ?? []) as {
    type: string;
    elements?: { type: string; text?: { text: string }; action_id?: string; value?: string }[];
  }[];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button')
    .map((e) => ({ text: e.text?.text ?? '', actionId: e.action_id ?? '', value: e.value ?? '' }));
}

/** Everything a message says, text and blocks, as one string (Slack mrkdwn, escaped as JSON). */
export function shown(message: StoredMessage | undefined): string {
  return `${message?.text ?? ''}\n${blocksText(message?.blocks)}`;
}

export function blocksText(blocks: unknown[] | undefined): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, child] of Object.entries(o)) if (k !== 'text' || typeof child !== 'string') walk(child);
    }
  };
  walk(blocks ?? []);
  return out.join('\n');
}

export async function storedRequest(h: Harness, id: string): Promise<ApprovalRequest | undefined> {
  return getApprovalRequest(h.state.store, id);
}

/** Clients for checking the sandbox through its API, with the lab admin role. */
export async function labClients(h: Harness): Promise<{ ecs: ECSClient; ec2: EC2Client; ecr: ECRClient }> {
  const credentials = await assumeRole(h.sandbox, roleArn('lab', 'admin'), { sessionName: 'test-checker' });
  const config = clientConfig(h.sandbox, credentials);
  return { ecs: new ECSClient(config), ec2: new EC2Client(config), ecr: new ECRClient(config) };
}

export async function clusterStatus(h: Harness, name = 'lab'): Promise<string | undefined> {
  const { ecs } = await labClients(h);
  const out = await ecs.send(new DescribeClustersCommand({ clusters: [name] }));
  return out.clusters?.[0]?.status;
}

/** A clock the test can move forward; it keeps running in real time otherwise. */
export function shiftableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    advance(ms) {
      offset += ms;
    },
  };
}
