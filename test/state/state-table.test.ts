import { claimEventKey, releaseEventKey } from '../../src/notifications/event-ids';
import { activeMute, clearMute, setMute } from '../../src/notifications/mutes';
import { createStateTable } from '../../src/state/table';
import { startDynalite, type LocalStateTable } from '../../testbed/dynalite';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('the state table', () => {
  let t: LocalStateTable;
  beforeAll(async () => {
    t = await startDynalite();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lets exactly one of 50 concurrent conditional puts win; the others lose without an error', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.store.put({ pk: 'race#1', sk: 'only', by: i }, { condition: 'attribute_not_exists(#pk)' }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = await t.store.get<{ by: number }>({ pk: 'race#1', sk: 'only' });
    expect(results[winner!.by]).toBe(true);
  });

  it('returns the item after a conditional update, and undefined when the condition fails', async () => {
    await t.store.put({ pk: 'counter#1', sk: 'c', count: 1, rev: 1 });
    const updated = await t.store.update<{ count: number }>(
      { pk: 'counter#1', sk: 'c' },
      'SET #count = #count + :one, #rev = #rev + :one',
      { condition: '#rev = :rev', values: { ':one': 1, ':rev': 1 } },
    );
    const stale = await t.store.update({ pk: 'counter#1', sk: 'c' }, 'SET #count = #count + :one', {
      condition: '#rev = :rev',
      values: { ':one': 1, ':rev': 1 },
    });
    expect(updated).toMatchObject({ count: 2, rev: 2 });
    expect(stale).toBeUndefined();
  });

  it('reads every item of a partition, across pages', async () => {
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 80; i += 1) await t.store.put({ pk: 'pages#1', sk: `item#${String(i).padStart(3, '0')}`, big });
    const items = await t.store.query<{ sk: string }>('pages#1');
    expect(items).toHaveLength(80);
    expect((await t.store.query('pages#1', { skPrefix: 'item#07' })).length).toBe(10);
  });

  it('creating the table again is harmless', async () => {
    await expect(createStateTable(t.client, t.tableName)).resolves.toBeUndefined();
  });

  describe('event ids seen', () => {
    it('are claimed once; a second claim of the same id loses', async () => {
      expect(await claimEventKey(t.store, 'event:abc', T0, 48 * HOUR)).toBe(true);
      expect(await claimEventKey(t.store, 'event:abc', T0 + 1000, 48 * HOUR)).toBe(false);
    });

    it('count as unseen once their time to live has passed, even before DynamoDB deletes them', async () => {
      expect(await claimEventKey(t.store, 'event:old', T0, 48 * HOUR)).toBe(true);
      expect(await claimEventKey(t.store, 'event:old', T0 + 49 * HOUR, 48 * HOUR)).toBe(true);
    });

    it('can be given back, so that a retry after a failure counts the event', async () => {
      expect(await claimEventKey(t.store, 'event:retry', T0, 48 * HOUR)).toBe(true);
      await releaseEventKey(t.store, 'event:retry');
      expect(await claimEventKey(t.store, 'event:retry', T0, 48 * HOUR)).toBe(true);
    });
  });

  describe('mutes', () => {
    it('of a service hold until their time and say who muted', async () => {
      await setMute(t.store, { alias: 'prod', service: 'web', until: T0 + HOUR, by: 'U0ALICE', at: T0 });
      expect(await activeMute(t.store, 'prod', 'web', T0 + HOUR - 1)).toEqual({
        alias: 'prod',
        service: 'web',
        until: T0 + HOUR,
        by: 'U0ALICE',
        at: T0,
      });
      expect(await activeMute(t.store, 'prod', 'web', T0 + HOUR)).toBeUndefined();
      expect(await activeMute(t.store, 'prod', 'api', T0)).toBeUndefined();
      expect(await activeMute(t.store, 'prod', undefined, T0)).toBeUndefined();
    });

    it('of a cluster cover all its services, and the later of two mutes wins', async () => {
      await setMute(t.store, { alias: 'staging', until: T0 + 2 * HOUR, by: 'U0BOB', at: T0 });
      await setMute(t.store, { alias: 'staging', service: 'api', until: T0 + HOUR, by: 'U0ALICE', at: T0 });
      expect(await activeMute(t.store, 'staging', 'api', T0)).toMatchObject({ by: 'U0BOB', until: T0 + 2 * HOUR });
      expect(await activeMute(t.store, 'staging', 'worker', T0)).toMatchObject({ by: 'U0BOB' });
      await clearMute(t.store, 'staging');
      expect(await activeMute(t.store, 'staging', 'api', T0)).toMatchObject({ by: 'U0ALICE' });
    });
  });
});
