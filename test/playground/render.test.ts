import { renderMessage, type BlockRenderContext, type ButtonElement } from '../../src/playground/render/blocks';
import { mrkdwn, formatSlackDate } from '../../src/playground/render/mrkdwn';
import { colourPalette, plainPalette } from '../../src/playground/render/palette';
import { displayWidth, lineText, paintLine, splitLines, wrapLine } from '../../src/playground/render/text';
import { serviceDetailMessage, servicesListMessage } from '../../src/slack/views/services';
import { approvalRequestMessage } from '../../src/approvals/view';
import { scaleModal } from '../../src/slack/views/scale-modal';
import { windowMessage, type WindowView } from '../../src/notifications/view';
import { type ApprovalRequest } from '../../src/approvals/types';
import { type ServiceDetail } from '../../src/aws/services';

/** The renderer on the bot's own views: what a person reads in the terminal. */

const NOW = Date.parse('2026-01-05T09:30:00Z');
const NAMES: Record<string, string> = { U0ALICE: 'alice', U0BOB: 'bob', C0WEB: 'web', C0ALERTS: 'alerts' };

interface Shown {
  text: string;
  lines: string[];
  buttons: { n: number; button: ButtonElement }[];
}

function show(
  message: { text?: string; blocks?: unknown[] },
  options: { width?: number; colour?: boolean } = {},
): Shown {
  const buttons: Shown['buttons'] = [];
  const ctx: BlockRenderContext = {
    width: options.width ?? 80,
    colour: options.colour ?? false,
    userName: (id) => NAMES[id],
    channelName: (id) => NAMES[id],
    now: () => NOW,
    numberButton: (button) => {
      buttons.push({ n: buttons.length + 1, button });
      return buttons.length;
    },
  };
  const palette = options.colour ? colourPalette() : plainPalette;
  const lines = renderMessage(message, ctx).map((l) => paintLine(l, palette));
  return { text: lines.join('\n'), lines, buttons };
}

function webService(overrides: Partial<ServiceDetail> = {}): ServiceDetail {
  return {
    name: 'web',
    arn: 'arn:aws:ecs:us-east-1:111111111111:service/demo-prod/web',
    status: 'ACTIVE',
    desired: 2,
    running: 1,
    pending: 1,
    taskDefinition: 'web:3',
    launchType: 'EC2',
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        rolloutState: 'IN_PROGRESS',
        taskDefinition: 'web:3',
        desired: 2,
        running: 1,
        pending: 1,
        failed: 0,
        createdAt: NOW - 120_000,
      },
    ],
    events: [
      {
        id: 'e1',
        createdAt: NOW - 60_000,
        message: '(service web) was unable to place a task because no container instance met all of its requirements.',
      },
    ],
    ...overrides,
  };
}

describe('a service as the bot shows it (serviceDetailMessage)', () => {
  it('has its header, its facts in two columns, and Scale / Restart / Tasks / Logs as numbered buttons', () => {
    const shown = show(serviceDetailMessage('demo-prod', webService()));

    expect(shown.lines[0]).toBe('web · demo-prod');
    expect(shown.lines[1]).toMatch(/^═+$/);
    expect(shown.text).toMatch(/^Running {2,}Desired$/m);
    expect(shown.text).toMatch(/^1 {2,}2$/m);
    expect(shown.text).toContain('[1] Scale  [2] Restart…  [3] Tasks  [4] Logs');
    expect(shown.buttons.map((b) => b.button.text.text)).toEqual(['Scale', 'Restart', 'Tasks', 'Logs']);
  });

  it('shows Slack dates relative to now, as Slack would ("a minute ago")', () => {
    const shown = show(serviceDetailMessage('demo-prod', webService()));

    expect(shown.text).toContain('1 minute ago');
    expect(shown.text).not.toContain('<!date');
  });

  it('puts its fields one under another when the terminal is narrow, and no line is wider than the terminal', () => {
    const shown = show(serviceDetailMessage('demo-prod', webService()), { width: 40 });

    expect(shown.text).toMatch(/^Running\n1\nDesired\n2$/m);
    for (const line of shown.lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('the list of services (servicesListMessage)', () => {
  it('reads as one line a service, with its rollout', () => {
    const shown = show(
      servicesListMessage(
        'demo-prod',
        [
          {
            name: 'web',
            status: 'ACTIVE',
            desired: 3,
            running: 2,
            pending: 0,
            taskDefinition: 'web:1',
            deployments: 1,
            rolloutState: 'COMPLETED',
            steady: false,
          },
          {
            name: 'worker',
            status: 'ACTIVE',
            desired: 2,
            running: 2,
            pending: 0,
            taskDefinition: 'worker:1',
            deployments: 1,
            rolloutState: 'COMPLETED',
            steady: true,
          },
        ],
        1,
      ),
    );

    expect(shown.lines[0]).toBe('Services in demo-prod');
    expect(shown.text).toMatch(/web — 2\/3 running/);
    expect(shown.text).toMatch(/✅ worker — 2\/2 running/);
  });
});

describe('an approval request (approvalRequestMessage)', () => {
  const request: ApprovalRequest = {
    id: '6f1c1a9e-2b1d-4c8e-9a55-0d6f4a2b9c11',
    command: 'teardown demo-staging',
    alias: 'demo-staging',
    clusterName: 'demo-staging',
    region: 'us-east-1',
    channelId: 'C0WEB',
    requester: { id: 'U0ALICE', name: 'alice', teamId: 'T0PLAYGROUND' },
    requesterTeam: 'web',
    createdAt: NOW,
    deadline: NOW + 30 * 60_000,
    status: 'pending',
    plan: {
      kind: 'teardown',
      clusterActive: true,
      services: [
        { name: 'web', status: 'ACTIVE', desired: 1, running: 1 },
        { name: 'worker', status: 'ACTIVE', desired: 1, running: 1 },
      ],
      tasks: [],
      containerInstances: [
        { id: '11424d02acf4', ec2InstanceId: 'i-0e4db4a3924cba792', status: 'ACTIVE', runningTasks: 2 },
      ],
      ec2Instances: [{ id: 'i-0e4db4a3924cba792', type: 't3.medium', state: 'running', leftover: false }],
      repositories: [],
    },
  };

  it('names people by name, and marks the danger button and the one that asks first', () => {
    const shown = show(approvalRequestMessage(request, { approvers: ['platform'], runAs: 'requester' }));

    expect(shown.text).toContain('@alice asked for the teardown of demo-staging');
    expect(shown.text).not.toContain('<@');
    expect(shown.text).toContain('[1] Approve…  [2] Deny ⚠  [3] Cancel (requester)');
    expect(shown.buttons[0]!.button.confirm?.title?.text).toBe('Approve?');
  });

  it('keeps a mention and the full stop after it on one line when it wraps', () => {
    const shown = show(approvalRequestMessage(request, { approvers: ['platform'], runAs: 'requester' }), { width: 60 });

    expect(shown.lines.some((l) => l.startsWith('.'))).toBe(false);
    expect(shown.text).toMatch(/Expires today at 10:00 UTC/);
  });

  it('in colour: the header bold, the mention coloured, the danger button red, and no line leaves a style switched on', () => {
    const shown = show(approvalRequestMessage(request, { approvers: ['platform'], runAs: 'requester' }), {
      colour: true,
    });

    expect(shown.lines[0]).toBe('\x1b[1mTeardown of demo-staging — approval needed\x1b[0m');
    expect(shown.text).toContain('\x1b[35m@alice\x1b[0m');
    expect(shown.text).toContain('\x1b[31mDeny ⚠\x1b[0m');
    // Nothing is left switched on at the end of a line (the prompt or the next line would inherit it).
    for (const line of shown.lines) expect(line.slice(line.lastIndexOf('\x1b[0m') + 1)).not.toContain('\x1b[');
  });
});

describe('a crash notification (windowMessage)', () => {
  const crash: WindowView = {
    alias: 'demo-prod',
    service: 'worker',
    kind: 'unexpectedStop',
    cluster: { name: 'demo-prod', region: 'us-east-1', arn: 'arn:aws:ecs:us-east-1:111111111111:cluster/demo-prod' },
    count: 3,
    firstAt: NOW - 6 * 60_000,
    lastAt: NOW,
    latest: {
      type: 'taskStopped',
      taskArn: 'arn:aws:ecs:us-east-1:111111111111:task/demo-prod/a4374b2c8bacecf012771c322c5fae51',
      taskId: 'a4374b2c8bacecf012771c322c5fae51',
      taskDefinition: 'worker:1',
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'worker', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
      startedAt: NOW - 31 * 60_000,
      stoppedAt: NOW,
    },
  };

  it('shows the count, the exit code and what it means, link texts without their long URLs, and its five buttons, Why? first', () => {
    const shown = show(windowMessage(crash));

    expect(shown.lines[0]).toBe('worker: 3 tasks stopped in 6 min — essential container exited, exit 137');
    expect(shown.text).toContain('exit 137 — killed (SIGKILL) — often out of memory');
    expect(shown.text).toContain('task in the AWS console · service worker · cluster demo-prod');
    expect(shown.text).not.toContain('https://');
    expect(shown.text).toMatch(
      /\[1\] Why\? {2}\[2\] Logs {2}\[3\] Task details {2}\[4\] Restart service… {2}\[5\] Mute 1 h/,
    );
  });

  it('in colour, makes the link texts clickable where the terminal can (OSC 8)', () => {
    const shown = show(windowMessage(crash), { colour: true });

    expect(shown.text).toContain(
      '\x1b]8;;https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/demo-prod/services/worker\x1b\\',
    );
  });
});

describe('the Scale modal (scaleModal)', () => {
  it('shows its text; its input is a block the prompt asks for', () => {
    const view = scaleModal({
      cluster: 'demo-prod',
      service: 'web',
      current: 2,
      channelId: 'C0WEB',
      responseUrl: 'http://127.0.0.1/response/1',
    });

    const shown = show({ blocks: view.blocks.filter((b) => b.type !== 'input') });

    expect(shown.text).toBe('web in demo-prod runs 2 now.');
  });
});

describe('mrkdwn', () => {
  const ctx = { userName: (id: string) => NAMES[id], channelName: (id: string) => NAMES[id], now: () => NOW };
  const plain = (text: string) => splitLines(mrkdwn(text, ctx)).map(lineText).join('\n');
  const styled = (text: string) =>
    mrkdwn(text, ctx)
      .filter((s) => s.styles.length > 0)
      .map((s) => `${s.styles.join('+')}:${s.text}`);

  it('reads *bold*, _italic_, ~strike~ and `code`, nested, and leaves code alone inside', () => {
    expect(styled('*web* is _not *steady*_ ~ok~ `a *b* c`')).toEqual([
      'bold:web',
      'italic:not ',
      'italic+bold:steady',
      'strike:ok',
      'code:a *b* c',
    ]);
  });

  it('does not take a lone asterisk or snake_case words for formatting', () => {
    expect(plain('2 * 3 = 6 and a_b_c')).toBe('2 * 3 = 6 and a_b_c');
    expect(styled('2 * 3 = 6 and a_b_c')).toEqual([]);
  });

  it('names people and channels, decodes &lt; &gt; &amp;, and shows emoji', () => {
    expect(plain('<@U0ALICE> in <#C0WEB|web>: a &lt; b &amp;&amp; c &gt; d :white_check_mark: :no_such_emoji:')).toBe(
      '@alice in #web: a < b && c > d ✅ :no_such_emoji:',
    );
  });

  it('puts a preformatted block on lines of its own, and shows quotes with a bar', () => {
    expect(plain('Logs:```line 1\nline 2```done\n> quoted')).toBe('Logs:\nline 1\nline 2\ndone\n▎ quoted');
  });

  it('formats Slack dates in UTC: pretty days, times, and how long ago', () => {
    const at = NOW - 3 * 60_000;
    expect(formatSlackDate(at, '{date_short_pretty} at {time}', NOW)).toBe('today at 09:27 UTC');
    expect(formatSlackDate(at, '{ago}', NOW)).toBe('3 minutes ago');
    expect(formatSlackDate(at - 86_400_000, '{date_pretty}', NOW)).toBe('yesterday');
    expect(formatSlackDate(at, '{date_num} {time_secs}', NOW)).toBe('2026-01-05 09:27:00 UTC');
  });
});

describe('wrapping', () => {
  it('breaks at spaces, cuts a word longer than the line, and counts an emoji as two columns', () => {
    const lines = wrapLine([{ text: 'go 🚀 aaaa bbbb cccccccccccccccccccc', styles: [] }], 10).map(lineText);

    expect(lines).toEqual(['go 🚀 aaaa', 'bbbb', 'cccccccccc', 'cccccccccc']);
  });

  it('continues a list item under its text, not under its bullet', () => {
    const lines = wrapLine([{ text: '✅ Terminate EC2 instance i-0e4db4a3924cba792 (t3.medium)', styles: [] }], 30).map(
      lineText,
    );

    expect(lines).toEqual(['✅ Terminate EC2 instance', '   i-0e4db4a3924cba792', '   (t3.medium)']);
  });
});
