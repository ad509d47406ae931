// crossEntropy against losses worked out by hand in float64: class indices (weights, ignoreIndex,
// label smoothing, K-dim, unbatched), class probabilities, analytic gradients, typed errors, memory.

import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, ValueError, memory, scope, tensor, type Tensor } from '@recur/tensor';
import { crossEntropy } from './cross-entropy.js';
import { expectClose } from '@recur/test-support';

const LOGITS = [
  [1, 2, 3],
  [1, -1, 0],
  [0.5, 0.5, -2],
  [-1, 4, 2],
];
const TARGET = [2, 0, 1, 1];

/** log softmax of one row, in float64. */
function logSoftmaxRow(row: readonly number[]): number[] {
  const top = Math.max(...row);
  const lse = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
  return row.map((v) => v - lse);
}

const ints = (values: number[]): Tensor => tensor(values, { dtype: 'int32' });
const flat = (t: Tensor): number[] => Array.from(t.dataSync());

describe('crossEntropy with class indices', () => {
  const perSample = LOGITS.map((row, n) => -logSoftmaxRow(row)[TARGET[n]!]!);

  it('gives the per-sample loss, its mean and its sum', () => {
    scope(() => {
      const x = tensor(LOGITS);
      expectClose(flat(crossEntropy(x, ints(TARGET), { reduction: 'none' })), perSample, { digits: 5 });
      const total = perSample.reduce((s, v) => s + v, 0);
      expect(crossEntropy(x, ints(TARGET)).itemSync()).toBeCloseTo(total / 4, 5);
      expect(crossEntropy(x, ints(TARGET), { reduction: 'sum' }).itemSync()).toBeCloseTo(total, 5);
    });
  });

  it('has gradient (softmax - onehot) / N for the mean', () => {
    scope(() => {
      const x = tensor(LOGITS, { requiresGrad: true });
      crossEntropy(x, ints(TARGET)).backward();
      const expected = LOGITS.flatMap((row, n) => logSoftmaxRow(row).map((lp, c) => (Math.exp(lp) - (c === TARGET[n] ? 1 : 0)) / 4));
      expectClose(x.grad!.dataSync(), expected, { digits: 5 });
    });
  });

  it('skips ignoreIndex targets and leaves them out of the mean', () => {
    scope(() => {
      const target = [2, -100, 1, -100];
      const x = tensor(LOGITS, { requiresGrad: true });
      const loss = crossEntropy(x, ints(target));
      expect(loss.itemSync()).toBeCloseTo((perSample[0]! + perSample[2]!) / 2, 5);
      loss.backward();
      const grad = flat(x.grad!);
      // Rows with an ignored target get no gradient at all.
      expect(grad.slice(3, 6)).toEqual([0, 0, 0]);
      expect(grad.slice(9, 12)).toEqual([0, 0, 0]);
      const none = flat(crossEntropy(x, ints(target), { reduction: 'none' }));
      expectClose(none, [perSample[0]!, 0, perSample[2]!, 0], { digits: 5 });
      // A class index may itself be ignored (padding class 0).
      expect(crossEntropy(x, ints([0, 0, 1, 1]), { ignoreIndex: 0 }).itemSync()).toBeCloseTo((perSample[2]! + perSample[3]!) / 2, 5);
    });
  });

  it('weights each target by its class and divides the mean by the summed weights', () => {
    scope(() => {
      const w = [0.5, 2, 1];
      const x = tensor(LOGITS, { requiresGrad: true });
      const loss = crossEntropy(x, ints(TARGET), { weight: tensor(w) });
      const weights = TARGET.map((y) => w[y]!);
      const numerator = perSample.reduce((s, v, n) => s + weights[n]! * v, 0);
      const denominator = weights.reduce((s, v) => s + v, 0);
      expect(loss.itemSync()).toBeCloseTo(numerator / denominator, 5);
      loss.backward();
      const expected = LOGITS.flatMap((row, n) =>
        logSoftmaxRow(row).map((lp, c) => (weights[n]! * (Math.exp(lp) - (c === TARGET[n] ? 1 : 0))) / denominator),
      );
      expectClose(x.grad!.dataSync(), expected, { digits: 5 });
    });
  });

  it('applies label smoothing as PyTorch does, with weights and ignoreIndex', () => {
    scope(() => {
      const e = 0.2;
      const w = [0.5, 2, 1];
      const target = [2, 0, -100, 1];
      const loss = crossEntropy(tensor(LOGITS), ints(target), { weight: tensor(w), labelSmoothing: e });
      let numerator = 0;
      let denominator = 0;
      LOGITS.forEach((row, n) => {
        const y = target[n]!;
        if (y === -100) return;
        const lp = logSoftmaxRow(row);
        const uniform = lp.reduce((s, v, c) => s - w[c]! * v, 0);
        numerator += (1 - e) * -w[y]! * lp[y]! + (e / 3) * uniform;
        denominator += w[y]!;
      });
      expect(loss.itemSync()).toBeCloseTo(numerator / denominator, 5);
    });
  });

  it('takes K-dimensional input (N, C, d) with target (N, d)', () => {
    scope(() => {
      // Two samples, 3 classes, d = 2: position (n, j) has logits LOGITS[2n + j].
      const input = [0, 1].map((n) => [0, 1, 2].map((c) => [0, 1].map((j) => LOGITS[2 * n + j]![c]!)));
      const target = [
        [TARGET[0]!, TARGET[1]!],
        [TARGET[2]!, -100],
      ];
      const loss = crossEntropy(tensor(input), tensor(target, { dtype: 'int32' }));
      expect(loss.itemSync()).toBeCloseTo((perSample[0]! + perSample[1]! + perSample[2]!) / 3, 5);
      const none = crossEntropy(tensor(input), tensor(target, { dtype: 'int32' }), { reduction: 'none' });
      expect(none.shape).toEqual([2, 2]);
    });
  });

  it('takes an unbatched (C) input with a scalar target', () => {
    scope(() => {
      const loss = crossEntropy(tensor(LOGITS[0]!), tensor(2, { dtype: 'int32' }));
      expect(loss.shape).toEqual([]);
      expect(loss.itemSync()).toBeCloseTo(perSample[0]!, 5);
    });
  });

  it('stays finite for logits of ±3e4', () => {
    scope(() => {
      const loss = crossEntropy(tensor([[3e4, -3e4, 0]]), ints([1]));
      expect(loss.itemSync()).toBeCloseTo(6e4, 0);
    });
  });
});

describe('crossEntropy with class probabilities', () => {
  const probabilities = [
    [0.2, 0.3, 0.5],
    [1, 0, 0],
    [0, 0.5, 0.5],
    [0.1, 0.8, 0.1],
  ];

  it('sums -t·log p over classes and averages over samples', () => {
    scope(() => {
      const perSample = LOGITS.map((row, n) => logSoftmaxRow(row).reduce((s, lp, c) => s - probabilities[n]![c]! * lp, 0));
      const x = tensor(LOGITS, { requiresGrad: true });
      const loss = crossEntropy(x, tensor(probabilities));
      expect(loss.itemSync()).toBeCloseTo(perSample.reduce((s, v) => s + v, 0) / 4, 5);
      loss.backward();
      const expected = LOGITS.flatMap((row, n) => logSoftmaxRow(row).map((lp, c) => (Math.exp(lp) - probabilities[n]![c]!) / 4));
      expectClose(x.grad!.dataSync(), expected, { digits: 5 });
      expectClose(flat(crossEntropy(x, tensor(probabilities), { reduction: 'none' })), perSample, { digits: 5 });
    });
  });

  it('smooths the probabilities toward uniform and weights classes', () => {
    scope(() => {
      const e = 0.1;
      const w = [1, 2, 3];
      let total = 0;
      LOGITS.forEach((row, n) => {
        logSoftmaxRow(row).forEach((lp, c) => {
          total -= w[c]! * ((1 - e) * probabilities[n]![c]! + e / 3) * lp;
        });
      });
      const loss = crossEntropy(tensor(LOGITS), tensor(probabilities), { weight: tensor(w), labelSmoothing: e, reduction: 'sum' });
      expect(loss.itemSync()).toBeCloseTo(total, 4);
    });
  });
});

describe('crossEntropy errors', () => {
  it('names expected and actual target shapes', () => {
    scope(() => {
      expect(() => crossEntropy(tensor(LOGITS), ints([0, 1, 2]))).toThrow(ShapeError);
      expect(() => crossEntropy(tensor(LOGITS), ints([0, 1, 2]))).toThrow(/target shape \[3\].*expected \[4\]/);
    });
  });

  it('rejects float targets with class-index semantics and int probabilities', () => {
    scope(() => {
      expect(() => crossEntropy(tensor(LOGITS), tensor([0, 1, 2, 1]))).toThrow(DTypeError);
      expect(() => crossEntropy(tensor(LOGITS), tensor(LOGITS, { dtype: 'int32' }))).toThrow(DTypeError);
      expect(() => crossEntropy(tensor(LOGITS, { dtype: 'int32' }), ints(TARGET))).toThrow(DTypeError);
    });
  });

  it('rejects class indices outside [0, C) unless ignored', () => {
    scope(() => {
      expect(() => crossEntropy(tensor(LOGITS), ints([0, 3, 1, 1]))).toThrow(IndexError);
      expect(() => crossEntropy(tensor(LOGITS), ints([0, -1, 1, 1]))).toThrow(/target -1 at flat position 1.*0\.\.2/);
      expect(() => crossEntropy(tensor(LOGITS), ints([0, 7, 1, 1]), { ignoreIndex: 7 })).not.toThrow();
    });
  });

  it('rejects a weight that is not one per class', () => {
    scope(() => {
      expect(() => crossEntropy(tensor(LOGITS), ints(TARGET), { weight: tensor([1, 2]) })).toThrow(ShapeError);
      expect(() => crossEntropy(tensor(LOGITS), ints(TARGET), { weight: tensor([1, 2]) })).toThrow(/shape \[3\].*got \[2\]/);
    });
  });

  it('rejects unknown reductions and bad options', () => {
    scope(() => {
      const bad = { reduction: 'avg' } as unknown as { reduction: 'mean' };
      expect(() => crossEntropy(tensor(LOGITS), ints(TARGET), bad)).toThrow(ValueError);
      expect(() => crossEntropy(tensor(LOGITS), ints(TARGET), { labelSmoothing: 1.5 })).toThrow(ValueError);
      expect(() => crossEntropy(tensor(LOGITS), tensor(LOGITS), { ignoreIndex: 0 })).toThrow(ValueError);
      expect(() => crossEntropy(tensor(1), ints([]))).toThrow(ShapeError);
    });
  });
});

describe('crossEntropy memory', () => {
  it('frees every temporary, forward and backward', () => {
    const x = tensor(LOGITS, { requiresGrad: true });
    const target = ints([2, -100, 1, 1]);
    const weight = tensor([0.5, 2, 1]);
    const run = (): void => {
      const loss = crossEntropy(x, target, { weight, labelSmoothing: 0.1 });
      loss.backward();
      loss.dispose();
      x.grad?.dispose();
      x.grad = null;
    };
    run();
    const start = memory();
    for (let i = 0; i < 3; i++) run();
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBytes).toBe(start.numBytes);
    for (const t of [x, target, weight]) t.dispose();
  });
});
