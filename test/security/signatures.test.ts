import fc from 'fast-check';
import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { apiGatewayEvent, blockActionBody, slashCommandBody, viewSubmissionBody } from '../../testbed/slack-requests';
import {
  SCALE_INPUT_ACTION,
  SCALE_INPUT_BLOCK,
  SCALE_MODAL_ACTION,
  SCALE_MODAL_CALLBACK,
} from '../../src/slack/views/scale-modal';
import { VERBS } from '../../src/verbs';

/**
 * docs/targets.md, reliability and security: tampered, stale (> 5 min) or missing Slack signatures get
 * 401 and make zero AWS calls, on every kind of request Slack sends us; random command text never
 * crashes the handler nor changes anything in AWS.
 */
describe('requests Slack did not sign are refused before anything runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const bodies = (responseUrl: string): [string, string][] => [
    [
      'a slash command',
      slashCommandBody({ text: 'scale web 3', userId: USERS.bob, channelId: CHANNELS.web, responseUrl }),
    ],
    [
      'a command button',
      blockActionBody({
        actionId: 'cmd:scale',
        value: JSON.stringify({ cluster: 'prod', args: ['web', '3'] }),
        userId: USERS.bob,
        responseUrl,
      }),
    ],
    [
      'a Scale button',
      blockActionBody({
        actionId: SCALE_MODAL_ACTION,
        value: JSON.stringify({ cluster: 'prod', service: 'web', current: 1 }),
        userId: USERS.bob,
        responseUrl,
      }),
    ],
    [
      'a Scale form submission',
      viewSubmissionBody({
        callbackId: SCALE_MODAL_CALLBACK,
        privateMetadata: JSON.stringify({
          cluster: 'prod',
          service: 'web',
          current: 1,
          channelId: CHANNELS.web,
          responseUrl,
        }),
        values: { [SCALE_INPUT_BLOCK]: { [SCALE_INPUT_ACTION]: { type: 'number_input', value: '3' } } },
        userId: USERS.bob,
      }),
    ],
  ];
  const now = () => Math.floor(Date.now() / 1000);
  const forgeries: [string, (body: string) => ReturnType<typeof apiGatewayEvent>][] = [
    ['no signature at all', (body) => apiGatewayEvent(body, { signature: null })],
    ['a signature made with another secret', (body) => apiGatewayEvent(body, { secret: 'not-the-signing-secret' })],
    [
      'a valid signature on a body changed afterwards',
      (body) => {
        const event = apiGatewayEvent(body);
        // Bob's request, turned into Rita's: the bytes signed are not the bytes sent.
        return { ...event, body: event.body.replaceAll(USERS.bob, USERS.rita) };
      },
    ],
    ['a valid signature six minutes old', (body) => apiGatewayEvent(body, { timestamp: now() - 6 * 60 })],
    ['a garbage signature', (body) => apiGatewayEvent(body, { signature: 'v0=deadbeef' })],
    [
      'no timestamp header',
      (body) => {
        const event = apiGatewayEvent(body);
        const { ['x-slack-request-timestamp']: _dropped, ...headers } = event.headers;
        return { ...event, headers };
      },
    ],
    [
      'a fresh timestamp on a six-minute-old signature',
      (body) => {
        const old = apiGatewayEvent(body, { timestamp: now() - 6 * 60 });
        return { ...old, headers: { ...old.headers, 'x-slack-request-timestamp': String(now()) } };
      },
    ],
  ];

  for (const [what, body] of bodies(`http://127.0.0.1:1/response/unused`)) {
    it.each(forgeries)(`${what} with %s gets 401, and nothing is called in AWS or Slack`, async (_how, forge) => {
      const before = { aws: h.sandbox.calls.length, slack: h.slack.calls.length };
      const res = await h.send(forge(body));
      expect(res.statusCode).toBe(401);
      expect(h.sandbox.calls.length).toBe(before.aws);
      expect(h.slack.calls.length).toBe(before.slack);
    });
  }

  it('the same requests, signed properly, do get through (so the refusals above are about the signature)', async () => {
    const result = await h.command('scale web 3', { user: USERS.bob, channel: CHANNELS.web });
    expect(result.status).toBe(200);
    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(1);
  });
});

describe('random command text', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  // Words a user might type, so random text often reaches the verbs and their flags, not only "did you mean".
  const vocabulary = [...new Set(VERBS.flatMap((v) => v.verb.split(' ')))].concat([
    'web',
    'api',
    'prod',
    'staging',
    '-c',
    '--cluster',
    '--service',
    '--lines',
    '--since',
    '0',
    '3',
    '-1',
    '1001',
    '"',
    '“',
    '&amp;',
    '<@U0BOB>',
    '<#C0WEB|web>',
    '*',
    '`',
    '\n',
    '--',
    '-',
  ]);
  const typed = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc
      .array(fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 12 })), { maxLength: 8 })
      .map((words) => words.join(' ')),
  );

  it('300 random commands from a read-only user each get a written answer, and none changes anything in AWS', async () => {
    await fc.assert(
      fc.asyncProperty(typed, async (text) => {
        const result = await h.command(text, { user: USERS.rita, channel: CHANNELS.web });
        expect(result.status).toBe(200);
        expect(result.ack.text?.trim()).toBeTruthy();
        expect(h.sandbox.mutations()).toEqual([]);
      }),
      { numRuns: 300 },
    );
    // Nothing reached the catch-all "something went wrong" either: every answer was a real one.
    expect(h.logs.raw().filter((l) => l.includes('slash command failed before ack'))).toEqual([]);
  }, 240_000);

  it('200 random button clicks from a read-only user (command, Scale and approval buttons, any value) each get an answer, and none changes anything in AWS', async () => {
    const words = fc.array(fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 12 })), { maxLength: 6 });
    const value = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc
        .record({ cluster: fc.constantFrom('prod', 'staging', 'nope', '__proto__', ''), args: words })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          cluster: fc.constantFrom('prod', 'staging'),
          service: fc.constantFrom('web', 'api', ''),
          current: fc.integer({ min: -5, max: 5000 }),
        })
        .map((v) => JSON.stringify(v)),
    );
    const actionId = fc.oneof(
      words.map((w) => `cmd:${w.join(' ')}`),
      fc.constantFrom(
        SCALE_MODAL_ACTION,
        'approval:approve',
        'approval:deny',
        'approval:cancel',
        'notify:mute',
        'cmd:scale',
        'cmd:restart',
        'cmd:teardown',
      ),
    );
    await fc.assert(
      fc.asyncProperty(actionId, value, async (id, v) => {
        const ephemerals = h.slack.callsTo('chat.postEphemeral').length;
        const result = await h.click(id, v, { user: USERS.rita, channel: CHANNELS.web });
        expect(result.status).toBe(200);
        // Answered where the button was (response_url), or privately for the Mute button.
        expect(
          result.replies.some((r) => r.text?.trim()) || h.slack.callsTo('chat.postEphemeral').length > ephemerals,
        ).toBe(true);
        expect(h.sandbox.mutations()).toEqual([]);
      }),
      { numRuns: 200 },
    );
    expect(h.logs.raw().filter((l) => /"level":50/.test(l) && !l.includes('AccessDenied'))).toEqual([]);
  }, 240_000);

  it('100 random commands from an operator without the words of a verb get a written answer and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
        async (text) => {
          const result = await h.command(text, { user: USERS.alice, channel: CHANNELS.web });
          expect(result.status).toBe(200);
          expect(result.ack.text?.trim()).toBeTruthy();
          expect(h.sandbox.mutations()).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  }, 240_000);
});
