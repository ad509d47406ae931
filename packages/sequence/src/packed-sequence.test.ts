// PackedSequence itself: construction checks, stepOffsets, lengths, withData, keep/dispose, and
// that no function in the package leaks tensors. T time steps, B sequences, N packed rows.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, memory, randn, scope, tensor, zeros } from '@recur/tensor';
import {
  PackedSequence,
  lengthsToMask,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  stepOffsets,
  unpackSequence,
  unpadSequence,
} from './index.js';

const ints = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('PackedSequence', () => {
  it('stepOffsets gives the first row of each step and N at the end', () => {
    expect([...stepOffsets(Int32Array.of(4, 3, 3, 2, 1))]).toEqual([0, 4, 7, 10, 12, 13]);
    expect([...stepOffsets([1])]).toEqual([0, 1]);
  });

  it('lengths come back in the original order', () => {
    const packed = new PackedSequence(zeros([6, 2]), [3, 2, 1], { sortedIndices: ints([2, 0, 1]), unsortedIndices: ints([1, 2, 0]) });
    expect([...packed.lengths]).toEqual([2, 1, 3]);
    expect(new PackedSequence(zeros([6]), [3, 2, 1]).lengths).toEqual(Int32Array.of(3, 2, 1));
  });

  it('checks batchSizes against data', () => {
    expect(() => new PackedSequence(zeros([5]), [3, 2, 1])).toThrow(ShapeError);
    expect(() => new PackedSequence(zeros([5]), [3, 2, 1])).toThrow('PackedSequence: batchSizes sum to 6 rows, but data has shape [5]');
    expect(() => new PackedSequence(zeros([5]), [2, 3])).toThrow(/must not increase/);
    expect(() => new PackedSequence(zeros([3]), [3, 0])).toThrow(/batchSizes\[1\] must be a positive integer; got 0/);
    expect(() => new PackedSequence(zeros([3]), [1.5, 1.5])).toThrow(ValueError);
    expect(() => new PackedSequence(zeros([0]), [])).toThrow(/batchSizes is empty/);
    expect(() => new PackedSequence(tensor(1), [1])).toThrow(ShapeError);
  });

  it('checks the index tensors', () => {
    const data = () => zeros([3]);
    expect(() => new PackedSequence(data(), [2, 1], { sortedIndices: tensor([1, 0]) })).toThrow(DTypeError);
    expect(() => new PackedSequence(data(), [2, 1], { sortedIndices: ints([1, 0, 2]) })).toThrow(
      'PackedSequence: sortedIndices must have shape [2] (batchSizes[0]); got [3]',
    );
    expect(() => new PackedSequence(data(), [2, 1], { unsortedIndices: ints([1, 0]) })).toThrow(/without sortedIndices/);
    expect(() => new PackedSequence(data(), [2, 1], { sortedIndices: ints([1, 1]) })).toThrow(/not a permutation/);
    const mismatched = new PackedSequence(data(), [2, 1], { sortedIndices: ints([1, 0]), unsortedIndices: ints([0, 1]) });
    expect(() => mismatched.lengths).toThrow(/not the inverse permutation/);
  });

  it('withData keeps the packing around new data, with its own index handles', () => {
    const packed = packPaddedSequence(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [1, 2],
      { enforceSorted: false },
    );
    const doubled = packed.withData(packed.data.mul(2));
    expect(doubled.data.toArraySync()).toEqual([4, 2, 8]);
    expect(doubled.sortedIndices).not.toBe(packed.sortedIndices);
    packed.dispose();
    expect(doubled.sortedIndices!.toArraySync()).toEqual([1, 0]);
    expect(padPackedSequence(doubled)[0].toArraySync()).toEqual([
      [2, 4],
      [0, 8],
    ]);
    expect(() => doubled.withData(zeros([2]))).toThrow(ShapeError);
  });

  it('returned from a scope, it moves to the enclosing scope like a tensor', () => {
    const before = memory().numTensors;
    scope(() => {
      const packed = scope(() => packPaddedSequence(randn([3, 2]), [3, 1], { enforceSorted: false }));
      expect([packed.data, packed.sortedIndices!, packed.unsortedIndices!].some((t) => t.isDisposed)).toBe(false);
      expect(memory().numTensors).toBe(before + 3);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('keep() lets it outlive a scope; dispose() frees it', () => {
    const before = memory().numTensors;
    const packed = scope(() => packPaddedSequence(randn([3, 2]), [3, 1], { enforceSorted: false }).keep());
    expect(packed.data.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before + 3);
    packed.dispose();
    packed.dispose();
    expect(packed.data.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(before);
  });
});

describe('memory', () => {
  it('each function returns exactly its outputs and leaks no temporaries', () => {
    const x = randn([4, 3, 2]);
    const base = memory();
    const packed = packPaddedSequence(x, [2, 4, 1], { enforceSorted: false });
    expect(memory().numTensors).toBe(base.numTensors + 3);
    const [padded, lengths] = padPackedSequence(packed, { totalLength: 6, paddingValue: 1 });
    expect(memory().numTensors).toBe(base.numTensors + 5);
    const pieces = unpackSequence(packed);
    expect(memory().numTensors).toBe(base.numTensors + 8);
    for (const t of [padded, lengths, ...pieces]) t.dispose();
    packed.dispose();
    expect(memory().numTensors).toBe(base.numTensors);
    expect(memory().numBytes).toBe(base.numBytes);
    x.dispose();
  });

  it('memory() is flat after a scope that uses every function, with gradients', () => {
    const base = memory();
    scope(() => {
      const a = randn([3, 2]).requireGrad();
      const b = randn([1, 2]).requireGrad();
      const padded = padSequence([a, b], { batchFirst: true });
      const packed = packPaddedSequence(padded, [3, 1], { batchFirst: true });
      const [out] = padPackedSequence(packed, { totalLength: 4 });
      out.sum().add(unpackSequence(packed)[1]!.sum()).backward();
      unpadSequence(out, [3, 1]);
      packSequence([a, b]);
      lengthsToMask([3, 1]);
      a.grad!.dispose();
      b.grad!.dispose();
    });
    expect(memory().numTensors).toBe(base.numTensors);
    expect(memory().numBytes).toBe(base.numBytes);
  });
});
