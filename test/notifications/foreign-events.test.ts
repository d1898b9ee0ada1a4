import { Config } from '../../src/config/schema';
import { getWindow, windowPk } from '../../src/notifications/windows';
import {
  containerInstanceState,
  deploymentEvent,
  type EventsHarness,
  type JsonObject,
  PROD_CHANNEL,
  scheduledTick,
  startEventsHarness,
  taskStopped,
  testConfig,
  WEB_CHANNEL,
} from '../../testbed/events';

const OTHER_ACCOUNT = '999999999999';

/** The event with every occurrence of our account id (envelope and ARNs) replaced. */
function fromAccount(event: JsonObject, account: string): JsonObject {
  return JSON.parse(JSON.stringify(event).replaceAll('111111111111', account)) as JsonObject;
}

describe('events that are not ours', () => {
  let h: EventsHarness;
  afterEach(async () => {
    await h.stop();
  });

  const warnings = () => h.logs.filter((l) => l.msg === 'event from outside the cluster’s account or region skipped');

  it('a stop forwarded from another account, naming a cluster of ours, is not posted', async () => {
    h = await startEventsHarness();
    const forged = fromAccount(taskStopped({ service: 'web', stoppedAt: h.clock.now() }), OTHER_ACCOUNT);

    const result = await h.handler(forged);

    expect(result).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining(`event from account ${OTHER_ACCOUNT} in us-east-1`) as unknown,
    });
    expect(result).toMatchObject({
      reason: expect.stringContaining('but cluster prod is in account 111111111111 in us-east-1') as unknown,
    });
    expect(h.webApiCalls()).toBe(0);
    expect(warnings()).toHaveLength(1);
  });

  it('an event whose envelope is ours but whose cluster ARN is in another account is not posted', async () => {
    h = await startEventsHarness();
    const event = taskStopped({ service: 'web', stoppedAt: h.clock.now() });
    const detail = event.detail as JsonObject;
    detail.clusterArn = String(detail.clusterArn).replace('111111111111', OTHER_ACCOUNT);

    expect(await h.handler(event)).toMatchObject({ outcome: 'skipped' });
    expect(h.webApiCalls()).toBe(0);
  });

  it('a stop in another region, of a cluster with the same name, is not posted', async () => {
    h = await startEventsHarness();
    const result = await h.handler(taskStopped({ service: 'web', region: 'eu-west-1', stoppedAt: h.clock.now() }));
    expect(result).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('in eu-west-1') as unknown });
    expect(h.webApiCalls()).toBe(0);
  });

  it('an event without an account is not posted', async () => {
    h = await startEventsHarness();
    const event = taskStopped({ service: 'web', stoppedAt: h.clock.now() });
    delete event.account;
    expect(await h.handler(event)).toMatchObject({ outcome: 'skipped' });
    expect(h.webApiCalls()).toBe(0);
  });

  it('a deployment failure and an agent disconnect from another account are not posted either', async () => {
    h = await startEventsHarness();
    const deployment = await h.handler(
      fromAccount(deploymentEvent('deployment-failed', { service: 'api', at: h.clock.now() }), OTHER_ACCOUNT),
    );
    const agent = await h.handler(
      fromAccount(containerInstanceState({ connected: false, version: 2, at: h.clock.now() }), OTHER_ACCOUNT),
    );
    h.clock.advance(10 * 60_000);
    await h.handler(scheduledTick(h.clock.now()));

    expect([deployment.outcome, agent.outcome]).toEqual(['skipped', 'skipped']);
    expect(h.webApiCalls()).toBe(0);
  });

  it('the same events from the cluster’s own account and region are posted', async () => {
    h = await startEventsHarness();
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now() }));
    await h.handler(deploymentEvent('deployment-failed', { service: 'api', at: h.clock.now() }));
    expect(h.slack.messages(WEB_CHANNEL)).toHaveLength(1);
    expect(h.slack.messages(PROD_CHANNEL)).toHaveLength(1);
    expect(warnings()).toHaveLength(0);
  });

  it('a cluster whose account is set explicitly takes the events of that account', async () => {
    const base = testConfig();
    const config = Config.parse({
      ...base,
      clusters: {
        prod: {
          name: 'prod',
          region: 'us-east-1',
          account: OTHER_ACCOUNT,
          roles: { read: `arn:aws:iam::${OTHER_ACCOUNT}:role/chatops-prod-read` },
          notify: { channel: PROD_CHANNEL },
        },
      },
    });
    h = await startEventsHarness({ config });
    const theirs = await h.handler(
      fromAccount(taskStopped({ service: 'api', stoppedAt: h.clock.now() }), OTHER_ACCOUNT),
    );
    const ours = await h.handler(taskStopped({ service: 'api', stoppedAt: h.clock.now() }));
    expect([theirs.outcome, ours.outcome]).toEqual(['counted', 'skipped']);
    expect(h.slack.messages(PROD_CHANNEL)).toHaveLength(1);
  });
});

describe('poison events', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a task ARN of 3 KB, longer than DynamoDB allows in a key, is logged and skipped, never thrown', async () => {
    const event = taskStopped({ service: 'web', stoppedAt: h.clock.now() });
    (event.detail as JsonObject).taskArn = `arn:aws:ecs:us-east-1:111111111111:task/prod/${'a'.repeat(3 * 1024)}`;

    const result = await h.handler(event);

    expect(result).toMatchObject({
      outcome: 'malformed',
      reason: expect.stringContaining('detail.taskArn') as unknown,
    });
    expect(h.webApiCalls()).toBe(0);
    expect(h.logs.filter((l) => l.msg === 'malformed event skipped')).toHaveLength(1);
  });

  it('over-long ids, container instance ARNs and resources are refused the same way', async () => {
    const longId = { ...taskStopped({ service: 'web', stoppedAt: h.clock.now() }), id: 'x'.repeat(4096) };
    const agent = containerInstanceState({ connected: false, version: 1, at: h.clock.now() });
    (agent.detail as JsonObject).containerInstanceArn =
      `arn:aws:ecs:us-east-1:111111111111:container-instance/prod/${'b'.repeat(3000)}`;
    const resources = {
      ...deploymentEvent('deployment-failed', { service: 'api', at: h.clock.now() }),
      resources: [`arn:aws:ecs:us-east-1:111111111111:service/prod/${'c'.repeat(3000)}`],
    };

    const results = [await h.handler(longId), await h.handler(agent), await h.handler(resources)];

    expect(results.map((r) => r.outcome)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(h.webApiCalls()).toBe(0);
  });

  it('a very long stop reason is clipped, not refused', async () => {
    const result = await h.handler(
      taskStopped({ service: 'web', stoppedAt: h.clock.now(), stoppedReason: 'z'.repeat(50_000) }),
    );
    expect(result.outcome).toBe('counted');
    expect(h.slack.messages(WEB_CHANNEL)).toHaveLength(1);
  });
});

describe('event times', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a stop stamped an hour in the future counts as if it had happened on arrival (plus a minute of clock skew at most)', async () => {
    const arrived = h.clock.now();
    await h.handler(taskStopped({ service: 'web', stoppedAt: arrived + 3_600_000 }));
    const window = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    expect(window?.firstAt).toBeLessThanOrEqual(arrived + 60_000);
    expect(window?.lastAt).toBeLessThanOrEqual(arrived + 60_000);

    // A real stop a little later is the newest one, not a late one.
    h.clock.advance(2 * 60_000);
    await h.handler(taskStopped({ service: 'web', stoppedAt: h.clock.now(), stoppedReason: 'the real one' }));
    const after = await getWindow(h.table.store, windowPk('prod', 'web', 'unexpectedStop'));
    expect(after?.count).toBe(2);
    expect(after?.lastAt).toBe(h.clock.now());
  });
});
