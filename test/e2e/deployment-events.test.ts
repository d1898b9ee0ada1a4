import { WebClient } from '@slack/web-api';
import { systemClock } from '../../src/clock';
import { handleDeploymentEvent } from '../../src/notifications/deployments/events';
import { watchByJob } from '../../src/notifications/deployments/watch-job';
import { runJob } from '../../src/worker/run-job';
import { createEventsHandler } from '../../src/notifications/pipeline';
import { BOT_TOKEN, startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { servicesAccount } from '../../testbed/services-fixtures';
import { BLUE_GREEN_WITH_PAUSE } from '../../testbed/deployments';
import { type WatchRequest } from '../../src/notifications/deployments/watch-job';

/**
 * Deployments seen through their "ECS Deployment State Change" events: the sandbox's events go to
 * the real events handler, as EventBridge would deliver them.
 */

function deploymentMessages(h: Harness): { text: string; blocks: string }[] {
  return h.slack
    .messages(CHANNELS.alerts)
    .filter((m) => m.threadTs === undefined && JSON.stringify(m.blocks ?? []).includes('started '))
    .map((m) => ({ text: m.text ?? '', blocks: JSON.stringify(m.blocks ?? []) }));
}

/**
 * The real events handler on the sandbox's events, as EventBridge would deliver them, with the
 * live deployment messages on; `watch`, when given, is how a deployment started outside Slack is
 * followed. `delivered()` resolves once every event so far has been handled.
 */
function deliverEvents(
  h: Harness,
  watch?: WatchRequest,
): { delivered: () => Promise<unknown>; unsubscribe: () => void } {
  const slack = new WebClient(BOT_TOKEN, { slackApiUrl: h.slack.apiUrl });
  const live = { state: h.state.store, slack, clock: systemClock, logger: h.logs.logger };
  const handler = createEventsHandler({
    config: h.config,
    logger: h.logs.logger,
    clock: systemClock,
    slack,
    state: h.state.store,
    onDeploymentEvent: (event) =>
      handleDeploymentEvent({ ...live, config: h.config, ...(watch ? { watch } : {}) }, event),
  });
  let chain: Promise<unknown> = Promise.resolve();
  const unsubscribe = h.sandbox.onEvent((event) => {
    const copy = structuredClone(event);
    chain = chain.then(() => handler(copy));
  });
  return { delivered: () => chain, unsubscribe };
}

describe('deployments seen in their events', () => {
  let h: Harness;
  let delivered: () => Promise<unknown>;
  let unsubscribe: () => void;
  let watchJobs: string[];

  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
    watchJobs = [];
    // As on Lambda: the events function hands the watch to the worker as a job.
    const events = deliverEvents(
      h,
      watchByJob(async (job) => {
        watchJobs.push(job.id);
        await runJob(job, h.worker);
      }, systemClock),
    );
    unsubscribe = events.unsubscribe;
    delivered = events.delivered;
  });
  afterEach(async () => {
    unsubscribe();
    await delivered();
    await h.stop();
  });

  it('a deployment started outside Slack appears from its events, followed to its end on the read role', async () => {
    // CI calls UpdateService itself.
    h.sandbox.world.updateService('prod', 'web', { taskDefinition: 'web:1' });
    await delivered();
    const live = deploymentMessages(h);
    expect(live).toHaveLength(1);
    // Tasks start at once here, so the old revision may be gone from DescribeServices by the first look.
    expect(live[0]!.text).toMatch(/^web in prod: deployment (web:2 → web:1|of web:1) — completed in under a minute$/);
    expect(live[0]!.blocks).toContain('started outside Slack (seen in its ECS events)');
    const reads = h.sandbox.callsTo('ecs:DescribeServiceDeployments');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]!.principal).toMatchObject({
      kind: 'assumed',
      roleArn: expect.stringMatching(/prod-read$/),
      sourceIdentity: 'ecs-chatops',
    });
    // One watch job for the deployment, whatever the number of its events.
    expect(watchJobs).toHaveLength(1);
  });

  it('a deployment started from Slack gets one message, whatever its events say meanwhile', async () => {
    await h.command('deploy web web:1');
    await delivered();
    const live = deploymentMessages(h);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toBe('web in prod: deploy web:2 → web:1 — completed in under a minute');
    expect(live[0]!.blocks).toContain(`started by <@${USERS.alice}>`);
  });

  it('a circuit-breaker rollback started outside Slack ends in "rolled back", its rollback event included', async () => {
    h.sandbox.world.createService('prod', {
      name: 'guarded',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    await delivered();
    const before = deploymentMessages(h).length;
    h.sandbox.world.updateService('prod', 'guarded', { taskDefinition: 'broken' });
    await delivered();
    const live = deploymentMessages(h).slice(before);
    expect(live).toHaveLength(1);
    expect(live[0]!.text).toMatch(
      /^guarded in prod: deployment \S+( → \S+)? — rolled back after under a minute: ECS deployment circuit breaker: task failed to start; 3 tasks stopped: CannotPullContainerError/,
    );
  });
});

describe('a pause seen in its own event, with no worker following the deployment', () => {
  let h: Harness;
  let delivered: () => Promise<unknown>;
  let unsubscribe: () => void;

  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
    // No `watch`: nothing reads ECS for this deployment; only its events reach the message.
    const events = deliverEvents(h);
    delivered = events.delivered;
    unsubscribe = events.unsubscribe;
    h.sandbox.world.createService('prod', {
      name: 'bg',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: BLUE_GREEN_WITH_PAUSE,
    });
    h.sandbox.tick();
    await delivered();
  });
  afterEach(async () => {
    unsubscribe();
    await delivered();
    await h.stop();
  });

  it('a blue/green deployment started outside Slack shows its pause from the Hook State Change event, with Continue that works', async () => {
    const before = h.sandbox.callsTo('ecs:DescribeServiceDeployments').length;
    h.sandbox.world.updateService('prod', 'bg', { forceNewDeployment: true });
    for (let i = 0; i < 5; i += 1) {
      h.sandbox.tick();
      await delivered();
    }
    const live = h.slack
      .messages(CHANNELS.alerts)
      .filter((m) => m.threadTs === undefined && (m.text ?? '').startsWith('bg in prod:'));
    // The service's first deployment (its creation) has its own message, completed; then this one.
    expect(live).toHaveLength(2);
    expect(live[0]!.text).toMatch(/— completed in under a minute$/);
    expect(live[1]!.text).toMatch(/— paused at POST_TEST_TRAFFIC_SHIFT, waiting for Continue$/);
    // Nobody read ECS for it: the event alone said where it waits, and which deployment it is.
    expect(h.sandbox.callsTo('ecs:DescribeServiceDeployments')).toHaveLength(before);
    const buttons = (
      (live[1]!.blocks ?? []) as {
        type: string;
        elements?: { action_id: string; value: string; text: { text: string } }[];
      }[]
    )
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    const cont = buttons.find((b) => b.text.text === 'Continue')!;
    await h.click(cont.action_id, cont.value, { user: USERS.alice, channel: CHANNELS.alerts });
    expect(h.sandbox.callsTo('ecs:ContinueServiceDeployment')).toHaveLength(1);
  });
});
