import { PlaygroundTime } from '../../src/playground/simulated-time';

/** The playground's clock: simulated time that runs fast and jumps ahead on /wait. */

describe('PlaygroundTime', () => {
  it('wakes each sleep at its own simulated time during a jump, in order, and ends exactly where asked', async () => {
    let real = 1_000_000;
    const time = new PlaygroundTime(60, () => real);
    const start = time.now();
    const woke: number[] = [];
    const sleeper = async (ms: number) => {
      await time.sleep(ms);
      woke.push(time.now() - start);
    };
    void sleeper(5 * 60_000);
    void sleeper(30_000);
    void sleeper(90 * 60_000);

    const passed = await time.jump(60 * 60_000, {
      onStep: () => undefined,
      settled: () => new Promise((r) => setImmediate(r)),
      cancelled: () => false,
    });

    expect(passed).toBe(60 * 60_000);
    expect(time.now() - start).toBe(60 * 60_000);
    expect(woke).toEqual([30_000, 5 * 60_000]);
    expect(time.sleeping).toBe(1);

    real += 100; // a tenth of a real second: six simulated seconds at 60×
    await time.jump(30 * 60_000, {
      onStep: () => undefined,
      settled: () => new Promise((r) => setImmediate(r)),
      cancelled: () => false,
    });
    expect(woke).toEqual([30_000, 5 * 60_000, 90 * 60_000]);
    expect(time.sleeping).toBe(0);
  });

  it('stops a jump where it is when it is cancelled, and reports how far it got', async () => {
    const time = new PlaygroundTime(60, () => 0);
    const start = time.now();
    let steps = 0;

    const passed = await time.jump(24 * 3_600_000, {
      onStep: () => (steps += 1),
      settled: async () => undefined,
      cancelled: () => steps >= 10,
    });

    expect(passed).toBe(10 * 60_000);
    expect(time.now() - start).toBe(passed);
  });
});
