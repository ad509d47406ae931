// mseLoss, l1Loss, smoothL1Loss and huberLoss against hand-computed values and gradients on
// both sides of the beta/delta threshold, their typed errors and flat memory.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, memory, scope, tensor } from '@recur/tensor';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression.js';
import { expectClose } from '@recur/test-support';

// Residuals x - t: 0.25, -0.5, 3, -2, 0, 1.5.
const INPUT = [
  [1.25, 0.5, 3],
  [-1, 2, 1.5],
];
const TARGET = [
  [1, 1, 0],
  [1, 2, 0],
];
const RESIDUALS = [0.25, -0.5, 3, -2, 0, 1.5];

function lossAndGrad(fn: (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor>): [number, number[]] {
  return scope(() => {
    const x = tensor(INPUT, { requiresGrad: true });
    const loss = fn(x);
    loss.backward();
    return [loss.itemSync(), Array.from(x.grad!.dataSync())];
  });
}

describe('regression losses', () => {
  it('mseLoss: mean of d², gradient 2d/n', () => {
    const [loss, grad] = lossAndGrad((x) => mseLoss(x, tensor(TARGET)));
    expect(loss).toBeCloseTo(RESIDUALS.reduce((s, d) => s + d * d, 0) / 6, 6);
    expectClose(
      grad,
      RESIDUALS.map((d) => (2 * d) / 6),
      { digits: 6 },
    );
  });

  it('l1Loss: sum of |d|, gradient sign(d) (0 at d = 0)', () => {
    const [loss, grad] = lossAndGrad((x) => l1Loss(x, tensor(TARGET), { reduction: 'sum' }));
    expect(loss).toBeCloseTo(7.25, 6);
    expectClose(grad, RESIDUALS.map(Math.sign), { digits: 6 });
  });

  it('smoothL1Loss: quadratic below beta, linear above', () => {
    const beta = 1;
    const [loss, grad] = lossAndGrad((x) => smoothL1Loss(x, tensor(TARGET), { beta, reduction: 'sum' }));
    const expected = RESIDUALS.reduce((s, d) => s + (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta), 0);
    expect(loss).toBeCloseTo(expected, 6);
    expectClose(
      grad,
      RESIDUALS.map((d) => (Math.abs(d) < beta ? d / beta : Math.sign(d))),
      { digits: 6 },
    );
  });

  it('smoothL1Loss with beta 0 is the L1 loss', () => {
    const [loss] = lossAndGrad((x) => smoothL1Loss(x, tensor(TARGET), { beta: 0 }));
    expect(loss).toBeCloseTo(7.25 / 6, 6);
  });

  it('huberLoss: 0.5·d² below delta, delta·(|d| - delta/2) above', () => {
    const delta = 2;
    const [loss, grad] = lossAndGrad((x) => huberLoss(x, tensor(TARGET), { delta }));
    const expected = RESIDUALS.reduce((s, d) => s + (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)), 0) / 6;
    expect(loss).toBeCloseTo(expected, 6);
    expectClose(
      grad,
      RESIDUALS.map((d) => (Math.abs(d) < delta ? d : delta * Math.sign(d)) / 6),
      { digits: 6 },
    );
  });

  it("reduction 'none' keeps the input's shape", () => {
    scope(() => {
      const loss = mseLoss(tensor(INPUT), tensor(TARGET), { reduction: 'none' });
      expect(loss.shape).toEqual([2, 3]);
      expectClose(
        Array.from(loss.dataSync()),
        RESIDUALS.map((d) => d * d),
        { digits: 6 },
      );
    });
  });

  it('throws typed errors for mismatched shapes, dtypes and options', () => {
    scope(() => {
      const x = tensor(INPUT);
      expect(() => mseLoss(x, tensor([1, 2, 3]))).toThrow(ShapeError);
      expect(() => l1Loss(x, tensor([1, 2, 3]))).toThrow(/target shape \[3\] must equal input shape \[2,3\]/);
      expect(() => mseLoss(x, tensor(TARGET, { dtype: 'int32' }))).toThrow(DTypeError);
      expect(() => smoothL1Loss(x, tensor(TARGET), { beta: -1 })).toThrow(ValueError);
      expect(() => huberLoss(x, tensor(TARGET), { delta: 0 })).toThrow(ValueError);
      const bad = { reduction: 'total' } as unknown as { reduction: 'sum' };
      expect(() => huberLoss(x, tensor(TARGET), bad)).toThrow(/unknown reduction 'total'/);
    });
  });

  it('leaves memory flat', () => {
    const before = memory().numTensors;
    for (const fn of [mseLoss, l1Loss, smoothL1Loss, huberLoss]) lossAndGrad((x) => fn(x, tensor(TARGET)));
    expect(memory().numTensors).toBe(before);
  });
});
