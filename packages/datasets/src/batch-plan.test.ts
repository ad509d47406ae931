// planBatches and paddingStats: sequential and shuffled plans, seeds and epochs, dropLast,
// bucketing by length (sorted within chunks, fewer padded steps) and option errors.

import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { paddingStats, planBatches } from './batch-plan.js';
import { mulberry32 } from './random.js';

const flat = (batches: number[][]) => batches.flat();
const sorted = (values: number[]) => [...values].sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('planBatches', () => {
  it('cuts in order without shuffle, keeping the short last batch', () => {
    expect(planBatches(7, { batchSize: 3 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(planBatches(7, { batchSize: 3, dropLast: true })).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(planBatches(6, { batchSize: 3, dropLast: true })).toHaveLength(2);
  });

  it('shuffles reproducibly: same seed and epoch → same plan, new epoch → new order', () => {
    const a = planBatches(20, { batchSize: 4, shuffle: true, seed: 42, epoch: 0 });
    const b = planBatches(20, { batchSize: 4, shuffle: true, seed: 42, epoch: 0 });
    const nextEpoch = planBatches(20, { batchSize: 4, shuffle: true, seed: 42, epoch: 1 });
    const otherSeed = planBatches(20, { batchSize: 4, shuffle: true, seed: 43, epoch: 0 });
    expect(b).toEqual(a);
    expect(flat(nextEpoch)).not.toEqual(flat(a));
    expect(flat(otherSeed)).not.toEqual(flat(a));
    expect(flat(a)).not.toEqual(range(20));
    expect(sorted(flat(a))).toEqual(range(20));
  });

  it('buckets: each batch sorted longest first, every index once, less padding than plain batches', () => {
    const random = mulberry32(5);
    const lengths = Array.from({ length: 1000 }, () => 1 + Math.floor(random() * 100));
    const options = { batchSize: 16, shuffle: true, seed: 3, chunkBatches: 20 };
    const bucketed = planBatches(1000, { ...options, lengths });
    const plain = planBatches(1000, options);
    expect(sorted(flat(bucketed))).toEqual(range(1000));
    for (const batch of bucketed) {
      const batchLengths = batch.map((i) => lengths[i]!);
      expect(batchLengths).toEqual([...batchLengths].sort((x, y) => y - x));
    }
    // Only the final batch may be short.
    expect(bucketed.filter((batch) => batch.length < 16)).toHaveLength(1);
    const saved = paddingStats(plain, lengths).paddingFraction - paddingStats(bucketed, lengths).paddingFraction;
    expect(paddingStats(plain, lengths).paddingFraction).toBeGreaterThan(0.4);
    expect(paddingStats(bucketed, lengths).paddingFraction).toBeLessThan(0.1);
    expect(saved).toBeGreaterThan(0.3);
    // Batch order is shuffled, so the longest batch is not always first.
    const firstLengths = bucketed.slice(0, 10).map((batch) => lengths[batch[0]!]!);
    expect(firstLengths).not.toEqual([...firstLengths].sort((x, y) => y - x));
  });

  it('rejects bad options', () => {
    expect(() => planBatches(5, { batchSize: 0 })).toThrow(ValueError);
    expect(() => planBatches(5, { batchSize: 2, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => planBatches(5, { batchSize: 2, epoch: -1 })).toThrow(/epoch must be a non-negative integer/);
    expect(() => planBatches(5, { batchSize: 2, lengths: [1, 2] })).toThrow(/expected 5 lengths/);
  });
});

describe('paddingStats', () => {
  it('counts padded steps per batch', () => {
    // Batch [0,1]: longest 4 → 8 steps, 5 real; batch [2]: 2 steps, 2 real.
    const stats = paddingStats([[0, 1], [2]], [4, 1, 2]);
    expect(stats).toEqual({ totalSteps: 10, realSteps: 7, paddingFraction: 0.3 });
    expect(paddingStats([], []).paddingFraction).toBe(0);
  });
});
