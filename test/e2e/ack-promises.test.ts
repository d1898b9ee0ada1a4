import { startHarness, type Harness } from '../../testbed/harness';

/** What the ack and no-op replies promise, and to whom they speak. */
describe('the ack promises nothing it has not checked, and no-ops speak only to the person', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it.each([
    ['scale wbe 2', 'Scaling wbe'],
    ['restart wbe', 'Restarting wbe'],
    ['deploy wbe web:1', 'Deploying'],
    ['rollback wbe', 'Rolling back wbe'],
  ])(
    '"%s" is acked as a look-up, not as "%s…", and then gets "did you mean web" with nothing changed',
    async (text, promise) => {
      const result = await h.command(text);
      expect(result.ack.text).toMatch(/^Looking up wbe /);
      expect(result.seen).not.toContain(promise);
      expect(result.replies[0]?.text).toMatch(/Did you mean web\?/);
      expect(h.sandbox.mutations()).toHaveLength(0);
    },
  );

  it('a verb or option typo is answered in the ack itself, before anything is promised', async () => {
    const verb = await h.command('scael web 2');
    expect(verb.ack.text).toMatch(/did you mean .*scale/i);
    expect(verb.replies).toHaveLength(0);
    const cluster = await h.command('scale web 2 -c prdo');
    expect(cluster.ack.text).not.toMatch(/Looking up|Scaling/);
    expect(cluster.replies).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('services --page 9 on a cluster with one page says there is only 1 page', async () => {
    const result = await h.command('services --page 9');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain('There is only 1 page, so this is page 1 (2 in all).');
  });

  it('tasks --page 3 past the end says how many pages there are', async () => {
    const result = await h.command('tasks --page 3');
    expect(result.replies[0]!.text).toMatch(/\(there is only 1 page, so this is page 1 \(\d+ in all\)\)$/);
  });
});

describe('scaling to the count a service already wants', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('says so only to the person who asked, and changes nothing', async () => {
    const result = await h.command('scale web 1');
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]).toMatchObject({
      response_type: 'ephemeral',
      text: 'web in prod already wants 1 task (1 running). Nothing was changed.',
    });
    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(0);
  });
});
