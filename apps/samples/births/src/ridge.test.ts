import { describe, expect, it } from 'vitest';
import { ValueError } from '@recur/tensor';
import { fitRidge, predictRidge } from './ridge.js';

describe('fitRidge', () => {
  it('matches the closed form of a one-feature case, the intercept unshrunk', () => {
    // x = 1, 2, 3; y = 2, 4, 7; λ = 1. Centred: x̃ = −1, 0, 1, ỹ = y − 13/3.
    // w = Σx̃ỹ / (Σx̃² + λ) = 5 / 3; b = ȳ − x̄·w = 13/3 − 2·5/3 = 1.
    const model = fitRidge([[1], [2], [3]], [[2], [4], [7]], 1);
    expect(model.weights[0]).toBeCloseTo(5 / 3, 12);
    expect(model.intercept[0]).toBeCloseTo(1, 12);
    expect(predictRidge(model, [4])[0]).toBeCloseTo(1 + 4 * (5 / 3), 12);
  });

  it('solves two features and two targets jointly: (X̃ᵀX̃ + λI)W = X̃ᵀỸ', () => {
    // Rows (1,0), (0,1), (1,1), (0,0): x̄ = (1/2, 1/2); X̃ᵀX̃ = [[1, 0], [0, 1]], so with λ = 1
    // W = X̃ᵀỸ / 2. Targets y1 = 3·x1 (3, 0, 3, 0) and y2 = x2 − x1 (−1, 1, 0, 0):
    // X̃ᵀỸ = [[3, −1], [0, 1]] → W = [[1.5, −0.5], [0, 0.5]]; b = ȳ − x̄W = (1.5 − 0.75, 0 − 0) = (0.75, 0).
    const model = fitRidge(
      [
        [1, 0],
        [0, 1],
        [1, 1],
        [0, 0],
      ],
      [
        [3, -1],
        [0, 1],
        [3, 0],
        [0, 0],
      ],
      1,
    );
    expect(Array.from(model.weights)).toEqual([1.5, -0.5, 0, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(model.intercept)).toEqual([0.75, 0].map((v) => expect.closeTo(v, 12)));
  });

  it('recovers an exact linear law as λ → 0', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 10]);
    const targets = rows.map(([a, b, c]) => [2 * a! - b! + 0.5 * c! + 4]);
    const model = fitRidge(rows, targets, 1e-10);
    expect(Array.from(model.weights)).toEqual([2, -1, 0.5].map((v) => expect.closeTo(v, 6)));
    expect(model.intercept[0]).toBeCloseTo(4, 6);
  });

  it('rejects λ ≤ 0, ragged rows and a mismatched prediction row', () => {
    expect(() => fitRidge([[1]], [[1]], 0)).toThrow(ValueError);
    expect(() => fitRidge([[1], [1, 2]], [[1], [2]], 1)).toThrow(/row 1 has 2 features/);
    expect(() => fitRidge([[1]], [], 1)).toThrow(ValueError);
    expect(() => predictRidge(fitRidge([[1], [2]], [[1], [2]], 1), [1, 2])).toThrow(/expected 1 features, got 2/);
  });
});
