import fc from 'fast-check';
import { sparkline } from '../../src/text/sparkline';

describe('a text sparkline', () => {
  it('draws 0 % as the lowest block and 100 % as the highest, one block per point', () => {
    expect(sparkline([0, 50, 100])).toBe('▁▅█');
  });

  it('keeps a short peak when it merges points to fit its width', () => {
    const line = sparkline([10, 10, 10, 99, 10, 10], { width: 3 });
    expect(line).toHaveLength(3);
    expect(line).toContain('█');
  });

  it('is empty without points, and clamps values outside its scale', () => {
    expect(sparkline([])).toBe('');
    expect(sparkline([-5, 250])).toBe('▁█');
  });

  it('never draws more characters than its width, nor anything but the eight blocks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 60 }),
        (values, width) => {
          const line = sparkline(values, { width });
          expect(line.length).toBeLessThanOrEqual(width);
          expect(line).toMatch(/^[▁▂▃▄▅▆▇█]*$/);
        },
      ),
    );
  });
});
