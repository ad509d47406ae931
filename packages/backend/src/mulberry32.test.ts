// mulberry32: the same stream as the algorithm's signed-arithmetic formulation (as first
// published), reproducible per seed, uniform floats in [0, 1) that are 32-bit integers / 2³².

import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';

/** The published form, on signed 32-bit state: an independent statement of the same algorithm. */
function published(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mulberry32', () => {
  it('gives the published stream for several seeds, 10,000 draws each', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, 0xdeadbeef]) {
      const ours = mulberry32(seed);
      const theirs = published(seed);
      for (let i = 0; i < 10_000; i++) expect(ours()).toBe(theirs());
    }
  });

  it('starts 2693262067, 11749833, 2265367787 (/ 2³²) for seed 1', () => {
    const next = mulberry32(1);
    expect([next(), next(), next()].map((v) => v * 0x1_0000_0000)).toEqual([2693262067, 11749833, 2265367787]);
  });

  it('draws integers / 2³² in [0, 1), different per seed', () => {
    const next = mulberry32(7);
    const draws = Array.from({ length: 1000 }, next);
    for (const v of draws) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 0x1_0000_0000)).toBe(true);
    }
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });
});
