import { DescribeServicesCommand, ListServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/sandbox';
import { type Harness } from '../../testbed/harness';
import { sandboxTimeClock } from '../../testbed/sandbox-time';
import {
  APPROVAL_USERS as U,
  OPS,
  channelMessages,
  clusterStatus,
  labClients,
  requestMessage,
  shown,
  startApprovalHarness,
} from '../../testbed/approvals';

/**
 * Real ECS stops listing a service the moment DeleteService makes it DRAINING, and DeleteCluster
 * refuses while any service is not INACTIVE or any task not STOPPED. Here the deleted services'
 * tasks take two minutes to stop (90 s of connection draining, 30 s to stop), and the bot's clock
 * is the sandbox's: every poll the bot sleeps moves the simulated account on by as much.
 */
const DRAIN = { taskStartMs: 0, taskStopMs: 30_000, serviceDrainMs: 90_000, instanceShutdownMs: 0 };
const TWO_MINUTES = 120_000;

describe('waiting for deleted services to drain, as on a real account', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    h = await startApprovalHarness({
      clock: sandboxTimeClock(clock),
      sandbox: { clock, timings: DRAIN },
      approvalTiming: { pollMs: 5_000, waitTimeoutMs: 10 * 60_000, progressIntervalMs: 1_000 },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a teardown whose services drain for two minutes, listed nowhere meanwhile, waits for them and ends with the cluster deleted', async () => {
    // Prepare
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { requestId } = requestMessage(h);

    // Act
    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    // Assess: finished, and DeleteCluster was never refused
    const final = channelMessages(h).at(-1)!;
    expect(final.text).toMatch(
      /^Teardown of lab: Teardown finished in .*: 3 services deleted, 2 tasks stopped, 2 container instances deregistered, 2 EC2 instances terminated, the cluster deleted, 2 ECR repositories deleted\.$/,
    );
    expect(shown(final)).toMatch(/:white_check_mark: Wait for the services to drain and the tasks to stop — took 2m/);
    expect(await clusterStatus(h)).toBe('INACTIVE');
    const deleteCluster = h.sandbox.callsTo('ecs:DeleteCluster');
    expect(deleteCluster.map((c) => c.error)).toEqual([undefined]);
    // …and only after the services were INACTIVE: two simulated minutes after they were deleted.
    const lastDelete = Math.max(...h.sandbox.callsTo('ecs:DeleteService').map((c) => c.at));
    expect(deleteCluster[0]!.at - lastDelete).toBeGreaterThanOrEqual(TWO_MINUTES);
    // The wait followed the services by name, never through ListServices.
    expect(h.sandbox.callsTo('ecs:ListServices').filter((c) => c.at > lastDelete)).toEqual([]);
    expect(h.sandbox.callsTo('ecs:DescribeServices').filter((c) => c.at > lastDelete).length).toBeGreaterThan(10);
  });

  it('a teardown that finds services another person already deleted (DRAINING, hidden from ListServices) waits for them too', async () => {
    // Prepare: someone deleted web a moment ago; ListServices no longer shows it.
    h.sandbox.world.deleteService('lab', 'web', true);
    const { ecs } = await labClients(h);
    expect(
      (await ecs.send(new ListServicesCommand({ cluster: 'lab' }))).serviceArns?.map((a) => a.split('/').pop()).sort(),
    ).toEqual(['api', 'worker']);
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { message, requestId } = requestMessage(h);
    expect(shown(message)).toContain('1 service already being deleted, to wait for: `web`');

    // Act
    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    // Assess
    const final = channelMessages(h).at(-1)!;
    expect(final.text).toMatch(/^Teardown of lab: Teardown finished in .*: 2 services deleted, .* the cluster deleted/);
    expect(shown(final)).toMatch(/:white_check_mark: Wait for the services to drain and the tasks to stop — took 2m/);
    expect(await clusterStatus(h)).toBe('INACTIVE');
    expect(h.sandbox.callsTo('ecs:DeleteCluster').map((c) => c.error)).toEqual([undefined]);
  });

  it('service delete reports the service gone only once DescribeServices says INACTIVE and its tasks have stopped, two minutes on', async () => {
    // Prepare
    await h.command('service delete web', { user: U.alice, channel: OPS });
    const { requestId } = requestMessage(h);

    // Act
    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    // Assess: the run ended when web became INACTIVE, not before
    const final = channelMessages(h).at(-1)!;
    expect(final.text).toMatch(/^Delete service web \(lab\): Service web deleted in 2m.*; its tasks have stopped\.$/);
    expect(shown(final)).toMatch(/:white_check_mark: Wait for `web` to drain — took 2m/);
    const deletedAt = h.sandbox.callsTo('ecs:DeleteService')[0]!.at;
    expect(clock.now() - deletedAt).toBeGreaterThanOrEqual(TWO_MINUTES);
    const { ecs } = await labClients(h);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['web'] }));
    expect(described.services?.[0]).toMatchObject({ status: 'INACTIVE', runningCount: 0 });
    const stopping = await ecs.send(
      new ListTasksCommand({ cluster: 'lab', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    expect(stopping.taskArns).toHaveLength(2);
    expect(h.sandbox.callsTo('ecs:ListServices').filter((c) => c.at >= deletedAt)).toEqual([]);
    // While it drained, the progress said so.
    expect(
      h.slack
        .callsTo('chat.update')
        .some((c) => /Wait for `web` to drain.*draining/.test(JSON.stringify(c.args.blocks))),
    ).toBe(true);
  });
});
