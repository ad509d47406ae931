// packPaddedSequence / packSequence: layout on hand-made batches, the enforceSorted paths,
// gradients through pack → pad, and every input error. T time steps, B sequences, F features.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, arange, randn, tensor, zeros } from '@recur/tensor';
import { packPaddedSequence, packSequence, padPackedSequence } from './index.js';

/** x[t, b] = 10·b + t as a [T, B] float tensor: each value names its position. */
function positions(steps: number, batch: number) {
  const values = Array.from({ length: steps }, (_, t) => Array.from({ length: batch }, (_, b) => 10 * b + t));
  return tensor(values);
}

describe('packPaddedSequence: layout', () => {
  it('packs sorted lengths time-major and stores no indices with enforceSorted', () => {
    const packed = packPaddedSequence(positions(4, 3), [4, 2, 1]);
    expect(packed.data.toArraySync()).toEqual([0, 10, 20, 1, 11, 2, 3]);
    expect([...packed.batchSizes]).toEqual([3, 2, 1, 1]);
    expect(packed.sortedIndices).toBeNull();
    expect(packed.unsortedIndices).toBeNull();
    expect([...packed.lengths]).toEqual([4, 2, 1]);
    expect(packed.batchSize).toBe(3);
    expect(packed.maxLength).toBe(4);
  });

  it('sorts unsorted lengths longest first and records both permutations', () => {
    const packed = packPaddedSequence(positions(5, 4), [2, 5, 1, 3], { enforceSorted: false });
    expect(packed.sortedIndices!.toArraySync()).toEqual([1, 3, 0, 2]);
    expect(packed.unsortedIndices!.toArraySync()).toEqual([2, 0, 3, 1]);
    expect([...packed.batchSizes]).toEqual([4, 3, 2, 1, 1]);
    expect(packed.data.toArraySync()).toEqual([10, 30, 0, 20, 11, 31, 1, 12, 32, 13, 14]);
    expect([...packed.lengths]).toEqual([2, 5, 1, 3]);
  });

  it('with enforceSorted: false, still returns (identity) indices for sorted input, as PyTorch', () => {
    const packed = packPaddedSequence(positions(3, 2), [3, 1], { enforceSorted: false });
    expect(packed.sortedIndices!.toArraySync()).toEqual([0, 1]);
    expect(packed.unsortedIndices!.toArraySync()).toEqual([0, 1]);
  });

  it('breaks ties by batch order (a stable sort)', () => {
    const packed = packPaddedSequence(positions(3, 4), [2, 3, 2, 3], { enforceSorted: false });
    expect(packed.sortedIndices!.toArraySync()).toEqual([1, 3, 0, 2]);
  });

  it('batchFirst reads [B, T, *] and keeps feature dimensions', () => {
    const x = arange(0, 2 * 3 * 2 * 2)
      .reshape([2, 3, 2, 2])
      .toDType('float32');
    const packed = packPaddedSequence(x, [1, 3], { batchFirst: true, enforceSorted: false });
    expect(packed.data.shape).toEqual([4, 2, 2]);
    const rows = packed.data.reshape([4, 4]).toArraySync() as number[][];
    // sorted order [1, 0]: (b1,t0) (b0,t0) (b1,t1) (b1,t2); row (b, t) starts at (3b + t)·4.
    expect(rows.map((r) => r[0])).toEqual([12, 0, 16, 20]);
  });

  it('reads a non-contiguous (transposed) input correctly', () => {
    const x = positions(3, 2).transpose(0, 1);
    expect(packPaddedSequence(x, [3, 2], { batchFirst: true }).data.toArraySync()).toEqual([0, 10, 1, 11, 2]);
  });

  it('accepts lengths as an int32 tensor, an Int32Array or numbers', () => {
    const x = positions(3, 2);
    for (const lengths of [tensor([3, 2], { dtype: 'int32' }), Int32Array.of(3, 2), [3, 2]]) {
      expect(packPaddedSequence(x, lengths).data.toArraySync()).toEqual([0, 10, 1, 11, 2]);
    }
  });

  it('packs bool and int32 data too', () => {
    const mask = tensor([
      [true, false],
      [false, true],
    ]);
    expect(packPaddedSequence(mask, [2, 1]).data.toArraySync()).toEqual([true, false, false]);
    expect(packPaddedSequence(arange(0, 4).reshape([2, 2]), [2, 1]).data.toArraySync()).toEqual([0, 1, 2]);
  });

  it('packSequence packs a list without padding it', () => {
    const packed = packSequence([tensor([1, 2]), tensor([3, 4, 5]), tensor([6])], { enforceSorted: false });
    expect(packed.data.toArraySync()).toEqual([3, 1, 6, 4, 2, 5]);
    expect([...packed.batchSizes]).toEqual([3, 2, 1]);
    expect(packed.sortedIndices!.toArraySync()).toEqual([1, 0, 2]);
    const sorted = packSequence([tensor([[1], [2]]), tensor([[3]])]);
    expect(sorted.sortedIndices).toBeNull();
    expect(sorted.data.toArraySync()).toEqual([[1], [3], [2]]);
  });
});

describe('gradients', () => {
  for (const batchFirst of [false, true]) {
    it(`sum(pad(pack(x))·R) gives R at valid positions and 0 at padding (batchFirst ${batchFirst})`, () => {
      const lengths = [2, 4, 1];
      const shape = batchFirst ? [3, 4, 2] : [4, 3, 2];
      const x = randn(shape).requireGrad();
      const r = randn(shape);
      const packed = packPaddedSequence(x, lengths, { batchFirst, enforceSorted: false });
      const [padded] = padPackedSequence(packed, { batchFirst });
      padded.mul(r).sum().backward();
      const grad = x.grad!.toArraySync() as number[][][];
      const expected = r.toArraySync() as number[][][];
      for (let i = 0; i < shape[0]!; i++) {
        for (let k = 0; k < shape[1]!; k++) {
          const [b, t] = batchFirst ? [i, k] : [k, i];
          expect(grad[i]![k]).toEqual(t < lengths[b]! ? expected[i]![k] : [0, 0]);
        }
      }
    });
  }

  it('packSequence passes gradients back to each sequence', () => {
    const a = tensor([1, 2, 3]).requireGrad();
    const b = tensor([4]).requireGrad();
    const packed = packSequence([a, b]);
    packed.data
      .mul(tensor([1, 2, 3, 4]))
      .sum()
      .backward();
    expect(a.grad!.toArraySync()).toEqual([1, 3, 4]);
    expect(b.grad!.toArraySync()).toEqual([2]);
  });
});

describe('packPaddedSequence: errors name what was expected and what came', () => {
  const x = () => zeros([7, 3, 2]);

  it('a length longer than the sequence', () => {
    expect(() => packPaddedSequence(x(), [7, 5, 9], { enforceSorted: false })).toThrow(ValueError);
    expect(() => packPaddedSequence(x(), [7, 5, 9], { enforceSorted: false })).toThrow(
      'packPaddedSequence: length 9 at batch index 2 exceeds the sequence length 7',
    );
  });

  it('a length of 0 or below', () => {
    expect(() => packPaddedSequence(x(), [3, 0, 0])).toThrow(/length 0 at batch index 1 is not positive/);
    expect(() => packPaddedSequence(x(), [3, -1, 1], { enforceSorted: false })).toThrow(ValueError);
  });

  it('unsorted lengths with enforceSorted', () => {
    expect(() => packPaddedSequence(x(), [3, 5, 2])).toThrow(ValueError);
    expect(() => packPaddedSequence(x(), [3, 5, 2])).toThrow(/\[3,5,2\].*sorted in decreasing order.*enforceSorted: false/);
  });

  it('a lengths count that differs from the batch size', () => {
    expect(() => packPaddedSequence(x(), [3, 2])).toThrow(ShapeError);
    expect(() => packPaddedSequence(x(), [3, 2])).toThrow('expected 3 lengths (the batch size of input [7,3,2]); got 2');
    expect(() => packPaddedSequence(x(), [3, 2], { batchFirst: true })).toThrow('expected 7 lengths');
  });

  it('a float or bool lengths tensor, a 2-D one, or non-integer numbers', () => {
    expect(() => packPaddedSequence(x(), tensor([3, 2, 1]))).toThrow(DTypeError);
    expect(() => packPaddedSequence(x(), tensor([3, 2, 1]))).toThrow(/lengths tensor must be int32; got float32/);
    expect(() => packPaddedSequence(x(), tensor([true, true, true]))).toThrow(DTypeError);
    expect(() => packPaddedSequence(x(), tensor([[3, 2, 1]], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => packPaddedSequence(x(), [3, 2.5, 1])).toThrow(/lengths must be integers; got 2.5 at batch index 1/);
  });

  it('an input of rank below 2, or an empty batch', () => {
    expect(() => packPaddedSequence(zeros([5]), [5])).toThrow(ShapeError);
    expect(() => packPaddedSequence(zeros([5]), [5])).toThrow(/at least 2 dimensions \(\[T, B, \*\]\); got shape \[5\]/);
    expect(() => packPaddedSequence(zeros([5, 0]), [])).toThrow(/at least one sequence/);
  });

  it('packSequence: empty list, empty sequence, ragged features, mixed dtypes', () => {
    expect(() => packSequence([])).toThrow(ValueError);
    expect(() => packSequence([tensor([1]), zeros([0])])).toThrow(/length 0 at batch index 1 is not positive/);
    expect(() => packSequence([zeros([2, 3]), zeros([1, 4])])).toThrow(ShapeError);
    expect(() => packSequence([zeros([2, 3]), zeros([1, 3], { dtype: 'int32' })])).toThrow(DTypeError);
  });
});
