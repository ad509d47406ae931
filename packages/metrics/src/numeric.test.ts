// fsum (Python's math.fsum): exact rounding where a plain sum drifts; the streaming helper.

import { describe, expect, it } from 'vitest';
import { BleuAccumulator, accumulate, corpusBleu, fsum } from './index.js';

describe('fsum', () => {
  it('is correctly rounded where sequential addition is not', () => {
    expect(fsum(new Array<number>(10).fill(0.1))).toBe(1);
    expect(new Array<number>(10).fill(0.1).reduce((a, b) => a + b, 0)).not.toBe(1);
    expect(fsum([1e100, 1, -1e100])).toBe(1);
    expect(fsum([1, 1e-16, 1e-16])).toBe(1.0000000000000002);
    expect(fsum([])).toBe(0);
  });

  it('propagates infinities and NaN like a plain sum', () => {
    expect(fsum([1, Infinity])).toBe(Infinity);
    expect(fsum([Infinity, -Infinity])).toBeNaN();
  });
});

describe('accumulate', () => {
  it('feeds every batch and computes', () => {
    const refs = [[['a', 'b', 'c']], [['d', 'e']]];
    const hyps = [
      ['a', 'b', 'c'],
      ['d', 'x'],
    ];
    const batches = [
      [[refs[0]!], [hyps[0]!]],
      [[refs[1]!], [hyps[1]!]],
    ] as const;
    const score = accumulate(
      new BleuAccumulator({ smoothing: 'method1' }),
      batches.map(([r, h]) => [r, h] as [typeof r, typeof h]),
    );
    expect(score).toBe(corpusBleu(refs, hyps, { smoothing: 'method1' }));
  });
});
