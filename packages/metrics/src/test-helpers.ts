// Test helpers: batches of a random order and a relative-closeness matcher (the seeded
// generator is @recur/backend's mulberry32).
// Not exported from the package.

import { expect } from 'vitest';

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
