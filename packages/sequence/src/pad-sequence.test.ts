// padSequence / unpadSequence: both layouts, both padding sides, empty sequences, gradients,
// round trips and errors. T time steps, B sequences.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, tensor, zeros } from '@recur/tensor';
import { padSequence, unpadSequence } from './index.js';

const sequences = () => [tensor([1, 2, 3]), tensor([4]), tensor([5, 6])];

describe('padSequence', () => {
  it('pads time-major by default: [T, B]', () => {
    expect(padSequence(sequences()).toArraySync()).toEqual([
      [1, 4, 5],
      [2, 0, 6],
      [3, 0, 0],
    ]);
  });

  it('batchFirst gives [B, T]; paddingValue fills the rest', () => {
    expect(padSequence(sequences(), { batchFirst: true, paddingValue: 9 }).toArraySync()).toEqual([
      [1, 2, 3],
      [4, 9, 9],
      [5, 6, 9],
    ]);
  });

  it("paddingSide 'left' right-aligns each sequence", () => {
    expect(padSequence(sequences(), { batchFirst: true, paddingSide: 'left' }).toArraySync()).toEqual([
      [1, 2, 3],
      [0, 0, 4],
      [0, 5, 6],
    ]);
    expect(padSequence(sequences(), { paddingSide: 'left' }).toArraySync()).toEqual([
      [1, 0, 0],
      [2, 0, 5],
      [3, 4, 6],
    ]);
  });

  it('keeps feature dimensions and dtype', () => {
    const padded = padSequence([
      tensor([[1, 2]], { dtype: 'int32' }),
      tensor(
        [
          [3, 4],
          [5, 6],
        ],
        { dtype: 'int32' },
      ),
    ]);
    expect(padded.dtype).toBe('int32');
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

  it('allows empty sequences, as PyTorch does', () => {
    expect(padSequence([tensor([1, 2]), zeros([0])], { batchFirst: true }).toArraySync()).toEqual([
      [1, 2],
      [0, 0],
    ]);
    expect(padSequence([zeros([0, 3]), zeros([0, 3])]).shape).toEqual([0, 2, 3]);
  });

  it('sends gradients back to each sequence, none from padding', () => {
    const a = tensor([1, 2]).requireGrad();
    const b = tensor([3]).requireGrad();
    const padded = padSequence([a, b], { batchFirst: true, paddingSide: 'left' });
    padded
      .mul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      )
      .sum()
      .backward();
    expect(a.grad!.toArraySync()).toEqual([1, 2]);
    expect(b.grad!.toArraySync()).toEqual([4]);
  });

  it('errors: empty list, ragged features, mixed dtypes, scalars, bad paddingSide', () => {
    expect(() => padSequence([])).toThrow(ValueError);
    expect(() => padSequence([zeros([2, 4]), zeros([3, 4]), zeros([3, 5])])).toThrow(ShapeError);
    expect(() => padSequence([zeros([2, 4]), zeros([3, 4]), zeros([3, 5])])).toThrow(
      'padSequence: sequence 2 has shape [3,5], expected [*,4] (the trailing dimensions of sequence 0, [2,4])',
    );
    expect(() => padSequence([zeros([2, 4]), zeros([2, 4, 1])])).toThrow(ShapeError);
    expect(() => padSequence([zeros([2]), zeros([2], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => padSequence([tensor(1)])).toThrow(ShapeError);
    expect(() => padSequence(sequences(), { paddingSide: 'middle' as 'left' })).toThrow(ValueError);
  });
});

describe('unpadSequence', () => {
  it('round-trips padSequence in both layouts', () => {
    for (const batchFirst of [false, true]) {
      const padded = padSequence(sequences(), { batchFirst, paddingValue: -1 });
      const pieces = unpadSequence(padded, [3, 1, 2], { batchFirst });
      expect(pieces.map((t) => t.toArraySync())).toEqual([[1, 2, 3], [4], [5, 6]]);
    }
  });

  it('keeps gradients (the pieces are views)', () => {
    const padded = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]).requireGrad();
    const [first, second] = unpadSequence(padded, tensor([3, 1], { dtype: 'int32' }));
    first!.sum().add(second!.sum().mul(10)).backward();
    expect(padded.grad!.toArraySync()).toEqual([
      [1, 10],
      [1, 0],
      [1, 0],
    ]);
  });

  it('allows length 0; rejects lengths past T, a wrong count, rank < 2', () => {
    expect(unpadSequence(zeros([3, 2]), [0, 3]).map((t) => t.shape)).toEqual([[0], [3]]);
    expect(() => unpadSequence(zeros([3, 2]), [4, 1])).toThrow('unpadSequence: length 4 at batch index 0 exceeds the sequence length 3');
    expect(() => unpadSequence(zeros([3, 2]), [3, 2, 1])).toThrow(ShapeError);
    expect(() => unpadSequence(zeros([3]), [3])).toThrow(ShapeError);
    expect(() => unpadSequence(zeros([3, 2]), [-1, 1])).toThrow(ValueError);
  });
});
