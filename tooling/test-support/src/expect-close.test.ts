// expectClose passes within each form of tolerance and fails just outside it, names the
// elements that differ, compares tensor shapes, and treats NaN as equal to NaN only.

import { describe, expect, it } from 'vitest';
import { closeMismatches, expectClose } from './expect-close.js';

const tensorLike = (shape: number[], values: number[]) => ({ shape, dataSync: () => Float32Array.from(values) });

describe('expectClose', () => {
  it('digits: strict |a − e| < 10^−d / 2, as toBeCloseTo', () => {
    expectClose(1.000004, 1, { digits: 5 });
    expect(() => expectClose(1.00001, 1, { digits: 5 })).toThrow(/\[0\] got 1.00001, expected 1/);
    expect(closeMismatches([0.5], [0], { digits: 0 })).toEqual(['[0] got 0.5, expected 0']);
  });

  it('atol + rtol·|e|, and a bound function', () => {
    expectClose([101, -0.5], [100, -0.5], { rtol: 0.01 });
    expect(() => expectClose([101.5], [100], { rtol: 0.01 })).toThrow();
    expectClose([1e-7], [0], { atol: 1e-6 });
    expect(() => expectClose([1e-7], [0], { rtol: 1 })).toThrow();
    const bound = (e: number) => 1e-5 * Math.max(1, Math.abs(e));
    expectClose([1e5 + 0.9], [1e5], bound);
    expect(() => expectClose([1e5 + 1.1], [1e5], bound)).toThrow();
  });

  it('flattens nested arrays and typed arrays, and checks lengths', () => {
    expectClose(
      [
        [1, 2],
        [3, 4],
      ],
      Float32Array.from([1, 2, 3, 4]),
      { digits: 6 },
    );
    expect(() => expectClose([1, 2, 3], [1, 2], { digits: 6 })).toThrow(/length 3, expected 2/);
  });

  it('compares the shapes of tensors', () => {
    expectClose(tensorLike([2, 2], [1, 2, 3, 4]), tensorLike([2, 2], [1, 2, 3, 4]), { digits: 6 });
    expect(() => expectClose(tensorLike([4], [1, 2, 3, 4]), tensorLike([2, 2], [1, 2, 3, 4]), { digits: 6 })).toThrow(/shape/);
  });

  it('NaN equals NaN; infinities must match exactly', () => {
    expectClose([NaN, Infinity], [NaN, Infinity], { atol: 1 });
    expect(() => expectClose([NaN], [0], { atol: 1 })).toThrow();
    expect(() => expectClose([Infinity], [1e308], { rtol: 1 })).toThrow();
  });

  it('lists at most six mismatches and counts the rest', () => {
    const found = closeMismatches(new Array(10).fill(1), new Array(10).fill(0), { atol: 0 });
    expect(found).toHaveLength(7);
    expect(found[6]).toBe('… 4 more');
  });
});
