import { describe, expect, it } from 'vitest';
import { fitLogistic, logisticScore } from './logistic.js';
import type { SparseVector } from './tfidf.js';

const sparse = (entries: Record<number, number>): SparseVector => {
  const indices = Int32Array.from(Object.keys(entries).map(Number)).sort();
  return { indices, values: Float64Array.from(indices, (i) => entries[i]!) };
};

describe('fitLogistic', () => {
  it('reaches the stationary point of ½‖w‖² + C·Σ log(1 + e^(−y·s))', () => {
    const rows = [sparse({ 0: 1, 2: 0.5 }), sparse({ 1: 1 }), sparse({ 0: 0.3, 1: 0.7 }), sparse({ 2: 1 }), sparse({ 0: 1, 1: 1 })];
    const labels = [1, 0, 1, 0, 1];
    const c = 3;
    const model = fitLogistic(rows, labels, 3, { c, tolerance: 1e-10 });
    expect(model.converged).toBe(true);
    // Optimality: w = −C·Σ gᵢ xᵢ and Σ gᵢ = 0 with gᵢ = −yᵢ σ(−yᵢ sᵢ).
    const w = [0, 0, 0];
    let interceptGradient = 0;
    rows.forEach((x, i) => {
      const y = labels[i] === 1 ? 1 : -1;
      const g = -y / (1 + Math.exp(y * logisticScore(model, x)));
      x.indices.forEach((j, k) => (w[j]! -= c * g * x.values[k]!));
      interceptGradient += g;
    });
    w.forEach((wj, j) => expect(model.weights[j]).toBeCloseTo(wj, 8));
    expect(interceptGradient).toBeCloseTo(0, 8);
  });

  it('matches the one-feature optimum found by bisection', () => {
    // No intercept effect: symmetric data, so b = 0 and w solves w = C·Σ xᵢ yᵢ σ(−yᵢ w xᵢ).
    const rows = [sparse({ 0: 1 }), sparse({ 0: -1 }), sparse({ 0: 2 }), sparse({ 0: -2 })];
    const labels = [1, 0, 0, 1];
    const c = 0.7;
    const residual = (w: number) =>
      w -
      c *
        rows.reduce((s, x, i) => {
          const y = labels[i] === 1 ? 1 : -1;
          const v = x.values[0]!;
          return s + (v * y) / (1 + Math.exp(y * w * v));
        }, 0);
    let [lo, hi] = [-10, 10];
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (residual(mid) > 0) hi = mid;
      else lo = mid;
    }
    const model = fitLogistic(rows, labels, 1, { c, tolerance: 1e-12 });
    expect(model.weights[0]).toBeCloseTo(lo, 9);
    expect(model.intercept).toBeCloseTo(0, 9);
  });

  it('rejects bad labels and C', () => {
    const rows = [sparse({ 0: 1 })];
    expect(() => fitLogistic(rows, [2], 1, { c: 1 })).toThrow(/labels\[0\] must be 0 or 1, got 2/);
    expect(() => fitLogistic(rows, [1], 1, { c: 0 })).toThrow(/c > 0, got 0/);
    expect(() => fitLogistic(rows, [], 1, { c: 1 })).toThrow(/as many labels as rows/);
  });
});
