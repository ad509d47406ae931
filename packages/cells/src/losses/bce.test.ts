// bceWithLogits against the textbook formula in float64, the analytic gradient
// w·[(1 + (p - 1)·t)·σ(x) - p·t] (x logit, t target, p posWeight, w weight), extreme logits,
// typed errors and flat memory.

import { describe, expect, it } from 'vitest';
import { ShapeError, memory, scope, tensor } from '@recur/tensor';
import { bceWithLogits } from './bce.js';
import { expectClose } from '@recur/test-support';

const LOGITS = [
  [0.5, -1, 2],
  [-3, 0, 1.25],
];
const TARGETS = [
  [1, 0, 0.25],
  [0, 1, 0.9],
];
const POS_WEIGHT = [2, 0.5, 3];
const WEIGHT = [
  [1, 2, 0.5],
  [0.25, 1, 3],
];

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The per-element loss and d loss / d x, straight from the definition. */
function reference(x: number, t: number, p = 1, w = 1): [number, number] {
  const loss = -w * (p * t * Math.log(sigmoid(x)) + (1 - t) * Math.log(1 - sigmoid(x)));
  const grad = w * ((1 + (p - 1) * t) * sigmoid(x) - p * t);
  return [loss, grad];
}

describe('bceWithLogits', () => {
  it('matches the definition, with its mean and gradient', () => {
    scope(() => {
      const x = tensor(LOGITS, { requiresGrad: true });
      const loss = bceWithLogits(x, tensor(TARGETS));
      const ref = LOGITS.flat().map((v, i) => reference(v, TARGETS.flat()[i]!));
      expect(loss.itemSync()).toBeCloseTo(ref.reduce((s, [l]) => s + l, 0) / 6, 5);
      loss.backward();
      // x = 0 is included: the gradient there is σ(0) - t = 0.5 - t, as PyTorch's.
      expectClose(
        x.grad!.dataSync(),
        ref.map(([, g]) => g / 6),
        { digits: 5 },
      );
    });
  });

  it('applies posWeight per class and weight per element', () => {
    scope(() => {
      const x = tensor(LOGITS, { requiresGrad: true });
      const loss = bceWithLogits(x, tensor(TARGETS), { posWeight: tensor(POS_WEIGHT), weight: tensor(WEIGHT), reduction: 'sum' });
      const ref = LOGITS.flat().map((v, i) => reference(v, TARGETS.flat()[i]!, POS_WEIGHT[i % 3]!, WEIGHT.flat()[i]!));
      expect(loss.itemSync()).toBeCloseTo(
        ref.reduce((s, [l]) => s + l, 0),
        5,
      );
      loss.backward();
      expectClose(
        x.grad!.dataSync(),
        ref.map(([, g]) => g),
        { digits: 5 },
      );
      const none = bceWithLogits(x, tensor(TARGETS), { posWeight: tensor(POS_WEIGHT), reduction: 'none' });
      expect(none.shape).toEqual([2, 3]);
    });
  });

  it('stays finite and exact for logits of ±1e4', () => {
    scope(() => {
      const x = tensor([1e4, -1e4, 1e4, -1e4], { requiresGrad: true });
      const loss = bceWithLogits(x, tensor([1, 0, 0.75, 0.5]), { posWeight: tensor([2]), reduction: 'none' });
      // Correct side costs nothing; otherwise (1 - t)·x for x > 0 and p·t·|x| for x < 0.
      expect(Array.from(loss.dataSync())).toEqual([0, 0, 2500, 1e4]);
      loss.sum().backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0.25, -1]);
    });
  });

  it('rejects targets, weights and posWeights that do not fit the input', () => {
    scope(() => {
      const x = tensor(LOGITS);
      expect(() => bceWithLogits(x, tensor([1, 0, 1]))).toThrow(ShapeError);
      expect(() => bceWithLogits(x, tensor(TARGETS), { posWeight: tensor([1, 2]) })).toThrow(
        /posWeight of shape \[2\] does not broadcast to the input shape \[2,3\]/,
      );
      expect(() => bceWithLogits(x, tensor(TARGETS), { weight: tensor([[[1, 2, 3]]]) })).toThrow(ShapeError);
    });
  });

  it('leaves memory flat', () => {
    const x = tensor(LOGITS, { requiresGrad: true });
    const before = memory().numTensors;
    scope(() => bceWithLogits(x, tensor(TARGETS), { posWeight: tensor(POS_WEIGHT) }).backward());
    x.grad?.dispose();
    x.grad = null;
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });
});
