// Host randomness: determinism of mulberry32 and mixSeed, permutations, and the split hash's
// stability (splits of the corpora depend on these exact values).

import { describe, expect, it } from 'vitest';
import { hashString, mixSeed, mulberry32, permutation } from './random.js';

describe('mulberry32 and mixSeed', () => {
  it('replays the same stream for the same seed and a different one for another seed', () => {
    const a = mulberry32(mixSeed(7, 0));
    const b = mulberry32(mixSeed(7, 0));
    const c = mulberry32(mixSeed(7, 1));
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps the high bits of seeds above 2^32', () => {
    expect(mixSeed(1)).not.toBe(mixSeed(2 ** 32 + 1));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
  });

  it('draws roughly uniform values', () => {
    const random = mulberry32(123);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += random();
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('permutation', () => {
  it('returns every index exactly once', () => {
    const order = permutation(50, mulberry32(1));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('hashString', () => {
  it('is pinned: corpus splits depend on these values', () => {
    expect([hashString('a'), hashString('b'), hashString('hello')]).toEqual([444641715, 2193908274, 2290972270]);
  });

  it('spreads neighbouring keys', () => {
    expect(hashString('a1') >>> 28).not.toBe(hashString('a2') >>> 28);
  });
});
