// Linear: PyTorch's init bounds, y = x·Wᵀ + b on inputs of rank 1 to 4, its gradients, and the
// errors for a wrong last dimension or bad options.

import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, manualSeed, memory, noGrad, randn, scope, tensor } from '@recur/tensor';
import { Linear } from './linear.js';

const close = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-5) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
};

/** A Linear(2 → 3) with known W and b. */
function known(): Linear {
  const linear = new Linear({ inFeatures: 2, outFeatures: 3 });
  const weight = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const bias = tensor([0.5, -1, 2]);
  linear.loadStateDict({ weight, bias });
  weight.dispose();
  bias.dispose();
  return linear;
}

describe('Linear', () => {
  it('initialises W and b uniformly within ±1/√inFeatures (kaiming_uniform, a = √5)', () => {
    manualSeed(7);
    const linear = new Linear({ inFeatures: 16, outFeatures: 64 });
    const bound = 1 / Math.sqrt(16);
    for (const p of [linear.weight, linear.bias!]) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      // Spread over the whole interval, not a narrower one.
      expect(Math.max(...values)).toBeGreaterThan(0.8 * bound);
      expect(Math.min(...values)).toBeLessThan(-0.8 * bound);
    }
    const mean = Array.from(linear.weight.dataSync()).reduce((s, v) => s + v, 0) / linear.weight.size;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(linear.weight.shape).toEqual([64, 16]);
    expect(linear.bias!.shape).toEqual([64]);
    expect(linear.weight.requiresGrad).toBe(true);
    linear.dispose();
  });

  it('computes x·Wᵀ + b for inputs of rank 1, 2 and 3', () => {
    const linear = known();
    const expected = (x: number, y: number) => [x + 2 * y + 0.5, 3 * x + 4 * y - 1, 5 * x + 6 * y + 2];
    scope(() => {
      close(linear.forward(tensor([1, -1])).dataSync(), expected(1, -1));
      const two = linear.forward(
        tensor([
          [1, 0],
          [0, 1],
        ]),
      );
      expect(two.shape).toEqual([2, 3]);
      close(two.dataSync(), [...expected(1, 0), ...expected(0, 1)]);
      const three = linear.forward(tensor([[[1, 2]], [[3, 4]], [[0, 0]], [[-1, 1]]]));
      expect(three.shape).toEqual([4, 1, 3]);
      close(three.dataSync(), [...expected(1, 2), ...expected(3, 4), ...expected(0, 0), ...expected(-1, 1)]);
      // A non-contiguous input (a transposed view) reads the same values.
      const transposed = linear.forward(
        tensor([
          [1, 3],
          [2, 4],
        ]).T,
      );
      close(transposed.dataSync(), [...expected(1, 2), ...expected(3, 4)]);
    });
    linear.dispose();
  });

  it('without bias has only `weight`', () => {
    const linear = new Linear({ inFeatures: 2, outFeatures: 3, bias: false });
    expect(linear.bias).toBeNull();
    expect(Object.keys(linear.stateDict())).toEqual(['weight']);
    const weight = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    linear.loadStateDict({ weight });
    scope(() => close(linear.forward(tensor([1, 1])).dataSync(), [3, 7, 11]));
    weight.dispose();
    linear.dispose();
  });

  it('gives dW = gᵀ·x, db = Σ g and dx = g·W over every leading dimension', () => {
    const linear = known();
    const x = tensor(
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
      { requiresGrad: true },
    );
    scope(() => linear.forward(x).sum().backward());
    // g is all ones: dW[o, i] = Σ_rows x[row, i], db = number of rows, dx[row] = Σ_o W[o].
    close(linear.weight.grad!.dataSync(), [16, 20, 16, 20, 16, 20]);
    close(linear.bias!.grad!.dataSync(), [4, 4, 4]);
    close(x.grad!.dataSync(), [9, 12, 9, 12, 9, 12, 9, 12]);
    x.dispose();
    linear.dispose();
  });

  it('names expected and actual shapes for a wrong last dimension', () => {
    const linear = new Linear({ inFeatures: 4, outFeatures: 3 });
    const x = randn([2, 5]);
    expect(() => linear.forward(x)).toThrow(ShapeError);
    expect(() => linear.forward(x)).toThrow('Linear: expected input of shape [..., 4] (inFeatures 4); got [2,5]');
    const s = tensor(1);
    expect(() => linear.forward(s)).toThrow(ShapeError);
    x.dispose();
    s.dispose();
    linear.dispose();
  });

  it('rejects sizes that are not non-negative integers', () => {
    expect(() => new Linear({ inFeatures: -1, outFeatures: 2 })).toThrow(ValueError);
    expect(() => new Linear({ inFeatures: 2, outFeatures: 1.5 })).toThrow(/outFeatures/);
  });

  it('leaves no tensors behind after a scoped forward and backward', () => {
    const linear = new Linear({ inFeatures: 8, outFeatures: 4 });
    const x = randn([3, 5, 8]);
    const step = () => scope(() => linear.forward(x).square().sum().backward());
    step();
    const before = memory();
    step();
    noGrad(() =>
      scope(() => {
        linear.forward(x);
      }),
    );
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    x.dispose();
    linear.dispose();
  });
});
