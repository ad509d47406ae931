// ArrayDataset, Subset, MappedDataset and collect: lengths, access, range errors and laziness.

import { describe, expect, it } from 'vitest';
import { IndexError } from '@recur/tensor';
import { ArrayDataset, MappedDataset, Subset, collect, iterateDataset } from './dataset.js';

describe('ArrayDataset', () => {
  it('gives length, records by index and iteration', () => {
    const dataset = new ArrayDataset(['a', 'b', 'c']);
    expect(dataset.length).toBe(3);
    expect(dataset.get(1)).toBe('b');
    expect([...dataset]).toEqual(['a', 'b', 'c']);
    expect([...iterateDataset(dataset)]).toEqual(['a', 'b', 'c']);
  });

  it('throws IndexError outside 0..length-1', () => {
    const dataset = new ArrayDataset([1, 2]);
    expect(() => dataset.get(2)).toThrow(IndexError);
    expect(() => dataset.get(-1)).toThrow(/index -1 is out of range for a dataset of 2 records/);
    expect(() => dataset.get(0.5)).toThrow(IndexError);
  });
});

describe('Subset and MappedDataset', () => {
  it('selects records in the given order', () => {
    const subset = new Subset(new ArrayDataset([10, 11, 12, 13]), [3, 0]);
    expect(subset.length).toBe(2);
    expect([subset.get(0), subset.get(1)]).toEqual([13, 10]);
    expect(() => new Subset(new ArrayDataset([1]), [1])).toThrow(IndexError);
  });

  it('maps lazily, once per get', () => {
    let calls = 0;
    const mapped = new MappedDataset(new ArrayDataset([1, 2, 3]), (x, i) => {
      calls++;
      return x * 10 + i;
    });
    expect(calls).toBe(0);
    expect(mapped.get(2)).toBe(32);
    expect(calls).toBe(1);
    expect(mapped.length).toBe(3);
  });
});

describe('collect', () => {
  it('gathers sync and async streams', async () => {
    async function* numbers() {
      yield 1;
      yield 2;
    }
    expect(await collect(numbers())).toEqual([1, 2]);
    expect(await collect(new Set(['x']))).toEqual(['x']);
  });
});
