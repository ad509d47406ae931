// Test helpers: a seeded generator for random batches and a relative-closeness matcher.
// Not exported from the package.

import { expect } from 'vitest';

/** Mulberry32: a small seeded PRNG so that randomized tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Split items into consecutive batches of the given sizes (the last batch takes the rest). */
export function splitBatches<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (const size of sizes) {
    out.push(items.slice(start, start + size));
    start += size;
  }
  out.push(items.slice(start));
  return out;
}

/** |actual - expected| <= rtol·|expected| elementwise (exact for expected 0). */
export function expectClose(actual: number | readonly number[], expected: number | readonly number[], rtol = 1e-12): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length).toBe(e.length);
  e.forEach((value, i) => {
    const error = Math.abs(a[i]! - value);
    expect(error, `element ${i}: ${a[i]} vs ${value}`).toBeLessThanOrEqual(rtol * Math.abs(value));
  });
}
