// Splitting a 1-D count of workgroups into dispatches the device accepts: each dispatch is a
// 2-D grid (x, y) with both sides ≤ maxComputeWorkgroupsPerDimension, and counts beyond max²
// become several dispatches, each told its first workgroup (`base`) through its params.

/** One dispatchWorkgroups(x, y) call covering workgroups [base, base + count). */
export interface GridChunk {
  readonly base: number;
  readonly count: number;
  readonly x: number;
  readonly y: number;
}

/**
 * The dispatches that cover `groups` workgroups under `maxPerDimension`. Shaders compute their
 * linear workgroup as base + id.x + x·id.y and return when it reaches base + count (the grid
 * may overshoot by less than one row).
 */
export function planGrid(groups: number, maxPerDimension: number): GridChunk[] {
  if (!Number.isInteger(groups) || groups < 0) throw new RangeError(`planGrid: groups must be a non-negative integer, got ${groups}`);
  if (!Number.isInteger(maxPerDimension) || maxPerDimension < 1) {
    throw new RangeError(`planGrid: maxPerDimension must be a positive integer, got ${maxPerDimension}`);
  }
  const perDispatch = maxPerDimension * maxPerDimension;
  const chunks: GridChunk[] = [];
  for (let base = 0; base < groups; base += perDispatch) {
    const count = Math.min(perDispatch, groups - base);
    const x = Math.min(count, maxPerDimension);
    chunks.push({ base, count, x, y: Math.ceil(count / x) });
  }
  return chunks;
}
