import { blockKitProblems } from '../../src/slack/limits';
import { header, section, actions, button, SLACK_LIMITS } from '../../src/slack/message';
import { pageOf } from '../../src/slack/paging';

describe('Slack Block Kit limits', () => {
  it('a message within the limits has no problems', () => {
    expect(blockKitProblems({ text: 'ok', blocks: [header('Service web'), section('*web*', ['a', 'b'])] })).toEqual([]);
  });

  it('51 blocks, an over-long section and 11 fields are each caught', () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    expect(blockKitProblems({ text: 'x', blocks: tooMany })).toEqual(['51 blocks (limit 50)']);
    const long = { type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x'.repeat(3001) } };
    expect(blockKitProblems({ text: 'x', blocks: [long] })[0]).toMatch(/over 3000 characters/);
    const fields = { type: 'section' as const, fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) };
    expect(blockKitProblems({ text: 'x', blocks: [fields] })[0]).toMatch(/11 fields/);
  });

  it('the block builders truncate instead of breaking the limits', () => {
    expect(blockKitProblems({ text: 'x', blocks: [section('y'.repeat(10_000)), header('h'.repeat(500))] })).toEqual([]);
  });

  it('duplicate action ids in one block are caught', () => {
    expect(blockKitProblems({ text: 'x', blocks: [actions('a', [button('A', 'same', '1'), button('B', 'same', '2')])] })[0]).toMatch(/duplicate action_id/);
  });

  it('a long list pages with a Next button that carries --page', () => {
    const page = pageOf(Array.from({ length: 45 }, (_, i) => i), 1, 20, { cluster: 'prod', verb: 'services', args: [] });
    expect(page.summary).toBe('showing 1–20 of 45');
    expect(JSON.parse(page.next!.value!)).toEqual({ cluster: 'prod', args: ['--page', '2'] });
    const last = pageOf(Array.from({ length: 45 }, (_, i) => i), 3, 20, { cluster: 'prod', verb: 'services', args: [] });
    expect(last.items).toEqual([40, 41, 42, 43, 44]);
    expect(last.next).toBeUndefined();
    expect(SLACK_LIMITS.blocksPerMessage).toBe(50);
  });
});
