import { Conversation } from '../../src/playground/conversation';
import { directoryFromConfig } from '../../src/playground/people';
import { plainPalette } from '../../src/playground/render/palette';
import { Screen } from '../../src/playground/screen';
import { type Terminal } from '../../src/playground/terminal';
import { type SlackCall, type StoredMessage } from '../../src/slack/standin/server';
import { Config } from '../../src/config/schema';

/**
 * What the person at the keyboard sees as the app posts, updates and replies: the conversation
 * fed with the Slack calls the app makes, drawn by the screen on a terminal that records its
 * output.
 */

const config = Config.parse({
  clusters: {
    'demo-prod': {
      name: 'demo-prod',
      region: 'us-east-1',
      roles: { read: 'arn:aws:iam::111111111111:role/chatops-demo-prod-read' },
      notify: { channel: 'C0ALERTS' },
    },
  },
  teams: { web: { users: ['U0ALICE', 'U0BOB'], access: { 'demo-prod': 'read' } } },
  channels: { C0WEB: { cluster: 'demo-prod' } },
});

class RecordingTerminal implements Terminal {
  readonly interactive = true;
  readonly width = 60;
  readonly height = 20;
  printed: string[] = [];
  rewritten: string[] = [];
  private last = 0;
  print(text: string): void {
    this.printed.push(text);
    this.last = text.split('\n').length;
  }
  rewrite(lines: number, text: string): boolean {
    if (lines !== this.last) return false;
    this.rewritten.push(text);
    return true;
  }
  ask(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  onCancel(): void {}
  close(): void {}
}

function setUp(channel = 'C0WEB') {
  const terminal = new RecordingTerminal();
  const stored = new Map<string, StoredMessage[]>();
  let ts = 0;
  const here = { user: 'U0ALICE', channel };
  const directory = directoryFromConfig(config);
  const time = { now: Date.parse('2026-01-05T09:30:00Z') };
  const conversation = new Conversation(
    (event) => {
      if (event.type !== 'modal') screen.handle(event);
    },
    () => time.now,
  );
  const screen = new Screen({
    terminal,
    palette: plainPalette,
    directory,
    conversation,
    now: () => time.now,
    here: () => here,
    botName: 'ecs-chatops',
  });
  const call = (method: string, args: Record<string, unknown>, responseId?: string) => {
    if (method === 'chat.postMessage') {
      ts += 1;
      const list = stored.get(String(args.channel)) ?? [];
      list.push({
        channel: String(args.channel),
        ts: `1700000000.00000${ts}`,
        text: args.text as string,
        blocks: args.blocks as unknown[],
      });
      stored.set(String(args.channel), list);
    }
    const record: SlackCall = { method, args, at: Date.now(), status: 200, ...(responseId ? { responseId } : {}) };
    conversation.slackCall(record, (c) => stored.get(c) ?? []);
  };
  return { terminal, screen, conversation, call, here, time };
}

const message = (text: string, buttons: string[] = []) => ({
  text,
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text } },
    ...(buttons.length > 0
      ? [
          {
            type: 'actions',
            block_id: 'b',
            elements: buttons.map((b) => ({
              type: 'button',
              text: { type: 'plain_text', text: b },
              action_id: `cmd:${b.toLowerCase()}`,
              value: b,
            })),
          },
        ]
      : []),
  ],
});

describe('the screen', () => {
  it('draws a message in the current channel in full, and one elsewhere as a one-line notice that /channel catches up on', () => {
    const { terminal, screen, call, here } = setUp();

    call('chat.postMessage', { channel: 'C0WEB', ...message('*web* scaled', ['Logs']) });
    call('chat.postMessage', { channel: 'C0ALERTS', ...message('worker: task stopped') });

    expect(terminal.printed[0]).toMatch(/^\necs-chatops {2}09:30\n {2}web scaled\n {2}\[1\] Logs$/);
    expect(terminal.printed[1]).toBe('◆ new in #alerts: worker: task stopped  /channel #alerts');

    here.channel = 'C0ALERTS';
    expect(screen.catchUp('C0ALERTS')).toBe(1);
    expect(terminal.printed[2]).toContain('worker: task stopped');
    expect(screen.catchUp('C0ALERTS')).toBe(0);
  });

  it('replays a channel with each message under the time it was posted, only the last screenful, saying how many older ones there are', () => {
    const { terminal, screen, call, here, time } = setUp();
    for (let i = 1; i <= 30; i += 1) {
      call('chat.postMessage', { channel: 'C0ALERTS', ...message(`worker: task ${i} stopped`) });
      time.now += 3_600_000;
    }
    terminal.printed.length = 0;
    time.now += 86_400_000;

    here.channel = 'C0ALERTS';
    expect(screen.catchUp('C0ALERTS')).toBe(30);

    // 20 lines a screen, 3 a message: the last 6, and one line about the 24 before them.
    expect(terminal.printed[0]).toBe('(24 older messages above; this is the last screenful)');
    expect(terminal.printed).toHaveLength(7);
    expect(terminal.printed[1]).toContain('worker: task 25 stopped');
    expect(terminal.printed[6]).toContain('worker: task 30 stopped');
    // Posted at 09:30 plus 29 hours, the day before "now": dated, as Slack dates older messages.
    expect(terminal.printed[6]).toMatch(/ecs-chatops {2}Jan 6 14:30\n/);
    expect(terminal.printed[1]).toMatch(/ecs-chatops {2}Jan 6 09:30\n/);
    expect(screen.catchUp('C0ALERTS')).toBe(0);
  });

  it('rewrites an updated message in place when it is the last thing on the terminal', () => {
    const { terminal, screen, call } = setUp();
    call('chat.postMessage', { channel: 'C0WEB', ...message('Teardown: step 1 of 2') });

    call('chat.update', { channel: 'C0WEB', ts: '1700000000.000001', ...message('Teardown: step 2 of 2') });
    screen.flush();

    expect(terminal.printed).toHaveLength(1);
    expect(terminal.rewritten).toHaveLength(1);
    expect(terminal.rewritten[0]).toContain('↻ updated\n  Teardown: step 2 of 2');
  });

  it('draws an update again below, marked updated, when something else has been printed since', () => {
    const { terminal, screen, call } = setUp();
    call('chat.postMessage', { channel: 'C0WEB', ...message('worker: task stopped') });
    screen.info('(something else)');

    call('chat.update', { channel: 'C0WEB', ts: '1700000000.000001', ...message('worker: 3 tasks stopped') });
    screen.flush();

    expect(terminal.rewritten).toHaveLength(0);
    expect(terminal.printed[2]).toContain('↻ updated\n  worker: 3 tasks stopped');
  });

  it('keeps button numbers when a message is redrawn with the same buttons, and knows when a button is gone', () => {
    const { screen, call } = setUp();
    call('chat.postMessage', { channel: 'C0WEB', ...message('Approve?', ['Approve', 'Deny']) });
    const approve = screen.button(1)!;

    call('chat.update', {
      channel: 'C0WEB',
      ts: '1700000000.000001',
      ...message('Approve? (still waiting)', ['Approve', 'Deny']),
    });
    screen.flush();
    expect(screen.button(1)?.button.text.text).toBe('Approve');
    expect(screen.button(3)).toBeUndefined();

    call('chat.update', { channel: 'C0WEB', ts: '1700000000.000001', ...message('Approved by @bob') });
    screen.flush();
    expect(screen.isCurrent(approve)).toBe(false);
    expect(screen.buttonsLabelled('approve')).toEqual([]);
  });
});

describe('the conversation', () => {
  it('puts a command’s replies where the command was typed, ephemeral or in the channel, and replace_original replaces the clicked message', () => {
    const { conversation, call } = setUp();
    conversation.expectResponses('r1', { channel: 'C0WEB', user: 'U0ALICE', from: 'command' });
    conversation.ackReceived('r1', { text: 'Working…' });
    call('response_url', { response_type: 'in_channel', ...message('web scaled', ['Undo']) }, 'r1');
    const [ack, reply] = conversation.channelMessages('C0WEB');
    expect(ack).toMatchObject({ ephemeral: true, visibleTo: 'U0ALICE', text: 'Working…', via: 'ack' });
    expect(reply).toMatchObject({ ephemeral: false, text: 'web scaled' });

    conversation.expectResponses('r2', { channel: 'C0WEB', user: 'U0BOB', from: 'click', original: reply!.key });
    call('response_url', { replace_original: true, ...message('undone') }, 'r2');
    call('response_url', { response_type: 'ephemeral', text: 'Only for bob' }, 'r2');
    call('response_url', { replace_original: true, ...message('undone, really') }, 'r2');

    expect(conversation.message(reply!.key)).toMatchObject({ text: 'undone, really', version: 3 });
    expect(conversation.channelMessages('C0WEB').map((m) => m.text)).toEqual([
      'Working…',
      'undone, really',
      'Only for bob',
    ]);
  });
});
