import fc from 'fast-check';
import { NOTIFICATION_KINDS } from '../../src/config/schema';
import { type Fact } from '../../src/notifications/types';
import { exitCodeMeaning } from '../../src/text/exit-codes';
import {
  muteNotice,
  overflowNote,
  threadDetailMessage,
  type WindowView,
  windowMessage,
} from '../../src/notifications/view';
import { blockKitProblems } from '../../src/slack/limits';

const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('the notification message', () => {
  it('names exit 137 as killed, often out of memory, and the other common exit codes', () => {
    expect(exitCodeMeaning(137)).toBe('killed (SIGKILL) — often out of memory');
    expect(exitCodeMeaning(143)).toBe('terminated (SIGTERM)');
    expect(exitCodeMeaning(139)).toBe('segmentation fault (SIGSEGV)');
    expect(exitCodeMeaning(1)).toBe('application error');
    expect(exitCodeMeaning(130)).toBe('killed by signal 2');
    expect(exitCodeMeaning(3)).toBeUndefined();
  });

  it('escapes what ECS says, so a reason cannot ping a channel or break a link', () => {
    const fact: Fact = {
      type: 'taskStopped',
      taskArn: 'arn:aws:ecs:us-east-1:1:task/prod/abc',
      taskId: 'abc',
      lastStatus: 'STOPPED',
      stoppedReason: '<!channel> & <https://evil|click>',
      containers: [{ name: 'app', exitCode: 1, reason: '<@U123>' }],
    };
    const text = JSON.stringify(
      windowMessage({
        alias: 'prod',
        service: 'web',
        kind: 'unexpectedStop',
        cluster: { name: 'prod', region: 'us-east-1' },
        count: 1,
        firstAt: T0,
        lastAt: T0,
        latest: fact,
      }).blocks,
    );
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('says who muted and until when, in UTC', () => {
    expect(muteNotice({ userId: 'U0ALICE', until: T0 + 3_600_000, alias: 'prod', service: 'web' })).toBe(
      ':mute: prod/web notifications muted by <@U0ALICE> until 13:00 UTC',
    );
    expect(muteNotice({ userId: 'U0BOB', until: T0 + 90 * 60_000, alias: 'prod' })).toBe(
      ':mute: prod notifications muted by <@U0BOB> until 13:30 UTC',
    );
  });

  it('stays within Block Kit limits whatever ECS sends: long reasons, many containers, odd names', () => {
    const text = fc.string({ maxLength: 5000 });
    const container = fc.record({
      name: fc.string({ minLength: 1, maxLength: 255 }),
      exitCode: fc.option(fc.integer({ min: -1, max: 255 }), { nil: undefined }),
      reason: fc.option(text, { nil: undefined }),
    });
    const fact: fc.Arbitrary<Fact> = fc.oneof(
      fc.record({
        type: fc.constant('taskStopped' as const),
        taskArn: fc.string({ maxLength: 300 }),
        taskId: fc.string({ minLength: 1, maxLength: 64 }),
        taskDefinition: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        lastStatus: fc.constant('STOPPED'),
        stopCode: fc.option(
          fc.constantFrom('EssentialContainerExited', 'TaskFailedToStart', 'UserInitiated', 'SomethingNew'),
          { nil: undefined },
        ),
        stoppedReason: fc.option(text, { nil: undefined }),
        containers: fc.array(container, { maxLength: 12 }),
        startedAt: fc.option(fc.integer({ min: T0 - 86_400_000, max: T0 }), { nil: undefined }),
        stoppedAt: fc.option(fc.integer({ min: T0, max: T0 + 86_400_000 }), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('serviceAction' as const),
        eventName: fc.string({ maxLength: 100 }),
        reason: fc.option(text, { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('deployment' as const),
        eventName: fc.string({ maxLength: 100 }),
        deploymentId: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        reason: fc.option(text, { nil: undefined }),
        rollback: fc.boolean(),
      }),
      fc.record({
        type: fc.constant('instanceDisconnected' as const),
        containerInstanceArn: fc.string({ maxLength: 300 }),
        containerInstanceId: fc.string({ minLength: 1, maxLength: 64 }),
        ec2InstanceId: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
        since: fc.integer({ min: T0, max: T0 + 1000 }),
      }),
    );
    const view: fc.Arbitrary<WindowView> = fc.record({
      alias: fc.string({ minLength: 1, maxLength: 100 }),
      service: fc.option(fc.string({ minLength: 1, maxLength: 255 }), { nil: undefined }),
      kind: fc.constantFrom(...NOTIFICATION_KINDS),
      cluster: fc.record({
        name: fc.string({ minLength: 1, maxLength: 255 }),
        region: fc.constantFrom('us-east-1', 'eu-west-1'),
      }),
      count: fc.integer({ min: 1, max: 10_000_000 }),
      firstAt: fc.constant(T0),
      lastAt: fc.integer({ min: T0, max: T0 + 10 * 86_400_000 }),
      latest: fact,
      threadDetails: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(view, fact, fc.integer({ min: 2, max: 21 }), (w, detail, n) => {
        expect(blockKitProblems(windowMessage(w))).toEqual([]);
        expect(blockKitProblems(threadDetailMessage(w, detail, n))).toEqual([]);
        expect(blockKitProblems(overflowNote(w))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
