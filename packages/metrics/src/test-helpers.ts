// Test helpers: batches of a random order (the seeded generator is @recur/backend's mulberry32;
// expectClose is @recur/test-support's).
// Not exported from the package.

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
