import { type WebClient } from '@slack/web-api';
import { ManualClock, type EcsEventBridgeEvent, type TaskRecord } from '../../src/sandbox';
import { createEventsHandler } from '../../src/notifications/pipeline';
import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { sandboxTimeClock } from '../../testbed/sandbox-time';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import { EXECUTION_ROLE, ONLY_P3, OOM_REASON, PRIVATE_A, PRIVATE_B, whyAccount } from '../../testbed/why-fixtures';

type Element = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };

const buttonsOf = (blocks: unknown[] | undefined): Element[] =>
  ((blocks ?? []) as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const sectionOf = (reply: Reply | undefined, label: string) =>
  ((reply?.blocks ?? []) as Block[]).map((b) => b.text?.text ?? '').find((t) => t.startsWith(`*${label}:*`)) ?? '';

/**
 * The Why? button on a stop notification and on a follow-up that ended badly: it carries only the
 * cluster and the task id (or service name), and a click runs the same diagnosis as typing
 * `/ecs why`, as a job, with the clicker's own access.
 */
describe('the Why? button', () => {
  let h: Harness;
  let clock: ManualClock;
  let events: EcsEventBridgeEvent[];
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    h = await startHarness({
      // prod's notifications include stops a user asked for, so a SIGTERM kill reaches #alerts too.
      config: testConfig(
        testConfigYaml().replace(
          `notify: { channel: ${CHANNELS.alerts} }`,
          `notify: { channel: ${CHANNELS.alerts}, events: [unexpectedStop, userStop, placementFailure] }`,
        ),
      ),
      clock: sandboxTimeClock(clock),
      sandbox: { account: whyAccount(), clock, timings: { taskStartMs: 0, taskStopMs: 1000 } },
      followUpTimeoutMs: 60_000,
      // A crash loop looks settled between crashes: the follow-up watches a while longer.
      followUpSteadyMs: 20_000,
    });
    events = [];
    h.sandbox.onEvent((e) => events.push(structuredClone(e)));
  });
  afterEach(async () => {
    await h.stop();
  });

  const pass = (ms: number) => {
    clock.advance(ms);
    h.sandbox.tick();
  };

  /** What EventBridge would do: hand the account's ECS events to the real events function. */
  async function deliverEvents(): Promise<void> {
    const handler = createEventsHandler({
      config: h.config,
      logger: h.logs.logger,
      clock: h.clock,
      slack: h.worker.slack as WebClient,
      state: h.state.store,
    });
    for (const event of events.splice(0)) await handler(event);
  }

  it('on a crash notification in #alerts: a reader clicks it and gets the OOM diagnosis of that very task', async () => {
    // Prepare: hog's task is OOM-killed; its stop reaches #alerts as a notification.
    pass(125_000);
    await deliverEvents();
    const notification = h.slack
      .callsTo('chat.postMessage')
      .map((c) => c.args as { channel: string; text: string; blocks?: unknown[] })
      .find((m) => m.channel === CHANNELS.alerts && m.text.startsWith('hog: task stopped'))!;
    expect(notification).toBeDefined();
    const why = buttonsOf(notification.blocks).find((b) => b.text.text === 'Why?')!;
    // Only ids on the button: the cluster alias and the id of the task the notification shows.
    const value = JSON.parse(why.value) as { cluster: string; args: string[] };
    expect(why.action_id).toBe('cmd:why');
    expect(value).toEqual({ cluster: 'prod', args: [expect.stringMatching(/^[0-9a-f]{32}$/)] });
    const stopped: TaskRecord = h.sandbox.world.cluster('prod').tasks.get(value.args[0]!)!;
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', containers: [{ exitCode: 137, reason: OOM_REASON }] });
    expect(JSON.stringify(notification.blocks)).toContain(stopped.id);

    // Act
    const result = await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts });

    // Assess: the same diagnosis `/ecs why` gives, only to the reader who clicked.
    // The button's ack comes first, then the worker's answer.
    expect(result.replies[0]?.text).toContain('Looking into why');
    const reply = result.replies.at(-1)!;
    expect(reply.response_type).toBe('ephemeral');
    expect(sectionOf(reply, 'Cause')).toBe(
      '*Cause:* Container hog ran out of memory: it reached its memory limit and was killed (exit 137, OutOfMemoryError).',
    );
    expect(sectionOf(reply, 'Fix')).toContain('Raise `memory` of container hog (now 256 MiB)');
    expect(JSON.stringify(reply.blocks)).toContain(`container hog: exit 137 — ${OOM_REASON}`);
    expect(JSON.stringify(reply.blocks)).toContain(`Why: task ${stopped.id.slice(0, 8)} (hog) in prod`);
  });

  it('on a deployment’s live message whose follow-up found it crash-looping: a click names the start-up crash and its last log lines', async () => {
    // Prepare: api is deployed to `broken`, whose container exits with code 1 three seconds after it starts.
    // The deployment's live message in #alerts is the follow-up: it shows the finding and its buttons.
    const result = await h.command('deploy api broken:1');
    expect(result.replies).toHaveLength(1);
    const live = liveMessage(h, CHANNELS.alerts);
    expect(live.text).toMatch(/^api in prod: deploy api:1 → broken:1 — .* · api in prod is crash-looping/);
    const message = h.slack.messages(CHANNELS.alerts).find((m) => m.ts === live.ts)!;
    const why = buttonsOf(message.blocks).find((b) => b.text.text === 'Why?')!;
    expect(why.action_id).toBe('cmd:why');
    expect(JSON.parse(why.value)).toEqual({ cluster: 'prod', args: [expect.stringMatching(/^[0-9a-f]{32}$/)] });

    // Act
    const clicked = await h.click(why.action_id, why.value, { user: USERS.alice, channel: CHANNELS.alerts });

    // Assess
    const reply = clicked.replies.at(-1)!;
    expect(sectionOf(reply, 'Cause')).toMatch(
      /^\*Cause:\* The application in api crashed at start-up: it exited with code 1 3 s after the task started\.$/,
    );
    expect(JSON.stringify(reply.blocks)).toContain('*Last log lines of api*');
    expect(JSON.stringify(reply.blocks)).toContain('api: starting example/api:7');
  });

  it('on a follow-up that cannot place tasks: a click names the port requirement and the free capacity per instance', async () => {
    const result = await h.command('scale web 2 -c staging');
    const followUp = result.replies.at(-1)!;
    const why = buttonsOf(followUp.blocks).find((b) => b.text.text === 'Why?')!;
    expect(JSON.parse(why.value)).toEqual({ cluster: 'staging', args: ['web'] });

    const reply = (await h.click(why.action_id, why.value, { user: USERS.alice })).replies.at(-1)!;

    expect(sectionOf(reply, 'Cause')).toContain('no instance met its port requirement');
    expect(JSON.stringify(reply.blocks)).toMatch(/CPU units free, \d+ of \d+ MiB free/);
  });

  /** Every Why? button of the notifications posted or edited so far, by what it names. */
  function whyButtons(): Map<string, Element> {
    const byTarget = new Map<string, Element>();
    for (const call of [...h.slack.callsTo('chat.postMessage'), ...h.slack.callsTo('chat.update')]) {
      const args = call.args as { channel?: string; blocks?: unknown[] };
      for (const b of buttonsOf(args.blocks).filter((x) => x.text.text === 'Why?'))
        byTarget.set((JSON.parse(b.value) as { args: string[] }).args[0]!, b);
    }
    return byTarget;
  }

  const fargate = (family: string): TaskRecord =>
    h.sandbox.world.runTask('prod', {
      taskDefinition: family,
      launchType: 'FARGATE',
      awsvpc: { subnets: [PRIVATE_A], securityGroups: [], assignPublicIp: 'DISABLED' },
    }).tasks[0]!;
  const standalone = (family: string): TaskRecord =>
    h.sandbox.world.runTask('prod', { taskDefinition: family }).tasks[0]!;

  it.each([
    {
      cause: 'a start-up crash',
      start: () => standalone('broken'),
      after: 10_000,
      says: 'The application in api crashed at start-up: it exited with code 1 3 s after the task started.',
      fix: 'Its last log lines below say why',
    },
    {
      cause: 'a missing image tag',
      start: () => standalone('worker'),
      after: 1_000,
      says: 'repository worker has no tag 9.9.',
      fix: 'Push 9.9 to worker, or deploy one of the tags it has',
    },
    {
      cause: 'a repository that refuses the execution role',
      start: () => standalone('vault'),
      after: 1_000,
      says: `The registry refused the image pull: the task execution role ${EXECUTION_ROLE} has no permission`,
      fix: `Give ${EXECUTION_ROLE} ecr:GetAuthorizationToken`,
    },
    {
      cause: 'a missing log group',
      start: () => standalone('legacy'),
      after: 1_000,
      says: 'The log group the containers log to does not exist (/ecs/gone)',
      fix: 'Create the log group /ecs/gone',
    },
    {
      cause: 'a secret the execution role may not read',
      start: () => fargate('billing'),
      after: 1_000,
      says: `The task execution role ${EXECUTION_ROLE} may not read arn:aws:secretsmanager:`,
      fix: 'Allow secretsmanager:GetSecretValue on',
    },
    {
      cause: 'a private subnet without a NAT route',
      start: () => {
        h.sandbox.world.setNatRoute(PRIVATE_A, false);
        return fargate('edge');
      },
      after: 1_000,
      says: `The task could not reach the image registry: the connection timed out. Its subnet ${PRIVATE_A} is private with no NAT gateway`,
      fix: 'a NAT gateway as the default route of a private subnet, or VPC endpoints for ECR',
    },
    {
      cause: 'a subnet with no free IP address left',
      start: () => {
        // The seed leaves PRIVATE_B one free address: the first task takes it, the second gets no ENI.
        const awsvpc = { subnets: [PRIVATE_B], securityGroups: [], assignPublicIp: 'DISABLED' as const };
        h.sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc });
        return h.sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc }).tasks[0]!;
      },
      after: 1_000,
      says: 'The task’s network interface could not be created: the subnet is out of free IP addresses',
      fix: 'Use a larger subnet or add subnets in other Availability Zones',
    },
    {
      cause: 'a task that ignores SIGTERM, stopped by a user',
      start: () => {
        const task = standalone('stubborn');
        h.sandbox.world.stopTask('prod', task.id, 'Stopped by @alice via Slack');
        return task;
      },
      after: 10_000,
      says: 'did not exit on SIGTERM, so ECS killed it with SIGKILL after stopTimeout (2 s): exit 137',
      fix: 'Make the process handle SIGTERM and exit',
    },
  ])('on the notification of $cause: a click names the cause and the fix', async (c) => {
    const task = c.start();
    pass(c.after);
    await deliverEvents();
    const why = whyButtons().get(task.id)!;
    expect(why).toBeDefined();

    const reply = (await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts })).replies.at(
      -1,
    )!;

    expect(sectionOf(reply, 'Cause')).toContain(c.says);
    expect(sectionOf(reply, 'Fix')).toContain(c.fix);
  });

  it('on the notification of a task replaced for failing ELB health checks: a click names the reason code, path and port', async () => {
    pass(100_000);
    await deliverEvents();
    const replaced = [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.service?.name === 'shop' && t.stopCode === 'ServiceSchedulerInitiated',
    )!;
    const why = whyButtons().get(replaced.id)!;

    const reply = (await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts })).replies.at(
      -1,
    )!;

    expect(sectionOf(reply, 'Cause')).toContain('health checks fail in target group shop');
    expect(sectionOf(reply, 'Fix')).toContain('Make the application answer /healthz with 200');
  });

  it('on a placement failure notification: a click names the port no instance had free, with each instance', async () => {
    // Three copies of a fixed host port 80 on prod's two instances.
    h.sandbox.world.createService('prod', { name: 'front', taskDefinition: 'web-fixed', desiredCount: 3 });
    pass(5_000);
    await deliverEvents();
    const why = whyButtons().get('front')!;
    expect(JSON.parse(why.value)).toEqual({ cluster: 'prod', args: ['front'] });

    const reply = (await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts })).replies.at(
      -1,
    )!;

    expect(sectionOf(reply, 'Cause')).toContain(
      'no instance met its port requirement — port 80 is already used on all 2 instances',
    );
    expect(sectionOf(reply, 'Fix')).toBe(
      '*Fix:* Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.',
    );
  });

  it('on a placement failure notification for a constraint no instance meets: a click names the attribute requirement and the fix', async () => {
    h.sandbox.world.createService('prod', {
      name: 'pinned',
      taskDefinition: 'pinned',
      desiredCount: 1,
      placementConstraints: [ONLY_P3],
    });
    pass(5_000);
    await deliverEvents();
    const why = whyButtons().get('pinned')!;
    expect(JSON.parse(why.value)).toEqual({ cluster: 'prod', args: ['pinned'] });

    const reply = (await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts })).replies.at(
      -1,
    )!;

    expect(sectionOf(reply, 'Cause')).toContain('no instance met its attribute requirement');
    expect(sectionOf(reply, 'Fix')).toContain(
      'Check the placement constraints and the task definition’s requiresAttributes against the instances',
    );
  });

  it('on the notification of a stop no rule knows: the click says so and quotes the raw reason, never a guess', async () => {
    const task = standalone('cron');
    pass(1_000);
    await deliverEvents();
    const why = whyButtons().get(task.id)!;

    const reply = (await h.click(why.action_id, why.value, { user: USERS.rita, channel: CHANNELS.alerts })).replies.at(
      -1,
    )!;

    expect(sectionOf(reply, 'Cause')).toBe(
      '*Cause:* The cause is not one I recognise, so I will not guess. These are the raw reasons ECS gave.',
    );
    expect(JSON.stringify(reply.blocks)).toContain(
      'WeirdError: the flux capacitor &lt;!channel&gt; is out of alignment',
    );
  });

  it('a forged Why? value naming a cluster the clicker may not read is refused, and nothing is read from AWS', async () => {
    const value = JSON.stringify({ cluster: 'staging', args: ['web'] });
    const before = h.sandbox.calls.length;
    const result = await h.click('cmd:why', value, { user: USERS.rita, channel: CHANNELS.alerts });
    expect(result.seen).toContain('`why` needs *read* on *staging*');
    expect(h.sandbox.calls.length).toBe(before);
  });
});
