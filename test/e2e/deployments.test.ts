import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { servicesAccount } from '../../testbed/services-fixtures';

/**
 * The live deployment message: one per service deployment, in the service's channel (#alerts for
 * prod in the test config), kept up to date by chat.update and ending in one line.
 */

/** The deployment messages the bot posted in a channel, each as it reads now (after its last edit). */
function deploymentMessages(h: Harness, channel: string): { ts: string; text: string; blocks: string }[] {
  return h.slack
    .messages(channel)
    .filter((m) => m.threadTs === undefined && JSON.stringify(m.blocks ?? []).includes('started '))
    .map((m) => ({ ts: m.ts, text: m.text ?? '', blocks: JSON.stringify(m.blocks ?? []) }));
}

function threadReplies(h: Harness, channel: string, ts: string): string[] {
  return h.slack
    .messages(channel)
    .filter((m) => m.threadTs === ts)
    .map((m) => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`);
}

describe('live deployment messages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a deploy that completes: the command answers as before, and one live message in the service’s channel ends in "completed"', async () => {
    const result = await h.command('deploy web web:1');
    expect(result.replies[0]?.text).toBe('web in prod: deploying web:2 → web:1');
    expect(result.replies[1]?.text).toBe('web in prod: 1/1 running web:1');
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(/^web in prod: deploy web:2 → web:1 — completed in under a minute$/);
    expect(live[0]!.blocks).toContain(`started by <@${USERS.alice}> with \`deploy\``);
    // Ended: no buttons left.
    expect(live[0]!.blocks).not.toContain('cmd:deployment');
    // One DescribeServiceDeployments per look at most, and no second message for the same deployment.
    expect(h.sandbox.callsTo('ecs:DescribeServiceDeployments').length).toBeGreaterThan(0);
  });

  it('a deployment that trips the circuit breaker: the message says it rolled back and why, counted, with the stopped tasks in its thread', async () => {
    h.sandbox.world.createService('prod', {
      name: 'guarded',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    await h.command('deploy guarded broken');
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(
      /^guarded in prod: deploy solo:1 → broken:1 — rolled back after under a minute: ECS deployment circuit breaker: task failed to start; 3 tasks stopped: CannotPullContainerError: pull image manifest has been retried 5 time\(s\): example\/broken:1: not found$/,
    );
    const thread = threadReplies(h, CHANNELS.alerts, live[0]!.ts);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatch(/3 tasks stopped during the deployment/);
    expect(thread[0]).toMatch(/broken:1\): CannotPullContainerError/);
  });

  it('a scale that starts no deployment posts no deployment message', async () => {
    await h.command('scale web 2');
    expect(deploymentMessages(h, CHANNELS.alerts)).toHaveLength(0);
    expect(h.sandbox.callsTo('ecs:DescribeServiceDeployments')).toHaveLength(0);
  });

  it('`deployments web` lists the service’s deployments, newest first, with outcome and duration', async () => {
    await h.command('deploy web web:1');
    const result = await h.command('deployments web');
    expect(result.replies[0]?.response_type).toBe('ephemeral');
    const seen = JSON.stringify(result.replies[0]?.blocks);
    expect(seen).toMatch(/web\/\w+/);
    expect(seen).toMatch(/\*completed\* in under a minute/);
    expect(h.sandbox.callsTo('ecs:ListServiceDeployments')).toHaveLength(1);
  });

  it('`deployment SVC/ID` shows one deployment in detail; a read-only user may look', async () => {
    await h.command('deploy web web:1');
    const list = await h.command('deployments web');
    const ref = /`(web\/\w+)`/.exec(JSON.stringify(list.replies[0]?.blocks))![1]!;
    const result = await h.command(`deployment ${ref}`, { user: USERS.rita });
    expect(result.replies[0]?.text).toMatch(new RegExp(`^web in prod: deployment ${ref} — completed in`));
    expect(JSON.stringify(result.replies[0]?.blocks)).toContain('Target revision');
  });

  it('`deployment` of an id the service does not have says so and names the command that lists them', async () => {
    const result = await h.command('deployment web/nothing');
    expect(result.replies[0]?.text).toMatch(/web in prod has no deployment nothing among its recent ones/);
  });
});
