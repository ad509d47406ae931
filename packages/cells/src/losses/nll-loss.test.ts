// nllLoss on log-probabilities against hand-computed values: weights, ignoreIndex, reductions,
// the gradient -w[y]/Σw at the target, typed errors and flat memory.

import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, memory, scope, tensor } from '@recur/tensor';
import { nllLoss } from './nll-loss.js';

const LOG_PROBS = [
  [-0.5, -1.5, -2.5],
  [-3, -0.25, -1],
  [-1, -2, -0.75],
];
const ints = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('nllLoss', () => {
  it('picks -input[n, y_n] and reduces', () => {
    scope(() => {
      const x = tensor(LOG_PROBS);
      expect(Array.from(nllLoss(x, ints([0, 1, 2]), { reduction: 'none' }).dataSync())).toEqual([0.5, 0.25, 0.75]);
      expect(nllLoss(x, ints([0, 1, 2]), { reduction: 'sum' }).itemSync()).toBeCloseTo(1.5, 6);
      expect(nllLoss(x, ints([0, 1, 2])).itemSync()).toBeCloseTo(0.5, 6);
    });
  });

  it('weights by class, ignores ignoreIndex, and sends -w[y]/Σw to the target entries', () => {
    scope(() => {
      const x = tensor(LOG_PROBS, { requiresGrad: true });
      const weight = tensor([2, 1, 4]);
      const loss = nllLoss(x, ints([0, -100, 2]), { weight });
      // (2·0.5 + 4·0.75) / (2 + 4)
      expect(loss.itemSync()).toBeCloseTo(4 / 6, 6);
      loss.backward();
      const grad = Array.from(x.grad!.dataSync());
      const expected = [-2 / 6, 0, 0, 0, 0, 0, 0, 0, -4 / 6];
      expected.forEach((e, i) => expect(grad[i]).toBeCloseTo(e, 6));
    });
  });

  it('gives NaN for a mean over only ignored targets, as PyTorch does', () => {
    scope(() => {
      expect(nllLoss(tensor(LOG_PROBS), ints([-100, -100, -100])).itemSync()).toBeNaN();
    });
  });

  it('throws typed errors for bad targets and weights', () => {
    scope(() => {
      const x = tensor(LOG_PROBS);
      expect(() => nllLoss(x, ints([0, 1]))).toThrow(ShapeError);
      expect(() => nllLoss(x, tensor([0, 1, 2]))).toThrow(DTypeError);
      expect(() => nllLoss(x, ints([0, 1, 3]))).toThrow(IndexError);
      expect(() => nllLoss(x, ints([0, 1, 2]), { weight: tensor([1, 2, 3, 4]) })).toThrow(/weight must have shape \[3\].*got \[4\]/);
    });
  });

  it('leaves memory flat', () => {
    const x = tensor(LOG_PROBS, { requiresGrad: true });
    const target = ints([0, -100, 2]);
    const before = memory().numTensors;
    scope(() => nllLoss(x, target, { weight: tensor([2, 1, 4]) }).backward());
    x.grad?.dispose();
    x.grad = null;
    expect(memory().numTensors).toBe(before);
    x.dispose();
    target.dispose();
  });
});
