import { DeleteRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { startHarness, type Harness } from '../../testbed/harness';
import { ACCOUNT_ID, testAccount } from '../../testbed/accounts';
import { CHANNELS } from '../../testbed/config';
import { deploymentMessages, liveMessage } from '../../testbed/deployments';
import type { AccountSeed } from '../../src/sandbox/seed';

const REGISTRY = `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com`;
const OPERATOR_KEY = 'AKIATESTOPERATOR0001';

/** testAccount() plus `cron` on prod, whose image is worker:1.0 in this account's ECR. */
function account(): AccountSeed {
  const seed = testAccount();
  seed.taskDefinitions.push({
    family: 'cron',
    containerDefinitions: [{ name: 'cron', image: `${REGISTRY}/worker:1.0`, cpu: 128, memory: 128, essential: true }],
  });
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push({ name: 'cron', taskDefinition: 'cron', desiredCount: 1 });
  seed.services = { ecr: { repositories: [{ name: 'worker', images: [{ tags: ['1.0'] }] }] } };
  // Someone at the AWS CLI, who deletes a repository behind the bot's back.
  seed.roles.push({ arn: `arn:aws:iam::${ACCOUNT_ID}:role/operator`, level: 'admin', clusters: '*' });
  seed.accessKeys = [{ accessKeyId: OPERATOR_KEY, roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/operator` }];
  return seed;
}

/** What the live message says the command's follow-up found: its text after the phase line. */
function finding(live: { text: string }): string | undefined {
  const at = live.text.indexOf(' · ');
  return at < 0 ? undefined : live.text.slice(at + ' · '.length);
}

describe('an image that cannot be pulled fails the deploy with ECS’s own reason', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('deploying an ECR tag that does not exist ends with the tasks stopped by CannotPullContainerError … not found', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 60_000 });
    const result = await h.command(`deploy cron --image ${REGISTRY}/worker:9.9.9`);
    // The deployment's live message in prod's channel is the follow-up: the command gets only the announcement.
    expect(result.replies).toHaveLength(1);
    const followUp = finding(liveMessage(h, CHANNELS.alerts));
    expect(followUp).toMatch(/^cron in prod: its new tasks of cron:2 fail to start \(\d+ so far; 1\/1 running now\)\./);
    expect(followUp).toContain(
      `tasks stopped: CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REGISTRY}/worker:9.9.9: ${REGISTRY}/worker:9.9.9: not found`,
    );
    // The old task kept running; every stopped one is of the new revision and never started.
    const stopped = [...h.sandbox.world.cluster('prod').tasks.values()].filter(
      (t) => t.group === 'service:cron' && t.lastStatus === 'STOPPED',
    );
    expect(stopped.length).toBeGreaterThan(0);
    expect(
      stopped.every(
        (t) => t.stopCode === 'TaskFailedToStart' && t.startedAt === undefined && t.taskDefinition.revision === 2,
      ),
    ).toBe(true);
  });

  it('restarting a service whose ECR repository was deleted fails the same way; an image from another registry is assumed to exist', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 60_000 });
    await h.command('deploy cron --image nginx:1.28');
    const task = [...h.sandbox.world.service('prod', 'cron').tasks][0]!;
    expect([task.lastStatus, task.containers[0]!.image]).toEqual(['RUNNING', 'nginx:1.28']);
    await h.command('rollback cron');
    const ecr = new ECRClient({
      endpoint: h.sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: OPERATOR_KEY, secretAccessKey: 'any' },
    });
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'worker', force: true }));
    const restarted = await h.command('restart cron');
    expect(restarted.replies).toHaveLength(1);
    const live = deploymentMessages(h, CHANNELS.alerts).filter((m) => m.text.startsWith('cron in prod: restart of '));
    expect(live).toHaveLength(1);
    expect(finding(live[0]!)).toContain(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REGISTRY}/worker:1.0`,
    );
  });
});
