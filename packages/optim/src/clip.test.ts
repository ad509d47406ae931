import { GradError, ValueError, memory, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradNormAsync, clipGradValue } from './clip.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
function withGrad(grad: number[]): Tensor {
  const p = tensor(
    grad.map(() => 0),
    { requiresGrad: true },
  );
  p.grad = tensor(grad);
  return p;
}

describe('clipGradNorm', () => {
  it('returns the 2-norm over all grads and scales them by maxNorm/(norm + 1e-6)', () => {
    const a = withGrad([3]);
    const b = withGrad([0, 4]);
    const grad = a.grad;
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    const c = 1 / (5 + 1e-6);
    expect(values(a.grad!)[0]).toBeCloseTo(3 * c, 6);
    expect(values(b.grad!)).toEqual([0, Math.fround(4 * c)]);
    expect(a.grad).toBe(grad); // in place
    a.dispose();
    b.dispose();
  });

  it('leaves grads alone when the norm is within maxNorm', () => {
    const a = withGrad([0.3, 0.4]);
    expect(clipGradNorm(a, 1)).toBeCloseTo(0.5, 6);
    expect(values(a.grad!)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    a.dispose();
  });

  it("normType 'inf' takes max |g|; normType 1 sums |g|", () => {
    const a = withGrad([-3, 1]);
    const b = withGrad([2]);
    expect(clipGradNorm([a, b], 10, { normType: 'inf' })).toBe(3);
    expect(clipGradNorm([a, b], 10, { normType: 1 })).toBe(6);
    expect(clipGradNorm([a, b], 10, { normType: 3 })).toBeCloseTo(Math.cbrt(27 + 1 + 8), 5);
    a.dispose();
    b.dispose();
  });

  it('is 0 without grads; errorIfNonfinite throws before touching the grads', () => {
    const none = tensor([1], { requiresGrad: true });
    expect(clipGradNorm([none], 1)).toBe(0);
    const a = withGrad([Number.NaN, 1]);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(GradError);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 of the gradients is NaN/);
    expect(values(a.grad!)[1]).toBe(1);
    expect(() => clipGradNorm([a], 1, { normType: 0 })).toThrow(/invalid normType: expected a finite number > 0, got 0/);
    expect(() => clipGradNorm([a], -1)).toThrow(ValueError);
    none.dispose();
    a.dispose();
  });

  it('the async form gives the same result and leaks nothing', async () => {
    const a = withGrad([6, 8]);
    const before = memory();
    expect(await clipGradNormAsync([a], 2)).toBeCloseTo(10, 5);
    expect(values(a.grad!)[1]).toBeCloseTo(1.6, 5);
    expect(memory().numBuffers).toBe(before.numBuffers);
    a.dispose();
  });
});

describe('clipGradValue', () => {
  it('clamps every element to [−v, v] in place', () => {
    const a = withGrad([-2, 0.1, 3]);
    const grad = a.grad;
    clipGradValue([a], 0.5);
    expect(values(a.grad!)).toEqual([-0.5, Math.fround(0.1), 0.5]);
    expect(a.grad).toBe(grad);
    expect(() => clipGradValue([a], -1)).toThrow(/clipGradValue: invalid clipValue: expected a finite number ≥ 0, got -1/);
    a.dispose();
  });
});
