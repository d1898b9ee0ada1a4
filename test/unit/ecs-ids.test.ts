import fc from 'fast-check';
import { idOfArn, idStartsWith, parseEcsId, shortId } from '../../src/commands/ecs-ids';
import { InstanceRef, TaskRef } from '../../src/commands/arguments';

const hexId = fc.stringMatching(/^[0-9a-f]{32}$/);
const uuidId = fc.uuid();
const anyId = fc.oneof(hexId, uuidId);

describe('task and container instance ids in every form ECS has written them', () => {
  it('the id, the old ARN (no cluster) and the long ARN all read as the same id', () => {
    fc.assert(
      fc.property(anyId, fc.constantFrom('task', 'container-instance' as const), (id, kind) => {
        const forms = [
          id,
          id.toUpperCase(),
          `arn:aws:ecs:us-east-1:123456789012:${kind}/${id}`,
          `arn:aws:ecs:eu-west-1:123456789012:${kind}/prod-1/${id}`,
        ];
        for (const text of forms) expect(parseEcsId(text, kind)).toMatchObject({ form: 'id', id });
        expect(parseEcsId(forms[3]!, kind)).toMatchObject({ cluster: 'prod-1' });
      }),
    );
  });

  it('what a list shows of an id reads back as a prefix that the id starts with', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const ref = parseEcsId(shortId(id), 'task');
        expect(ref?.form).toBe('prefix');
        expect(ref?.form === 'prefix' && idStartsWith(id, ref.prefix)).toBe(true);
      }),
    );
  });

  it('a UUID is found by its start typed with or without the dash', () => {
    const id = '9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c';
    expect(idStartsWith(id, '9c44cd3a-6e')).toBe(true);
    expect(idStartsWith(id, '9c44cd3a6e')).toBe(true);
    expect(idStartsWith(id, '9c44cd3b')).toBe(false);
  });

  it('a task ARN is not a container instance, and words, service names and short junk are no id', () => {
    expect(
      parseEcsId('arn:aws:ecs:us-east-1:123456789012:task/9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c', 'container-instance'),
    ).toBeUndefined();
    for (const text of [
      'web',
      'abc',
      'zzzz1234',
      '9c44cd3a-',
      'arn:aws:ecs:us-east-1:123456789012:task/web/notanid',
      '',
    ]) {
      expect(parseEcsId(text, 'task')).toBeUndefined();
    }
  });

  it('the argument schemas take every form, and refuse the rest with a message naming the forms', () => {
    expect(
      TaskRef.safeParse('arn:aws:ecs:us-east-1:123456789012:task/9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c').success,
    ).toBe(true);
    expect(InstanceRef.safeParse('de718387-5077-40aa-bdc3-a567a73ba3e2').success).toBe(true);
    expect(InstanceRef.safeParse('i-0abc1234def567890').success).toBe(true);
    const refused = TaskRef.safeParse('web');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('a UUID like 9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c');
  });

  it('the id of an ARN is its last segment, in either form', () => {
    expect(idOfArn('arn:aws:ecs:us-east-1:123456789012:task/9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c')).toBe(
      '9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c',
    );
    expect(idOfArn('arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0123456789abcdef0123456789abcdef')).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect(idOfArn(undefined)).toBe('');
  });
});
