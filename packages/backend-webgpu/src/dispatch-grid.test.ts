// Pure tests of grid planning and buffer buckets (no GPU needed).

import { describe, expect, it } from 'vitest';
import { bucketBytes } from './buffer-pool.js';
import { planGrid } from './dispatch-grid.js';

describe('planGrid', () => {
  it('uses one 1-D dispatch while the count fits one dimension', () => {
    expect(planGrid(0, 65535)).toEqual([]);
    expect(planGrid(7, 65535)).toEqual([{ base: 0, count: 7, x: 7, y: 1 }]);
    expect(planGrid(65535, 65535)).toEqual([{ base: 0, count: 65535, x: 65535, y: 1 }]);
  });

  it('folds larger counts into a 2-D grid that overshoots by less than a row', () => {
    const [chunk] = planGrid(65536 * 3 + 5, 65535);
    expect(chunk).toEqual({ base: 0, count: 65536 * 3 + 5, x: 65535, y: 4 });
    expect(chunk!.x * chunk!.y - chunk!.count).toBeLessThan(chunk!.x);
  });

  it('splits counts beyond max² into several dispatches that tile the range', () => {
    const chunks = planGrid(40, 3);
    expect(chunks.map((c) => c.base)).toEqual([0, 9, 18, 27, 36]);
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(40);
    for (const c of chunks) expect(c.x <= 3 && c.y <= 3 && c.x * c.y >= c.count).toBe(true);
  });

  it('rejects invalid arguments', () => {
    expect(() => planGrid(-1, 4)).toThrow(RangeError);
    expect(() => planGrid(4, 0)).toThrow(RangeError);
  });
});

describe('bucketBytes', () => {
  it('rounds up to powers of two, 16 bytes at least', () => {
    expect([0, 1, 16, 17, 4096, 4097].map((b) => bucketBytes(b, 1 << 30))).toEqual([16, 16, 16, 32, 4096, 8192]);
  });

  it('keeps buffers near the limit at their own size', () => {
    expect(bucketBytes(600, 1000)).toBe(600);
    expect(bucketBytes(1000, 1000)).toBe(1000);
  });
});
