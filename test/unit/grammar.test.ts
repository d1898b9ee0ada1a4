import fc from 'fast-check';
import { parseCommand } from '../../src/commands/parse';
import { tokenize } from '../../src/commands/tokenize';
import { VERBS } from '../../src/verbs';

describe('reading what a user typed', () => {
  it('splits words, keeps quoted text together and undoes Slack’s entities and smart quotes', () => {
    expect(tokenize('stop abc --reason “bad deploy &amp; rollback”')).toEqual([
      'stop',
      'abc',
      '--reason',
      'bad deploy & rollback',
    ]);
    expect(tokenize('  scale   web\t2 ')).toEqual(['scale', 'web', '2']);
    expect(tokenize('scale web 2 —cluster prod')).toEqual(['scale', 'web', '2', '--cluster', 'prod']);
  });

  it('scale web 2 becomes a service and a count, with --cluster/-c anywhere', () => {
    const parsed = parseCommand('scale web 2 -c staging', VERBS);
    expect(parsed).toMatchObject({ ok: true, args: { service: 'web', count: 2 }, clusterFlag: 'staging' });
    expect(parseCommand('scale --cluster prod web 0', VERBS)).toMatchObject({
      ok: true,
      args: { service: 'web', count: 0 },
      clusterFlag: 'prod',
    });
  });

  it.each([
    ['scale web two', /^N must be a whole number, 0 or more\./],
    ['scale web -1', /^N must be a whole number, 0 or more\./],
    ['scale', /SVC is missing/],
    ['scale web', /COUNT is missing|N is missing|count/i],
    ['scale web 2 3', /I didn't expect `3`/],
    ['scale web 2 --replicas 3', /`--replicas` is not an option of `scale`/],
  ])('"%s" gets usage help, not a stack trace', (text, problem) => {
    const parsed = parseCommand(text, VERBS);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(problem);
    expect(!parsed.ok && parsed.error).toContain('/ecs scale SVC N');
    expect(!parsed.ok && parsed.error).toContain('Example');
  });

  it('an unknown verb gets "did you mean"', () => {
    const parsed = parseCommand('scael web 2', VERBS);
    expect(!parsed.ok && parsed.error).toMatch(/I don't know the command `scael`\. Did you mean `scale`\?/);
  });

  it('empty text is help', () => {
    expect(parseCommand('   ', VERBS)).toMatchObject({ ok: true, spec: { verb: 'help' } });
  });

  it('10,000 random command strings never throw and always give either arguments or a message', () => {
    const words = fc.oneof(
      fc.constantFrom(
        'scale',
        'web',
        '2',
        '-1',
        '--cluster',
        '-c',
        'prod',
        'help',
        'whoami',
        '--',
        '-',
        '"',
        '“',
        '&amp;',
        'service',
        'create',
        '--count',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 8 }), (parts) => {
        const parsed = parseCommand(parts.join(' '), VERBS);
        if (parsed.ok) expect(parsed.spec).toBeDefined();
        else expect(parsed.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 10_000 },
    );
  });
});
