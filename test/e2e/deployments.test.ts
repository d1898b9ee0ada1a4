import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { servicesAccount } from '../../testbed/services-fixtures';
import { deploymentMessages, threadReplies } from '../../testbed/deployments';

/**
 * The live deployment message: one per service deployment, in the service's channel (#alerts for
 * prod in the test config), kept up to date by chat.update and ending in one line.
 */

describe('live deployment messages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a deploy that completes: the command’s channel gets the announcement pointing at the one live message in the service’s channel, which ends in "completed"', async () => {
    const result = await h.command('deploy web web:1');
    // The live message is the follow-up: the command's channel gets no second report.
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]?.text).toBe('web in prod: deploying web:2 → web:1');
    expect(result.replies[0]?.response_type).toBe('in_channel');
    expect(JSON.stringify(result.replies[0]?.blocks)).toContain(`Followed live in <#${CHANNELS.alerts}>`);
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(/^web in prod: deploy web:2 → web:1 — completed in under a minute$/);
    expect(live[0]!.blocks).toContain(`started by <@${USERS.alice}> with \`deploy\``);
    // Ended: no buttons left.
    expect(live[0]!.blocks).not.toContain('cmd:deployment');
    // One DescribeServiceDeployments per look at most, and no second message for the same deployment.
    expect(h.sandbox.callsTo('ecs:DescribeServiceDeployments').length).toBeGreaterThan(0);
  });

  it('typed in the service’s own channel, the live message is the command’s only answer in the channel', async () => {
    const result = await h.command('deploy web --image nginx:1.29 -c prod', { channel: CHANNELS.alerts });
    expect(result.replies).toHaveLength(0);
    expect(result.ack.response_type ?? 'ephemeral').toBe('ephemeral');
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(/^web in prod: deploy web:2 → web:3 — completed in under a minute$/);
    // What the announcement said, which no other message says here: the image change.
    expect(live[0]!.blocks).toContain(
      `started by <@${USERS.alice}> with \`deploy\` · web in prod: deploying web:2 → web:3 (container web: nginx:1.28 → nginx:1.29)`,
    );
    // Nothing else in the channel: no announcement, no report.
    expect(h.slack.messages(CHANNELS.alerts).filter((m) => m.threadTs === undefined)).toHaveLength(1);
  });

  it('when the bot may not post in the service’s channel, the command answers with its own two replies, as without a live message', async () => {
    h.slack.fail({ method: 'chat.postMessage', status: 200, error: 'not_in_channel' });
    const result = await h.command('deploy web web:1');
    expect(result.replies.map((r) => r.text)).toEqual([
      'web in prod: deploying web:2 → web:1',
      'web in prod: 1/1 running web:1',
    ]);
    expect(JSON.stringify(result.replies[0]?.blocks)).not.toContain('Followed live');
    expect(deploymentMessages(h, CHANNELS.alerts)).toHaveLength(0);
  });

  it('while a deployment runs, the live message shows what the follow-up found (tasks that fail to start), with its buttons beside Roll back', async () => {
    h.sandbox.world.createService('prod', { name: 'stuck', taskDefinition: 'solo', desiredCount: 1 });
    const result = await h.command('deploy stuck broken');
    expect(result.replies).toHaveLength(1);
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(
      /^stuck in prod: deploy solo:1 → broken:1 — in progress.* · stuck in prod: its new tasks of broken:1 fail to start \(\d+ so far; \d\/1 running now\)\. \d+ tasks stopped: CannotPullContainerError/,
    );
    expect(live[0]!.blocks).toContain('"text":"Why?"');
    expect(live[0]!.blocks).toContain('"text":"Roll back"');
  });

  it('a read of the deployment that fails once neither ends the watch nor leaves the message saying "starting"', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:DescribeServiceDeployments', times: 1 });
    await h.command('deploy web web:1');
    const live = deploymentMessages(h, CHANNELS.alerts);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toBe('web in prod: deploy web:2 → web:1 — completed in under a minute');
    expect(h.sandbox.callsTo('ecs:DescribeServiceDeployments').filter((c) => c.error).length).toBe(1);
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
