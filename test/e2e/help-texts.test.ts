import { startHarness, type Harness } from '../../testbed/harness';

/** What help and list footers say must be true of the command they describe. */
describe('help and footers say only what is true', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('help teardown says the cluster is its argument, not "add --cluster NAME"', async () => {
    const result = await h.command('help teardown');
    expect(result.ack.text).toContain('Needs *admin* on the cluster CLUSTER names.');
    expect(result.ack.text).not.toContain('--cluster');
  });

  it('help cluster says which cluster it shows without NAME', async () => {
    const result = await h.command('help cluster');
    expect(result.ack.text).toContain(
      "Needs *read* on the cluster NAME names (without NAME: this channel's default cluster).",
    );
  });

  it('help still tells verbs that act on a cluster to use --cluster', async () => {
    const result = await h.command('help scale');
    expect(result.ack.text).toContain('Add `--cluster NAME` (`-c`) to pick a cluster.');
  });

  it('help lists the status alias of service, and help service and help status name it', async () => {
    const list = await h.command('help');
    expect(JSON.stringify(list.ack.blocks)).toContain('`service SVC` (alias `status`) — Show one service');
    expect((await h.command('help service')).ack.text).toMatch(
      /^\*\/ecs service SVC\* — Show one service: counts, deployments and their rollout, last events \(also `\/ecs status`\)/,
    );
    expect((await h.command('help status')).ack.text).toMatch(/^\*\/ecs service SVC\*/);
  });

  it('the clusters footer says what /ecs cluster NAME does, not that it adds capacity', async () => {
    const result = await h.command('clusters');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).not.toContain('adds capacity');
    expect(shown).toContain('`/ecs cluster NAME` shows one, with the CPU and memory left on its instances');
  });
});
