import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';
import {
  SCALE_INPUT_ACTION,
  SCALE_INPUT_BLOCK,
  SCALE_MODAL_ACTION,
  SCALE_MODAL_CALLBACK,
} from '../../src/slack/views/scale-modal';
import { activeMute } from '../../src/notifications/mutes';
import { runJob } from '../../src/worker/run-job';
import { roleArn } from '../../testbed/accounts';

/**
 * Every Slack payload that can lead to an AWS call or a state change, with the parts a client
 * could alter changed: a button's value (cluster, words), a form's hidden state (cluster,
 * channel, response URL), the channel a click claims to come from. Slack signs what it sends,
 * but the values inside are ours only as long as nothing else can put them there, so each one is
 * checked again as if it were typed.
 *
 * On top of testbed/config.ts: dave is on call, with operate on prod in #ops only.
 */
const DAVE = 'U0DAVE';
function configWithOncall() {
  return testConfig(
    testConfigYaml().replace(
      'teams:\n',
      `teams:\n  oncall:\n    users: [${DAVE}]\n    channels: [${CHANNELS.ops}]\n    access: { prod: operate }\n`,
    ),
  );
}

const countInput = (value: string) => ({
  [SCALE_INPUT_BLOCK]: { [SCALE_INPUT_ACTION]: { type: 'number_input', value } },
});
const button = (cluster: string, ...args: string[]) => JSON.stringify({ cluster, args });

describe('forged or altered payloads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: configWithOncall() });
  });
  afterEach(async () => {
    await h.stop();
  });

  describe('command buttons (cmd:*)', () => {
    it('a read-only user whose button says scale is refused as if they had typed it, and no AWS call is made', async () => {
      const result = await h.click('cmd:scale', button('prod', 'web', '3'), { user: USERS.rita });
      expect(result.seen).toMatch(/`scale` needs \*operate\* on \*prod\*, but you have \*read\* there/);
      expect(h.sandbox.calls).toEqual([]);
    });

    it('a button naming a cluster the user has no access to is refused, and no AWS call is made', async () => {
      const result = await h.click('cmd:restart', button('staging', 'web'), { user: USERS.rita });
      expect(result.seen).toMatch(/`restart` needs \*operate\* on \*staging\*, but you have no access there/);
      expect(h.sandbox.calls).toEqual([]);
    });

    it('a button naming a cluster that is not in the config is refused, and no AWS call is made', async () => {
      const result = await h.click(
        'cmd:scale',
        button('arn:aws:ecs:us-east-1:999999999999:cluster/theirs', 'web', '3'),
        { user: USERS.bob },
      );
      expect(result.seen).toContain('There is no cluster called');
      expect(h.sandbox.calls).toEqual([]);
    });

    it('an operator whose button says teardown is refused: it needs admin, and no AWS call is made', async () => {
      const result = await h.click('cmd:teardown', button('staging', 'staging'), { user: USERS.alice });
      expect(result.seen).toMatch(/`teardown` needs \*admin\* on \*staging\*/);
      expect(h.sandbox.calls).toEqual([]);
    });

    it('a team whose grants count only in #ops cannot use them through a button clicked elsewhere', async () => {
      const elsewhere = await h.click('cmd:scale', button('prod', 'web', '2'), { user: DAVE, channel: CHANNELS.web });
      expect(elsewhere.seen).toMatch(/Team \*oncall\* grants operate on prod only in <#C0OPS>/);
      expect(h.sandbox.calls).toEqual([]);

      await h.click('cmd:scale', button('prod', 'web', '2'), { user: DAVE, channel: CHANNELS.ops });
      expect(h.sandbox.world.service('prod', 'web').desiredCount).toBe(2);
    });

    it('clusters through a button reads only the clusters the clicker may read in that channel, whatever the button names', async () => {
      const elsewhere = await h.click('cmd:clusters', button('staging'), { user: DAVE, channel: CHANNELS.web });
      expect(elsewhere.seen).toContain('None of your teams (oncall) has access to a cluster in this channel.');
      expect(h.sandbox.calls).toEqual([]);

      await h.click('cmd:clusters', button('staging'), { user: DAVE, channel: CHANNELS.ops });
      expect(h.sandbox.callsTo('sts:AssumeRole').map((c) => c.params.RoleArn)).toEqual([roleArn('prod', 'read')]);
    });

    it('an approval-gated verb sent by a button asks for approval like the typed command, and deletes nothing', async () => {
      await h.click('cmd:service delete', button('prod', 'web'), { user: USERS.bob, channel: CHANNELS.web });
      const posted = h.slack.callsTo('chat.postMessage').map((c) => JSON.stringify(c.args));
      expect(posted.join('\n')).toContain('approval:approve');
      expect(h.sandbox.mutations()).toEqual([]);
      expect(h.sandbox.world.service('prod', 'web').status).toBe('ACTIVE');
    });

    it('a teardown button whose cluster and words disagree is refused at once, without assuming any role', async () => {
      const result = await h.click('cmd:teardown', button('staging', 'prod'), {
        user: USERS.bob,
        channel: CHANNELS.web,
      });
      expect(result.seen).toMatch(/name different clusters/);
      expect(h.sandbox.calls).toEqual([]);
      expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
    });
  });

  describe('the Scale form', () => {
    /** A listener that stands for somebody else's server: it records whatever the bot sends it. */
    let elsewhere: Server;
    let received: string[];
    let elsewhereUrl: string;
    beforeEach(async () => {
      received = [];
      elsewhere = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push(body);
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/collect`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    });

    const metadata = (overrides: Record<string, unknown>) =>
      JSON.stringify({
        cluster: 'prod',
        service: 'web',
        current: 1,
        channelId: CHANNELS.web,
        responseUrl: h.slack.responseUrl(),
        ...overrides,
      });

    it.each([
      ['an operator, whose scale would run', USERS.alice],
      ['a read-only user, whose refusal would be sent there', USERS.rita],
    ])(
      'a form whose hidden response URL points elsewhere sends nothing there (%s), and nothing is scaled',
      async (_who, user) => {
        const res = await h.submit(
          {
            callbackId: SCALE_MODAL_CALLBACK,
            privateMetadata: metadata({ responseUrl: elsewhereUrl }),
            values: countInput('3'),
          },
          { user },
        );
        expect(JSON.parse(res.body || '{}')).toMatchObject({ response_action: 'errors' });
        expect(received).toEqual([]);
        expect(h.sandbox.calls).toEqual([]);
      },
    );

    it('a form whose hidden cluster was changed is authorized on that cluster, and refused there', async () => {
      await h.submit(
        {
          callbackId: SCALE_MODAL_CALLBACK,
          privateMetadata: metadata({ cluster: 'staging' }),
          values: countInput('3'),
        },
        { user: USERS.rita },
      );
      expect(h.sandbox.calls).toEqual([]);
      expect(
        h.slack
          .callsTo('response_url')
          .map((c) => String(c.args.text))
          .join('\n'),
      ).toMatch(/`scale` needs \*operate\* on \*staging\*/);
    });

    it('a channel-restricted team cannot open the Scale form outside its channel', async () => {
      const result = await h.click(
        SCALE_MODAL_ACTION,
        JSON.stringify({ cluster: 'prod', service: 'web', current: 1 }),
        { user: DAVE, channel: CHANNELS.web },
      );
      expect(result.seen).toMatch(/only in <#C0OPS>/);
      expect(h.slack.callsTo('views.open')).toEqual([]);
      expect(h.sandbox.calls).toEqual([]);
    });
  });

  describe('the Mute button', () => {
    const mute = (user: string, channel: string, cluster = 'prod') =>
      h.click('notify:mute', JSON.stringify({ cluster, service: 'web', minutes: 60 }), { user, channel });

    it('a team whose grants count only in #ops cannot mute from another channel', async () => {
      await mute(DAVE, CHANNELS.alerts);
      expect(await activeMute(h.state.store, 'prod', 'web', Date.now())).toBeUndefined();
      expect(h.slack.callsTo('chat.postEphemeral')[0]?.args.text).toMatch(
        /^`Mute` needs \*operate\* on \*prod\*, but you have no access there\. Team \*oncall\* grants operate on prod only in <#C0OPS>: run it there\./,
      );
    });

    it('a reader of prod cannot mute staging by changing the button’s cluster', async () => {
      await mute(USERS.rita, CHANNELS.alerts, 'staging');
      expect(await activeMute(h.state.store, 'staging', 'web', Date.now())).toBeUndefined();
    });

    it('a button naming a cluster that is not in the config, or a prototype key, mutes nothing', async () => {
      for (const cluster of ['nope', '__proto__', 'constructor']) await mute(USERS.bob, CHANNELS.alerts, cluster);
      expect(h.slack.callsTo('chat.postEphemeral').map((c) => c.args.text)).toEqual(
        Array(3).fill('This Mute button no longer matches the configuration; nothing was muted.'),
      );
    });
  });

  describe('approval buttons', () => {
    it('an approval button with a request id nobody asked for changes nothing', async () => {
      const click = await h.click('approval:approve', randomUUID(), { user: USERS.bob });
      expect(click.replies[0]?.text).toContain('That approval request does not exist');
      expect(h.sandbox.calls).toEqual([]);
    });
  });

  describe('the worker’s job', () => {
    // Jobs come from our own Slack function (a Lambda invoke only it may make), which has
    // authorized them. The worker still refuses a job whose level is not the one its verb needs.
    const job = (overrides: Record<string, unknown>) => ({
      kind: 'command',
      id: randomUUID(),
      words: ['services'],
      verb: 'services',
      cluster: 'prod',
      level: 'read',
      team: 'readers',
      user: { id: USERS.rita, teamId: 'T0TEST' },
      channelId: CHANNELS.web,
      responseUrl: h.slack.responseUrl(),
      source: 'slash',
      requestedAt: Date.now(),
      ...overrides,
    });

    it('a job that asks for a higher level than its verb needs is refused without assuming any role', async () => {
      await runJob(job({ level: 'admin' }), h.worker);
      expect(h.sandbox.calls).toEqual([]);
      expect(
        h.slack
          .callsTo('response_url')
          .map((c) => String(c.args.text))
          .join('\n'),
      ).toContain('did not arrive as it was authorized');
    });

    it('a job whose verb and words disagree is refused without assuming any role', async () => {
      await runJob(job({ words: ['scale', 'web', '3'], verb: 'services', level: 'operate' }), h.worker);
      expect(h.sandbox.calls).toEqual([]);
    });

    it('a well-formed job for the verb’s own level runs (the refusals above are about the level)', async () => {
      await runJob(job({}), h.worker);
      expect(h.sandbox.callsTo('sts:AssumeRole')).toHaveLength(1);
    });
  });
});
