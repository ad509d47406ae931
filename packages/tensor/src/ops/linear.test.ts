// linear(x, W, b) against the composed x·Wᵀ + b: values and every gradient, on a contiguous and
// on a strided (transposed) x, with and without a bias, with zero rows, with leading dims, and
// the typed errors for mismatched shapes and dtypes.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '@recur/backend';
import { tensor, zeros } from '../creation.js';
import { memory } from '../memory.js';
import { manualSeed, randn } from '../random.js';
import { scope } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { expectClose } from '@recur/test-support';

/** |a − e| ≤ 1e-5·max(1, |e|): float32 GEMMs of a few terms, against their composed form. */
const GEMM_TOLERANCE = (e: number): number => 1e-5 * Math.max(1, Math.abs(e));

/** Values and gradients of `f(x, W, b)` under a weighted sum, so every output element counts. */
function run(f: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor, transposed: boolean, withBias: boolean, rows = 5) {
  manualSeed(3);
  const base = transposed ? randn([4, rows]) : randn([rows, 4]);
  const x = (transposed ? base.T : base).detach().requireGrad();
  const w = randn([3, 4]).requireGrad();
  const b = withBias ? randn([3]).requireGrad() : null;
  const weights = randn([rows, 3]);
  const y = f(x, w, b);
  y.mul(weights).sum().backward();
  return { y, dx: x.grad!, dw: w.grad!, db: b?.grad ?? null };
}

const composed = (x: Tensor, w: Tensor, b: Tensor | null): Tensor => (b ? add(matmul(x, w.T), b) : matmul(x, w.T));

describe('linear', () => {
  for (const transposed of [false, true]) {
    for (const withBias of [true, false]) {
      it(`equals x·Wᵀ + b (${transposed ? 'strided' : 'contiguous'} x, ${withBias ? 'with' : 'no'} bias)`, () => {
        scope(() => {
          const fused = run(linear, transposed, withBias);
          const reference = run(composed, transposed, withBias);
          expectClose(fused.y, reference.y, GEMM_TOLERANCE);
          expectClose(fused.dx, reference.dx, GEMM_TOLERANCE);
          expectClose(fused.dw, reference.dw, GEMM_TOLERANCE);
          if (withBias) expectClose(fused.db!, reference.db!, GEMM_TOLERANCE);
        });
      });
    }
  }

  it('folds leading dimensions into rows', () => {
    scope(() => {
      manualSeed(5);
      const x = randn([2, 3, 4]).requireGrad();
      const w = randn([5, 4]).requireGrad();
      const b = randn([5]).requireGrad();
      const y = linear(x, w, b);
      expect(y.shape).toEqual([2, 3, 5]);
      expectClose(y, composed(x, w, b), GEMM_TOLERANCE);
      y.sum().backward();
      expectClose(b.grad!, zeros([5]).add(6), GEMM_TOLERANCE);
      expect(x.grad!.shape).toEqual([2, 3, 4]);
    });
  });

  it('computes only the gradients that are wanted', () => {
    scope(() => {
      manualSeed(7);
      const x = randn([3, 4]);
      const w = randn([2, 4]).requireGrad();
      const b = randn([2]);
      linear(x, w, b).sum().backward();
      expect(w.grad!.shape).toEqual([2, 4]);
      expect(x.grad).toBeNull();
      expect(b.grad).toBeNull();
    });
  });

  it('handles zero rows and leaks nothing', () => {
    const before = memory().numTensors;
    scope(() => {
      const { y, dw, db } = run(linear, false, true, 0);
      expect(y.shape).toEqual([0, 3]);
      expect(Array.from(dw.dataSync()).every((v) => v === 0)).toBe(true);
      expect(db!.toArraySync()).toEqual([0, 0, 0]);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('names what it expected and what came', () => {
    scope(() => {
      const w = zeros([3, 4]);
      expect(() => linear(zeros([2, 5]), w)).toThrow(ShapeError);
      expect(() => linear(zeros([2, 5]), w)).toThrow('linear: expected x [..., 4] for weight [3,4]; got [2,5]');
      expect(() => linear(zeros([2, 4]), w, zeros([4]))).toThrow(ShapeError);
      expect(() => linear(zeros([2, 4]), zeros([12]))).toThrow(ShapeError);
      expect(() => linear(zeros([2, 4], { dtype: 'int32' }), w)).toThrow(DTypeError);
      expect(() => linear(zeros([2, 4]), w, [1, 2, 3] as unknown as Tensor)).toThrow(ValueError);
      expect(() => linear([1, 2] as unknown as Tensor, w)).toThrow(ValueError);
      expect(linear(tensor([1, 0, 0, 0]), w.add(1)).toArraySync()).toEqual([1, 1, 1]);
    });
  });
});
