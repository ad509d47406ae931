// padPackedSequence / unpackSequence: layouts, paddingValue, totalLength, gradients w.r.t.
// packed.data, and round trips. T time steps, B sequences.

import { describe, expect, it } from 'vitest';
import { ValueError, tensor } from '@recur/tensor';
import { PackedSequence, packPaddedSequence, packSequence, padPackedSequence, unpackSequence } from './index.js';

/** Sequences [1,2], [3,4,5], [6] (lengths 2, 3, 1), packed longest first. */
const packedExample = () => packSequence([tensor([1, 2]), tensor([3, 4, 5]), tensor([6])], { enforceSorted: false });

describe('padPackedSequence', () => {
  it('pads time-major in the original order and returns int32 lengths', () => {
    const [padded, lengths] = padPackedSequence(packedExample());
    expect(padded.toArraySync()).toEqual([
      [1, 3, 6],
      [2, 4, 0],
      [0, 5, 0],
    ]);
    expect(lengths.dtype).toBe('int32');
    expect(lengths.toArraySync()).toEqual([2, 3, 1]);
  });

  it('batchFirst, paddingValue and totalLength', () => {
    const [padded] = padPackedSequence(packedExample(), { batchFirst: true, paddingValue: -1, totalLength: 4 });
    expect(padded.toArraySync()).toEqual([
      [1, 2, -1, -1],
      [3, 4, 5, -1],
      [6, -1, -1, -1],
    ]);
  });

  it('keeps feature dimensions', () => {
    const packed = packSequence(
      [
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ],
      { enforceSorted: false },
    );
    const [padded] = padPackedSequence(packed);
    expect(padded.toArraySync()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 0],
        [5, 6],
      ],
    ]);
  });

  it('rejects a totalLength shorter than the longest sequence', () => {
    expect(() => padPackedSequence(packedExample(), { totalLength: 2 })).toThrow(ValueError);
    expect(() => padPackedSequence(packedExample(), { totalLength: 2 })).toThrow(
      'padPackedSequence: totalLength must be an integer of at least the longest sequence length 3; got 2',
    );
    expect(() => padPackedSequence(packedExample(), { totalLength: 3.5 })).toThrow(ValueError);
  });

  it('works on a PackedSequence built by hand (indices read from the tensors)', () => {
    const packed = new PackedSequence(tensor([30, 10, 31, 32]), [2, 1, 1], {
      sortedIndices: tensor([1, 0], { dtype: 'int32' }),
    });
    expect(packed.unsortedIndices!.toArraySync()).toEqual([1, 0]);
    const [padded] = padPackedSequence(packed, { batchFirst: true });
    expect(padded.toArraySync()).toEqual([
      [10, 0, 0],
      [30, 31, 32],
    ]);
  });

  it('sends gradients of the padded output to packed.data and none to padding', () => {
    const data = tensor([1, 2, 3, 4, 5, 6]).requireGrad();
    const packed = new PackedSequence(data, [3, 2, 1]);
    const [padded] = padPackedSequence(packed, { totalLength: 4, paddingValue: 7 });
    const r = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]);
    padded.mul(r).sum().backward();
    // data rows: t0 → b0 b1 b2, t1 → b0 b1, t2 → b0.
    expect(data.grad!.toArraySync()).toEqual([1, 2, 3, 4, 5, 7]);
  });
});

describe('unpackSequence', () => {
  it('returns each sequence in the original order', () => {
    expect(unpackSequence(packedExample()).map((t) => t.toArraySync())).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('round-trips packPaddedSequence, with feature dimensions and gradients', () => {
    const x = tensor([
      [[1], [2]],
      [[3], [4]],
      [[5], [6]],
    ]).requireGrad();
    const pieces = unpackSequence(packPaddedSequence(x, [1, 3], { enforceSorted: false }));
    expect(pieces.map((t) => t.toArraySync())).toEqual([[[1]], [[2], [4], [6]]]);
    pieces[1]!.sum().backward();
    expect(x.grad!.toArraySync()).toEqual([
      [[0], [1]],
      [[0], [1]],
      [[0], [1]],
    ]);
  });
});
