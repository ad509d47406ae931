// DataLoader: batch counts, seeded shuffles per epoch, dropLast, padding collate end to end, and
// bucketing's padding report on sequences of random lengths.

import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { DataLoader } from './data-loader.js';
import { ArrayDataset } from './dataset.js';
import { padCollate, type SequenceExample } from './collate.js';
import { mulberry32 } from './random.js';

const numbers = new ArrayDataset(Array.from({ length: 10 }, (_, i) => i));

describe('DataLoader: order', () => {
  it('batches in order by default and counts batches like len(loader)', () => {
    const loader = new DataLoader(numbers, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect([...loader]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(new DataLoader(numbers, { batchSize: 4, dropLast: true }).length).toBe(2);
    expect([...new DataLoader(numbers, { batchSize: 4, dropLast: true })]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new DataLoader(numbers, { batchSize: 5, dropLast: true }).length).toBe(2);
  });

  it('reproduces a seeded shuffle and reshuffles each epoch', () => {
    const first = new DataLoader(numbers, { batchSize: 3, shuffle: true, seed: 11 });
    const second = new DataLoader(numbers, { batchSize: 3, shuffle: true, seed: 11 });
    const epoch0 = [...first];
    const epoch1 = [...first];
    expect(first.epoch).toBe(2);
    expect([...second]).toEqual(epoch0);
    expect([...second]).toEqual(epoch1);
    expect(epoch1.flat()).not.toEqual(epoch0.flat());
    expect(epoch0.flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...first.batches(1)]).toEqual(epoch1);
    expect(first.batchIndices(0)).toEqual(epoch0);
  });

  it('rejects a bad batch size or seed', () => {
    expect(() => new DataLoader(numbers, { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(numbers, { seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});

describe('DataLoader: padding collate and bucketing', () => {
  it('yields padded tensor batches', () => {
    const dataset = new ArrayDataset<SequenceExample>([
      { input: [1, 2, 3], target: 0 },
      { input: [4], target: 1 },
      { input: [5, 6], target: 1 },
    ]);
    const loader = new DataLoader(dataset, { batchSize: 2, collate: padCollate() });
    const batches = [...loader];
    expect(batches.map((batch) => batch.inputs.shape)).toEqual([
      [2, 3],
      [1, 2],
    ]);
    expect([...batches[0]!.lengths]).toEqual([3, 1]);
    expect(batches[1]!.mask.toArraySync()).toEqual([[true, true]]);
    expect(batches[0]!.targets.toArraySync()).toEqual([0, 1]);
  });

  it('reports the padding that bucketing saves', () => {
    const random = mulberry32(9);
    const records = Array.from({ length: 2000 }, () => ({
      input: Array.from({ length: 1 + Math.floor(random() * 60) }, () => 1),
      target: 0,
    }));
    const dataset = new ArrayDataset(records);
    const loader = new DataLoader(dataset, { batchSize: 32, shuffle: true, seed: 1, bucketBy: (r) => r.input.length });
    const report = loader.paddingReport(0);
    expect(report.unbucketedPaddingFraction).toBeGreaterThan(0.35);
    expect(report.paddingFraction).toBeLessThan(0.05);
    expect(report.saved).toBeCloseTo(report.unbucketedPaddingFraction - report.paddingFraction, 12);
    // The batches themselves carry the reduction: total padded steps of epoch 0.
    const steps = (batches: number[][]) =>
      batches.reduce((sum, b) => sum + b.length * Math.max(...b.map((i) => records[i]!.input.length)), 0);
    const plain = new DataLoader(dataset, { batchSize: 32, shuffle: true, seed: 1 });
    expect(steps(loader.batchIndices(0))).toBeLessThan(0.7 * steps(plain.batchIndices(0)));
    expect(() => plain.paddingReport()).toThrow(/needs the bucketBy option/);
  });
});
