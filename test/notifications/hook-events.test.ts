import { handleDeploymentEvent } from '../../src/notifications/deployments/events';
import { parseEvent } from '../../src/notifications/events';
import { createEventsHandler, type EventsHandler } from '../../src/notifications/pipeline';
import {
  deploymentEvent,
  fixture,
  hookEvent,
  startEventsHarness,
  WEB_CHANNEL,
  type EventsHarness,
} from '../../testbed/events';

/**
 * "ECS Hook State Change" events (Developer Guide, ecs_hook_state_change_events.html): a PAUSE
 * hook that starts waiting shows in the deployment's live message at once, from the event alone
 * (no AWS call), however long after its start the deployment reached it.
 */

const T0 = Date.parse('2026-03-02T12:30:00Z');

function liveMessages(h: EventsHarness): { text: string; blocks: string }[] {
  return h.slack
    .messages(WEB_CHANNEL)
    .filter((m) => m.threadTs === undefined)
    .map((m) => ({ text: m.text ?? '', blocks: JSON.stringify(m.blocks ?? []) }));
}

describe('ECS Hook State Change events', () => {
  let h: EventsHarness;
  let handler: EventsHandler;
  beforeEach(async () => {
    h = await startEventsHarness();
    h.clock.set(T0);
    const { config, state, slack, clock, logger } = h.deps;
    // As on Lambda with the live deployment messages on; no worker follows (the events alone speak).
    handler = createEventsHandler({
      ...h.deps,
      onDeploymentEvent: (event) => handleDeploymentEvent({ config, state, slack, clock, logger }, event),
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the documented HOOK_AWAITING_ACTION example parses, with the service deployment, the stage and the expiry', () => {
    const parsed = parseEvent(fixture('hook-awaiting-action'), T0 + 20 * 60_000);
    expect(parsed).toMatchObject({
      ok: true,
      event: {
        type: 'hook',
        detail: {
          eventName: 'HOOK_AWAITING_ACTION',
          hookType: 'PAUSE',
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          serviceDeploymentArn: expect.stringMatching(/:service-deployment\/prod\/web\/0EYSiB0qap8xf0N76FsbE$/),
        },
      },
    });
  });

  it('a pause reached long after the deployment began shows at once, with Continue and Roll back, and its end too', async () => {
    await handler(deploymentEvent('deployment-in-progress', { at: T0 }));
    expect(liveMessages(h)).toHaveLength(1);
    expect(liveMessages(h)[0]!.text).toMatch(/^web in prod: deployment ecs-svc\/1234567890123456789 — in progress/);

    // 40 minutes on (long after any watcher has left), the deployment reaches its PAUSE hook.
    h.clock.set(T0 + 40 * 60_000);
    const expiresAt = T0 + 70 * 60_000;
    await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 + 40 * 60_000, expiresAt }));
    const paused = liveMessages(h);
    expect(paused).toHaveLength(1);
    expect(paused[0]!.text).toBe(
      'web in prod: deployment ecs-svc/1234567890123456789 — paused at POST_TEST_TRAFFIC_SHIFT, waiting for Continue',
    );
    expect(paused[0]!.blocks).toContain(`until <!date^${expiresAt / 1000}^`);
    // The buttons name the service deployment the event named (no read was needed for it).
    expect(paused[0]!.blocks).toContain('"action_id":"cmd:deployment continue"');
    expect(paused[0]!.blocks).toContain('\\"args\\":[\\"web/0EYSiB0qap8xf0N76FsbE\\"]');
    expect(paused[0]!.blocks).toContain('"text":"Roll back"');

    // Someone continues it from the console: the message says it goes on, then that it completed.
    h.clock.set(T0 + 45 * 60_000);
    await handler(hookEvent('HOOK_SUCCEEDED', { at: T0 + 45 * 60_000 }));
    expect(liveMessages(h)[0]!.text).toMatch(/— in progress \(POST_TEST_TRAFFIC_SHIFT\), 45 min so far$/);
    h.clock.set(T0 + 50 * 60_000);
    await handler(deploymentEvent('deployment-completed', { at: T0 + 50 * 60_000 }));
    expect(liveMessages(h)[0]!.text).toMatch(/— completed in 50 min$/);
    expect(liveMessages(h)[0]!.blocks).not.toContain('cmd:deployment');
  });

  it('a hook that times out rolls the deployment back (the documented default time-out action)', async () => {
    await handler(deploymentEvent('deployment-in-progress', { at: T0 }));
    await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 + 60_000 }));
    h.clock.set(T0 + 11 * 60_000);
    await handler(hookEvent('HOOK_TIMED_OUT', { at: T0 + 11 * 60_000 }));
    expect(liveMessages(h)[0]!.text).toBe(
      'web in prod: deployment ecs-svc/1234567890123456789 — rolling back: nobody acted at the PAUSE hook of POST_TEST_TRAFFIC_SHIFT in time',
    );
  });

  it('an older or repeated hook event changes nothing; one of another service deployment than the message’s is not shown', async () => {
    await handler(deploymentEvent('deployment-in-progress', { at: T0 }));
    await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 + 60_000 }));
    await handler(hookEvent('HOOK_SUCCEEDED', { at: T0 + 120_000 }));
    const after = liveMessages(h)[0]!.text;
    // Delivered late, the pause is older than what the message shows.
    expect(await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 + 60_000 }))).toMatchObject({
      outcome: 'duplicate',
    });
    expect(liveMessages(h)[0]!.text).toBe(after);
    // The message now knows its service deployment (from the first hook event): another one's hook is not its.
    expect(
      await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 + 180_000, deployment: 'SomethingElse1' })),
    ).toMatchObject({ outcome: 'quiet' });
    expect(liveMessages(h)[0]!.text).toBe(after);
  });

  it('before the message knows its service deployment, the end of a hook it never showed waiting is not taken as its own', async () => {
    await handler(deploymentEvent('deployment-in-progress', { at: T0 }));
    // A superseded deployment's waiting hook fails when the newer one starts: not this message's.
    expect(await handler(hookEvent('HOOK_FAILED', { at: T0 + 60_000, deployment: 'Older1' }))).toMatchObject({
      outcome: 'quiet',
    });
    expect(liveMessages(h)[0]!.text).toMatch(/— in progress/);
  });

  it('a hook event of a cluster the config does not name, or of a service with no live message, posts nothing', async () => {
    expect(await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0, cluster: 'elsewhere' }))).toMatchObject({
      outcome: 'skipped',
    });
    expect(await handler(hookEvent('HOOK_AWAITING_ACTION', { at: T0 }))).toMatchObject({ outcome: 'quiet' });
    expect(liveMessages(h)).toHaveLength(0);
  });
});
