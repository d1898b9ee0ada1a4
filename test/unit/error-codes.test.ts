import { ChatopsError, ERROR_CODES, NotFoundError } from '../../src/errors';

describe('error codes', () => {
  it('are each listed once, in snake case, so logs can be searched for one', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('a code that is not in the registry does not compile', () => {
    // @ts-expect-error: 'not_fuond' is a typo, not a registered code
    const typo = new ChatopsError('not_fuond', 'Nothing here.');
    expect(typo.code).toBe('not_fuond');
    expect(new NotFoundError('Nothing here.').code).toBe('not_found');
  });
});
