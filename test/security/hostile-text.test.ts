import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { testAccount } from '../../testbed/accounts';
import { CHANNELS, USERS } from '../../testbed/config';
import { type EventsHarness, startEventsHarness, taskStopped, WEB_CHANNEL } from '../../testbed/events';
import { foreignControlsIn, mrkdwnTexts } from '../../testbed/mrkdwn';
import type { AccountSeed } from '../../src/sandbox/seed';

/**
 * Text from AWS or from a user is data: it reaches Slack escaped, in the blocks and in the
 * fallback text (which Slack uses for notifications, and which is mrkdwn too), so it can neither
 * ping the channel nor pass off a link as something else. The reason below is what a container
 * could report (a container's reason and a task's stopped reason carry text the application or
 * a person wrote).
 */
const HOSTILE_REASON = '<!channel> <https://x.example|y>';
const ESCAPED_REASON = '&lt;!channel&gt; &lt;https://x.example|y&gt;';

/** testAccount() plus `worker` on prod: its essential container is killed as soon as it runs, with the hostile reason. */
function account(): AccountSeed {
  const seed = testAccount();
  seed.taskDefinitions.push({
    family: 'worker',
    containerDefinitions: [{ name: 'worker', image: 'example/worker:3', cpu: 128, memory: 256, essential: true }],
  });
  seed.behaviours = { ...seed.behaviours, worker: { crash: { afterMs: 0, exitCode: 137, reason: HOSTILE_REASON } } };
  seed.clusters
    .find((c) => c.name === 'prod')!
    .services!.push({ name: 'worker', taskDefinition: 'worker', desiredCount: 1 });
  return seed;
}

const trusted = { users: Object.values(USERS), channels: Object.values(CHANNELS) };

function expectEscaped(message: Reply | { text?: string; blocks?: unknown }, where: string): void {
  expect({ where, foreign: foreignControlsIn(message, trusted) }).toEqual({ where, foreign: [] });
}

describe('a hostile container reason from a notification', () => {
  let h: EventsHarness;
  beforeEach(async () => {
    h = await startEventsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('reaches the channel escaped in the blocks, the fallback text and the thread details, and pings nobody', async () => {
    const first = h.clock.now();
    for (let i = 0; i < 3; i += 1) {
      await h.handler(
        taskStopped({
          service: 'web',
          stoppedAt: first + i * 1000,
          stoppedReason: HOSTILE_REASON,
          stopCode: 'TaskFailedToStart',
          containers: [{ name: 'app', exitCode: 1, reason: HOSTILE_REASON }],
        }),
      );
      h.clock.advance(61_000);
    }
    await h.handler(
      taskStopped({
        service: 'web',
        stoppedAt: h.clock.now(),
        stoppedReason: HOSTILE_REASON,
        stopCode: 'TaskFailedToStart',
        containers: [{ name: 'app', exitCode: 1, reason: HOSTILE_REASON }],
      }),
    );

    const posted = h.slack.calls.filter(
      (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === WEB_CHANNEL,
    );
    expect(posted.length).toBeGreaterThanOrEqual(2);
    for (const call of posted) expectEscaped({ text: String(call.args.text), blocks: call.args.blocks }, call.method);
    const message = h.slack.messages(WEB_CHANNEL)[0]!;
    // The fallback text carries the reason (a task that failed to start is named by its reason), escaped.
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(mrkdwnTexts(message).join('\n')).toContain(`*Stopped reason:* ${ESCAPED_REASON}`);
    expect(mrkdwnTexts(message).join('\n')).toContain(`· ${ESCAPED_REASON}`);
    // The thread details, too.
    const thread = posted.filter((c) => c.args.thread_ts !== undefined);
    expect(thread.length).toBeGreaterThan(0);
    expect(thread.map((c) => String(c.args.text)).join('\n')).toContain('&lt;!channel&gt;');
  });
});

describe('a hostile container reason, and hostile words a user types, through signed requests', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  function expectAllEscaped(replies: Reply[]): void {
    replies.forEach((reply, i) => expectEscaped(reply, `reply ${i}`));
  }

  it('the scale follow-up lists why the tasks stopped, escaped in its blocks and its text', async () => {
    h = await startHarness({ sandbox: { account: account() }, followUpTimeoutMs: 600 });
    const result = await h.command('scale worker 2');
    const followUp = result.replies[1]!;
    expect(followUp.text).toMatch(/^worker in prod.*0\/2 running/);
    expect(followUp.text).toContain(ESCAPED_REASON);
    expect(JSON.stringify(followUp.blocks)).toContain(ESCAPED_REASON);
    expectAllEscaped(result.replies);
  });

  it('the task view of a crashed task shows the container reason escaped, in the blocks and the text', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const stopped = [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.lastStatus === 'STOPPED' && t.group === 'service:worker',
    );
    expect(stopped).toBeDefined();
    const id = stopped!.arn.split('/').pop()!;
    const result = await h.command(`task ${id}`);
    const view = result.replies[0]!;
    expect(mrkdwnTexts(view).join('\n')).toContain(ESCAPED_REASON);
    expectAllEscaped(result.replies);
  });

  it('a stop reason a user types reaches the channel escaped, and so does the task view that shows it later', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    const running = [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.lastStatus === 'RUNNING' && t.group === 'service:web',
    );
    const id = running!.arn.split('/').pop()!;
    // Slack sends what the user typed with &, < and > escaped; the bot reads it back as typed.
    const stop = await h.command(`stop ${id} --reason "&lt;!here&gt; see &lt;https://x.example|the runbook&gt;"`);
    expect(h.sandbox.callsTo('ecs:StopTask')[0]?.params.reason).toContain(
      '<!here> see <https://x.example|the runbook>',
    );
    expect(JSON.stringify(stop.replies[0]?.blocks)).toContain(
      '&lt;!here&gt; see &lt;https://x.example|the runbook&gt;',
    );
    expectAllEscaped(stop.replies);
    const view = await h.command(`task ${id}`);
    expect(mrkdwnTexts(view.replies[0]!).join('\n')).toContain('&lt;!here&gt;');
    expectAllEscaped(view.replies);
  });

  it('names a user types that match nothing come back escaped in the refusal', async () => {
    h = await startHarness({ sandbox: { account: account() } });
    for (const text of [
      'images &lt;!channel&gt;',
      'instance &lt;@U0EVIL&gt;',
      'help &lt;!subteam^S0EVIL&gt;',
      '&lt;#C0EVIL&gt;',
      'services -c &lt;!everyone&gt;',
      'logs web --lines &lt;!here&gt;',
    ]) {
      const result = await h.command(text);
      expectEscaped(result.ack, `ack of ${text}`);
      expectAllEscaped(result.replies);
    }
    // Where the reply repeats the words, it repeats them escaped.
    expect((await h.command('&lt;#C0EVIL&gt;')).ack.text).toContain('`&lt;#C0EVIL&gt;`');
    expect((await h.command('help &lt;!subteam^S0EVIL&gt;')).ack.text).toContain('`&lt;!subteam^S0EVIL&gt;`');
  });
});
