import fc from 'fast-check';
import { blockKitProblems, modalProblems } from '../../src/slack/limits';
import { header, section, actions, button, confirmDialog, SLACK_LIMITS, truncate } from '../../src/slack/message';
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
    const fields = {
      type: 'section' as const,
      fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })),
    };
    expect(blockKitProblems({ text: 'x', blocks: [fields] })[0]).toMatch(/11 fields/);
  });

  it('the block builders truncate instead of breaking the limits', () => {
    expect(blockKitProblems({ text: 'x', blocks: [section('y'.repeat(10_000)), header('h'.repeat(500))] })).toEqual([]);
  });

  it('duplicate action ids in one block are caught', () => {
    expect(
      blockKitProblems({ text: 'x', blocks: [actions('a', [button('A', 'same', '1'), button('B', 'same', '2')])] })[0],
    ).toMatch(/duplicate action_id/);
  });

  it('a long list pages with a Next button that carries --page', () => {
    const page = pageOf(
      Array.from({ length: 45 }, (_, i) => i),
      1,
      20,
      { cluster: 'prod', verb: 'services', args: [] },
    );
    expect(page.summary).toBe('showing 1–20 of 45');
    expect(JSON.parse(page.next!.value!)).toEqual({ cluster: 'prod', args: ['--page', '2'] });
    const last = pageOf(
      Array.from({ length: 45 }, (_, i) => i),
      3,
      20,
      { cluster: 'prod', verb: 'services', args: [] },
    );
    expect(last.items).toEqual([40, 41, 42, 43, 44]);
    expect(last.next).toBeUndefined();
    expect(SLACK_LIMITS.blocksPerMessage).toBe(50);
  });
});

describe('the Block Kit checker covers every limit the bot can meet', () => {
  const confirm = (title: string, text: string, yes: string, no = 'Cancel') => ({
    type: 'actions' as const,
    elements: [
      {
        type: 'button',
        action_id: 'a',
        text: { type: 'plain_text', text: 'Go' },
        confirm: {
          title: { type: 'plain_text', text: title },
          text: { type: 'mrkdwn', text },
          confirm: { type: 'plain_text', text: yes },
          deny: { type: 'plain_text', text: no },
        },
      },
    ],
  });
  const problemsOf = (...blocks: unknown[]) => blockKitProblems({ text: 'x', blocks: blocks as never });

  it('a confirm dialog over 100, 300 or 30 characters is caught, part by part', () => {
    expect(problemsOf(confirm('t'.repeat(101), 'ok', 'Yes'))).toEqual([
      expect.stringMatching(/confirm title: text over 100/),
    ]);
    expect(problemsOf(confirm('t', 'x'.repeat(301), 'Yes'))).toEqual([
      expect.stringMatching(/confirm text: text over 300/),
    ]);
    expect(problemsOf(confirm('t', 'ok', 'y'.repeat(31)))).toEqual([
      expect.stringMatching(/confirm confirm button: text over 30/),
    ]);
    expect(problemsOf(confirm('t', 'ok', 'Yes', 'n'.repeat(31)))).toEqual([
      expect.stringMatching(/confirm deny button: text over 30/),
    ]);
  });

  it('confirmDialog cuts each part to Slack’s limits, so a long service name cannot break a button', () => {
    const dialog = confirmDialog('T'.repeat(200), 'x'.repeat(1000), 'C'.repeat(50));
    expect(problemsOf(actions('a', [button('Go', 'go', '1', { confirm: dialog })]))).toEqual([]);
    expect(dialog.text.text).toHaveLength(300);
  });

  it('option texts, values and descriptions of overflow menus and selects are checked', () => {
    const option = (text: string, value = 'v', description?: string) => ({
      text: { type: 'plain_text', text },
      value,
      ...(description ? { description: { type: 'plain_text', text: description } } : {}),
    });
    const overflow = (...options: unknown[]) => ({
      type: 'actions',
      elements: [{ type: 'overflow', action_id: 'o', options }],
    });
    expect(problemsOf(overflow(option('o'.repeat(76))))).toEqual([
      expect.stringMatching(/option 0 text: text over 75/),
    ]);
    expect(problemsOf(overflow(option('ok', 'v'.repeat(151))))).toEqual([
      expect.stringMatching(/option 0: value over 150/),
    ]);
    expect(problemsOf(overflow(option('ok', 'v', 'd'.repeat(76))))).toEqual([
      expect.stringMatching(/option 0 description: text over 75/),
    ]);
    expect(problemsOf(overflow(...Array.from({ length: 6 }, (_, i) => option(`o${i}`))))).toEqual([
      expect.stringMatching(/6 options/),
    ]);
    const select = {
      type: 'section',
      text: { type: 'mrkdwn', text: 'pick' },
      accessory: {
        type: 'static_select',
        action_id: 's',
        placeholder: { type: 'plain_text', text: 'p'.repeat(151) },
        options: [option('ok')],
      },
    };
    expect(problemsOf(select)).toEqual([expect.stringMatching(/accessory placeholder: text over 150/)]);
  });

  it('block ids over 255 characters or used twice in a message, and action ids over 255, are caught', () => {
    expect(problemsOf({ type: 'divider', block_id: 'b'.repeat(256) })).toEqual([
      expect.stringMatching(/block_id of 256 characters/),
    ]);
    expect(problemsOf({ type: 'divider', block_id: 'same' }, { type: 'divider', block_id: 'same' })).toEqual([
      expect.stringMatching(/duplicate block_id same/),
    ]);
    expect(problemsOf(actions('a', [button('Go', 'x'.repeat(256), '1')]))).toEqual([
      expect.stringMatching(/action_id of 256 characters/),
    ]);
  });

  it('a header must be plain text, context holds at most 10 elements, a button text at most 75 characters and a value 2000', () => {
    expect(problemsOf({ type: 'header', text: { type: 'mrkdwn', text: '*h*' } })).toEqual([
      expect.stringMatching(/must be plain_text/),
    ]);
    expect(
      problemsOf({ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }),
    ).toEqual([expect.stringMatching(/11 elements/)]);
    const long = {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) }, value: 'v'.repeat(2001) },
      ],
    };
    expect(problemsOf(long)).toEqual([
      expect.stringMatching(/text over 75/),
      expect.stringMatching(/button value over 2000/),
    ]);
  });

  it('half an emoji anywhere in a message is caught', () => {
    expect(blockKitProblems({ text: 'ok \uD83D', blocks: [] })).toEqual(['text holds half a surrogate pair']);
    expect(problemsOf({ type: 'section', text: { type: 'mrkdwn', text: 'a\uDE00' } })).toEqual([
      expect.stringMatching(/half a surrogate pair/),
    ]);
  });

  it('a modal over Slack’s limits (title 24, buttons 24, 100 blocks, metadata 3000) is caught', () => {
    const modal = {
      type: 'modal',
      title: { type: 'plain_text', text: 'A title that is far too long' },
      submit: { type: 'plain_text', text: 's'.repeat(25) },
      private_metadata: 'm'.repeat(3001),
      blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })),
    };
    expect(modalProblems(modal)).toEqual([
      expect.stringMatching(/title: text over 24/),
      expect.stringMatching(/submit: text over 24/),
      expect.stringMatching(/private_metadata: over 3000/),
      'modal: 101 blocks (limit 100)',
    ]);
  });
});

describe('truncation', () => {
  it('never splits a surrogate pair, an escaped entity or one of our own links, and stays within the limit', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              // truncate is given escaped mrkdwn: a raw `<` or `>` only ever opens or closes one of our own links.
              fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[<>]/g, '')),
              fc.constantFrom('😀', '&amp;', '&lt;', '&gt;', '<https://x.example/a|label>', '<@U0ALICE>'),
            ),
            { maxLength: 30 },
          )
          .map((parts) => parts.join('')),
        fc.integer({ min: 1, max: 200 }),
        (text, max) => {
          const cut = truncate(text, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          if (text.length <= max) expect(cut).toBe(text);
          else expect(cut.endsWith('…')).toBe(true);
          expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(cut)).toBe(false);
          const body = cut.endsWith('…') && text.length > max ? cut.slice(0, -1) : cut;
          // Only whole entities: an `&` that starts one of ours is followed by all of it.
          for (const m of body.matchAll(/&(a|am|l|g)?$/g))
            expect(text.slice(m.index, m.index + 5)).not.toMatch(/^&(amp|lt|gt);/);
          // Every `<` we kept is closed.
          expect(body.lastIndexOf('<') <= body.lastIndexOf('>')).toBe(true);
        },
      ),
    );
  });

  it('a cut that would fall inside an emoji drops the whole emoji', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('a &lt;b', 5)).toBe('a …');
  });
});
