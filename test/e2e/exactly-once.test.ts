import { JOB_MAX_AGE_MS, type CommandJob } from '../../src/jobs/job';
import { runJob } from '../../src/worker/run-job';
import { StateStore } from '../../src/state/table';
import { shiftableClock } from '../../testbed/approvals';
import { CHANNELS, USERS } from '../../testbed/config';
import { startHarness, type Harness } from '../../testbed/harness';
import { apiGatewayEvent, blockActionBody, slashCommandBody } from '../../testbed/slack-requests';

/**
 * Lambda delivers an async invocation at least once, and a signed Slack request can be sent again
 * within Slack's 5-minute window: either way AWS must change once.
 */
describe('every command changes AWS once', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  function skippedAsClaimed(): number {
    return h.logs
      .lines()
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('job skipped: this job id was already claimed'))
      .length;
  }

  it('the same scale job delivered twice to the worker updates the service once, and the second delivery says why in the log', async () => {
    h = await startHarness();
    await h.command('scale web 3');
    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(1);
    const replies = h.slack.calls.filter((c) => c.method === 'response_url').length;

    await runJob(h.jobs[0], h.worker);

    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(1);
    expect(h.slack.calls.filter((c) => c.method === 'response_url')).toHaveLength(replies);
    expect(skippedAsClaimed()).toBe(1);
  });

  it('the same run job delivered twice, even at the same moment, starts its tasks once', async () => {
    h = await startHarness();
    await h.command('run web --count 2');
    const job = h.jobs[0]!;
    await Promise.all([runJob(job, h.worker), runJob(job, h.worker), runJob(job, h.worker)]);

    expect(h.sandbox.callsTo('ecs:RunTask')).toHaveLength(1);
    expect(
      [...h.sandbox.world.cluster('prod').tasks.values()].filter((t) => t.startedBy === `chatops/${USERS.alice}`),
    ).toHaveLength(2);
    expect(skippedAsClaimed()).toBe(3);
  });

  it('a signed request replayed byte for byte within five minutes is acknowledged but changes nothing the second time', async () => {
    h = await startHarness();
    const request = apiGatewayEvent(
      slashCommandBody({
        text: 'scale web 4',
        userId: USERS.alice,
        channelId: CHANNELS.web,
        responseUrl: h.slack.responseUrl(),
      }),
    );

    const first = await h.send(request);
    const replay = await h.send(structuredClone(request));
    await h.drain();

    expect([first.statusCode, replay.statusCode]).toEqual([200, 200]);
    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', desiredCount: 4 },
    ]);
  });

  it('a button click replayed byte for byte restarts the service once', async () => {
    h = await startHarness();
    const click = apiGatewayEvent(
      blockActionBody({
        actionId: 'cmd:restart',
        value: JSON.stringify({ cluster: 'prod', args: ['web'] }),
        userId: USERS.alice,
        channelId: CHANNELS.web,
        responseUrl: h.slack.responseUrl(),
      }),
    );

    await h.send(click);
    await h.send(structuredClone(click));
    await h.drain();

    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      expect.objectContaining({ cluster: 'prod', service: 'web', forceNewDeployment: true }),
    ]);
  });

  it('two different requests for the same change are two jobs: only a replay is refused', async () => {
    h = await startHarness();
    // (Not `scale web 3` twice: a scale to the count a service already wants changes nothing by design.)
    await h.command('restart web');
    await h.command('restart web');
    expect(new Set(h.jobs.map((j) => j.id)).size).toBe(2);
    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(2);
  });

  it('a job that waited longer than five minutes is not run, and the user is told to type it again', async () => {
    const clock = shiftableClock();
    let hold = true;
    h = await startHarness({ clock, lostJobs: () => hold });
    await h.command('scale web 3');
    hold = false;
    clock.advance(JOB_MAX_AGE_MS + 60_000);

    await runJob(h.jobs[0], h.worker);

    expect(h.sandbox.mutations()).toEqual([]);
    const told = h.slack.calls.filter((c) => c.method === 'response_url').map((c) => String(c.args.text));
    expect(told).toEqual([
      '`scale web 3` waited 6m before I could start it, so I did not run it: the cluster may have changed since. Nothing was changed; type `/ecs scale web 3` again if you still want it.',
    ]);
    const audit = h.logs
      .lines()
      .map((l) => l.audit as { outcome?: string; detail?: string } | undefined)
      .find((a) => a?.outcome === 'expired');
    expect(audit?.detail).toBe('waited 360s before the worker started it (max 300s); not run');
  });

  it('a job four minutes old still runs', async () => {
    const clock = shiftableClock();
    let hold = true;
    h = await startHarness({ clock, lostJobs: () => hold });
    await h.command('scale web 2');
    hold = false;
    clock.advance(4 * 60_000);

    await runJob(h.jobs[0], h.worker);

    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(1);
  });

  it('when the state table cannot record the claim, the job is not run and the user is told to try again', async () => {
    h = await startHarness();
    const broken = { ...h.worker, state: new StateStore({ client: h.state.client, tableName: 'no-such-table' }) };

    await runJob(commandJob(h, 'scale web 3'), broken);

    expect(h.sandbox.mutations()).toEqual([]);
    const told = h.slack.calls
      .filter((c) => c.method === 'response_url')
      .map((c) => String(c.args.text))
      .at(-1);
    expect(told).toContain(
      "I could not start `scale web 3`: the bot's state table did not answer, so I could not make sure it runs only once. Nothing was changed",
    );
  });
});

/** A job as the Slack function makes it for alice in #web. */
function commandJob(h: Harness, text: string): CommandJob {
  return {
    kind: 'command',
    id: 'made-by-test',
    words: text.split(' '),
    verb: text.split(' ')[0]!,
    cluster: 'prod',
    level: 'operate',
    team: 'web',
    user: { id: USERS.alice, name: 'alice', teamId: 'T0TEST' },
    channelId: CHANNELS.web,
    responseUrl: h.slack.responseUrl(),
    source: 'slash',
    requestedAt: h.clock.now(),
  };
}
