// affine(x, W, b) against the composed x·Wᵀ + b: values and every gradient, on a contiguous and
// on a strided (transposed) x, with and without a bias, and with zero rows.

import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recur/backend-cpu';
import { add, manualSeed, matmul, memory, randn, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
import { affine } from './affine.js';

beforeAll(async () => {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
});

function expectClose(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = Array.from(a.dataSync());
  const y = Array.from(b.dataSync());
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(y[i]!))));
}

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

describe('affine', () => {
  for (const transposed of [false, true]) {
    for (const withBias of [true, false]) {
      it(`equals x·Wᵀ + b (${transposed ? 'strided' : 'contiguous'} x, ${withBias ? 'with' : 'no'} bias)`, () => {
        scope(() => {
          const fused = run(affine, transposed, withBias);
          const composed = run((x, w, b) => (b ? add(matmul(x, w.T), b) : matmul(x, w.T)), transposed, withBias);
          expectClose(fused.y, composed.y);
          expectClose(fused.dx, composed.dx);
          expectClose(fused.dw, composed.dw);
          if (withBias) expectClose(fused.db!, composed.db!);
        });
      });
    }
  }

  it('handles zero rows and leaks nothing', () => {
    const before = memory().numTensors;
    scope(() => {
      const { y, dw, db } = run(affine, false, true, 0);
      expect(y.shape).toEqual([0, 3]);
      expect(Array.from(dw.dataSync()).every((v) => v === 0)).toBe(true);
      expect(db!.toArraySync()).toEqual([0, 0, 0]);
    });
    expect(memory().numTensors).toBe(before);
  });
});
