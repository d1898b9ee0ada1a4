import { type EcsEventBridgeEvent, type ManualClock as SandboxClock, type Sandbox } from '../../src/sandbox';
import { type EventsHarness, startEventsHarness, WEB_CHANNEL, clockOfSandbox } from '../../testbed/events';
import { emptyAccount, startTestSandbox } from '../../testbed/sandbox';
import type { AccountSeed } from '../../src/sandbox/seed';

const PRIVATE_A = 'subnet-0a1f3c5e7b9d2e401';
const SECRETS_FAILURE =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:111111111111:secret:db-password';

/** prod (routed by the events test config: service web → #web-alerts) on Fargate, `web` on FARGATE_SPOT. */
async function fargateProd(behaviours: AccountSeed['behaviours'] = {}) {
  const sandbox = await startTestSandbox({
    account: emptyAccount({
      taskDefinitions: [
        {
          family: 'web',
          networkMode: 'awsvpc',
          cpu: '512',
          memory: '1024',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [{ name: 'web', image: 'example/web:7', essential: true }],
        },
      ],
      behaviours,
      clusters: [
        {
          name: 'prod',
          capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
          services: [
            {
              name: 'web',
              taskDefinition: 'web',
              desiredCount: 2,
              networkConfiguration: { awsvpcConfiguration: { subnets: [PRIVATE_A] } },
            },
          ],
        },
      ],
    }),
  });
  const h = await startEventsHarness({ clock: clockOfSandbox(sandbox.clock) });
  const delivered: EcsEventBridgeEvent[] = [];
  sandbox.onEvent((event) => delivered.push(structuredClone(event)));
  let handled = 0;
  const deliverAll = async () => {
    while (handled < delivered.length) {
      await h.handler(delivered[handled]);
      handled += 1;
    }
  };
  return { sandbox, h, deliverAll };
}

describe('notifications explain the Fargate causes of a stop, end to end from the sandbox through the events handler', () => {
  let sandbox: Sandbox & { clock: SandboxClock };
  let h: EventsHarness;
  afterEach(async () => {
    await h?.stop();
    await sandbox?.stop();
  });

  it('a Fargate Spot interruption is announced at its two-minute warning, saying the service will replace the task', async () => {
    const lab = await fargateProd();
    ({ sandbox, h } = lab);
    sandbox.clock.advance(5_000);
    sandbox.tick();
    await lab.deliverAll();
    const [victim] = sandbox.world.interruptSpotTasks('prod', [[...sandbox.world.service('prod', 'web').tasks][0]!.id]);
    await lab.deliverAll();
    expect(victim!.lastStatus).toBe('RUNNING');

    const messages = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toBe('web: task stopped — Spot interruption');
    const blocks = JSON.stringify(messages[0]!.blocks);
    expect(blocks).toContain('Your Spot Task was interrupted.');
    expect(blocks).toContain(
      'Fargate Spot took its capacity back (a two-minute warning, then SIGTERM). The service starts a replacement on its own; nothing to fix.',
    );

    // The STOPPED event two minutes later is the same stop: no second message.
    sandbox.clock.advance(3 * 60_000);
    sandbox.tick();
    await lab.deliverAll();
    expect(victim!.lastStatus).toBe('STOPPED');
    expect(h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
    expect(h.messageProblems()).toEqual([]);
  });

  it('a task that cannot fetch its secrets (ResourceInitializationError) is explained with the usual fix', async () => {
    const lab = await fargateProd({ web: { failToStart: { reason: SECRETS_FAILURE } } });
    ({ sandbox, h } = lab);
    // The service keeps retrying (with ECS's back-off) while the events reach the handler.
    for (let i = 0; i < 60; i += 1) {
      sandbox.clock.advance(10_000);
      sandbox.tick();
      await lab.deliverAll();
    }
    const [message] = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(message!.text).toMatch(/failed to start/);
    const blocks = JSON.stringify(message!.blocks);
    expect(blocks).toContain('ResourceInitializationError: the task could not fetch its secrets');
    expect(blocks).toContain('secretsmanager:GetSecretValue');
    expect(h.messageProblems()).toEqual([]);
  });

  it('a service that cannot place a task because Fargate Spot has no capacity is announced with ECS’s reason and what helps', async () => {
    const lab = await fargateProd();
    ({ sandbox, h } = lab);
    sandbox.clock.advance(5_000);
    sandbox.tick();
    await lab.deliverAll();
    sandbox.world.setCapacityAvailable('FARGATE_SPOT', false);
    sandbox.world.updateService('prod', 'web', { desiredCount: 3 });
    sandbox.clock.advance(5_000);
    sandbox.tick();
    await lab.deliverAll();

    expect(sandbox.world.service('prod', 'web').tasks.size).toBe(2);
    const messages = h.slack.messages(WEB_CHANNEL).filter((m) => !m.threadTs);
    expect(messages).toHaveLength(1);
    const blocks = JSON.stringify(messages[0]!.blocks);
    expect(blocks).toContain(
      'Capacity is unavailable at this time. Please try again later or in a different availability zone',
    );
    expect(blocks).toContain(':bulb: Fargate had no capacity for the task');
    expect(h.messageProblems()).toEqual([]);
  });
});
