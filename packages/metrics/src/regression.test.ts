// Regression metrics: hand-checked 1-D and 2-D values, multioutput modes, R² edge cases,
// MAPE's eps guard, streaming ≡ one-shot and typed errors. e = yTrue - yPred.

import { describe, expect, it } from 'vitest';
import {
  MetricInputError,
  MetricOptionError,
  MetricShapeError,
  RegressionMetrics,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
  symmetricMeanAbsolutePercentageError,
} from './index.js';
import { mulberry32 } from '@recur/backend';
import { splitBatches } from './test-helpers.js';
import { expectClose } from '@recur/test-support';

// e = [-1, 0, 1, 2]; mean(yTrue) = 2.5, SS_tot = 5, SS_res = 6.
const yTrue = [1, 2, 3, 4];
const yPred = [2, 2, 2, 2];

// Column 0: e = [0, -1, 0], column 1: e = [-2, 2, 0].
const yTrue2d = [
  [1, 10],
  [2, 20],
  [3, 30],
];
const yPred2d = [
  [1, 12],
  [3, 18],
  [3, 30],
];

describe('1-D targets', () => {
  it('MAE, MSE, RMSE', () => {
    expect(meanAbsoluteError(yTrue, yPred)).toBe(1);
    expect(meanSquaredError(yTrue, yPred)).toBe(1.5);
    expect(rootMeanSquaredError(yTrue, yPred)).toBe(Math.sqrt(1.5));
    expect(meanSquaredError(yTrue, yPred, { squared: false })).toBe(Math.sqrt(1.5));
  });

  it('MAPE is a fraction: mean |e| / |yTrue|', () => {
    expectClose(meanAbsolutePercentageError(yTrue, yPred), (1 / 1 + 0 / 2 + 1 / 3 + 2 / 4) / 4, { rtol: 1e-12 });
    expectClose(meanAbsolutePercentageError([100], [105]), 0.05, { rtol: 1e-12 });
  });

  it("MAPE divides by eps = 2^-52 where yTrue is 0, as sklearn's guard", () => {
    expect(meanAbsolutePercentageError([0], [1])).toBe(2 ** 52);
  });

  it('sMAPE: mean 2|e| / (|yTrue| + |yPred|), 0 where both are 0', () => {
    expectClose(symmetricMeanAbsolutePercentageError(yTrue, yPred), (2 / 3 + 0 + 2 / 5 + 4 / 6) / 4, { rtol: 1e-12 });
    expect(symmetricMeanAbsolutePercentageError([0, 0], [0, 0])).toBe(0);
  });

  it('R² = 1 - SS_res / SS_tot, negative when worse than the mean', () => {
    expectClose(r2Score(yTrue, yPred), 1 - 6 / 5, { rtol: 1e-12 });
    expect(r2Score(yTrue, yTrue)).toBe(1);
  });

  it('R² on a constant target: 1 if perfect, else 0 (forceFinite), -Infinity without it', () => {
    expect(r2Score([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2Score([3, 3, 3], [3, 3, 4])).toBe(0);
    expect(r2Score([3, 3, 3], [3, 3, 4], { forceFinite: false })).toBe(-Infinity);
  });

  it('R² of one sample is NaN, as sklearn returns', () => {
    expect(r2Score([1], [2])).toBeNaN();
  });

  it("raw_values on 1-D targets gives one column, like sklearn's shape (1,)", () => {
    expect(meanAbsoluteError(yTrue, yPred, { multioutput: 'raw_values' })).toEqual([1]);
  });

  it('typed arrays work as inputs', () => {
    expect(meanAbsoluteError(Float64Array.from(yTrue), Float32Array.from(yPred))).toBe(1);
  });
});

describe('2-D targets (n samples × m outputs)', () => {
  it('raw_values per column, uniform_average their mean', () => {
    expectClose(meanAbsoluteError(yTrue2d, yPred2d, { multioutput: 'raw_values' }), [1 / 3, 4 / 3], { rtol: 1e-12 });
    expectClose(meanAbsoluteError(yTrue2d, yPred2d), 5 / 6, { rtol: 1e-12 });
    expectClose(meanSquaredError(yTrue2d, yPred2d, { multioutput: 'raw_values' }), [1 / 3, 8 / 3], { rtol: 1e-12 });
    expectClose(r2Score(yTrue2d, yPred2d, { multioutput: 'raw_values' }), [1 - 1 / 2, 1 - 8 / 200], { rtol: 1e-12 });
  });

  it('RMSE averages per-column roots, not the root of the overall MSE', () => {
    expectClose(rootMeanSquaredError(yTrue2d, yPred2d), (Math.sqrt(1 / 3) + Math.sqrt(8 / 3)) / 2, { rtol: 1e-12 });
    expect(rootMeanSquaredError(yTrue2d, yPred2d)).not.toBeCloseTo(Math.sqrt(meanSquaredError(yTrue2d, yPred2d)), 3);
  });

  it('weights and variance_weighted', () => {
    expectClose(meanAbsoluteError(yTrue2d, yPred2d, { multioutput: [1, 3] }), (1 / 3 + 3 * (4 / 3)) / 4, { rtol: 1e-12 });
    // SS_tot is 2 for column 0 and 200 for column 1.
    expectClose(r2Score(yTrue2d, yPred2d, { multioutput: 'variance_weighted' }), (0.5 * 2 + 0.96 * 200) / 202, { rtol: 1e-12 });
  });
});

describe('RegressionMetrics (streaming)', () => {
  it('batches match one-shot (sums exactly, R² to rounding)', () => {
    const random = mulberry32(11);
    const t = Array.from({ length: 57 }, () => [random() * 10 - 5, random() * 100 + 1, 1e6 + random()]);
    const p = t.map((row) => row.map((v) => v + (random() - 0.5) * 2));
    const streamed = new RegressionMetrics();
    const predictedBatches = splitBatches(p, [1, 20, 0, 9]);
    splitBatches(t, [1, 20, 0, 9]).forEach((batch, b) => streamed.update(batch, predictedBatches[b]!));
    const report = streamed.compute();
    const raw = { multioutput: 'raw_values' } as const;
    expect(report.samples).toBe(57);
    expect(report.rawValues.meanAbsoluteError).toEqual(meanAbsoluteError(t, p, raw));
    expect(report.rawValues.meanSquaredError).toEqual(meanSquaredError(t, p, raw));
    expect(report.rawValues.meanAbsolutePercentageError).toEqual(meanAbsolutePercentageError(t, p, raw));
    expect(report.rawValues.symmetricMeanAbsolutePercentageError).toEqual(symmetricMeanAbsolutePercentageError(t, p, raw));
    // Column 2 has a mean of 1e6 and a variance of 1/12: the batch merge must not lose it.
    expectClose(report.rawValues.r2Score, r2Score(t, p, raw), { rtol: 1e-9 });
    expectClose(report.r2Score, r2Score(t, p), { rtol: 1e-9 });
    expect(report.rootMeanSquaredError).toEqual(rootMeanSquaredError(t, p));
  });
});

describe('errors', () => {
  it('sample or output counts that differ are MetricShapeErrors', () => {
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(MetricShapeError);
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(/yTrue is \[2,1\], yPred is \[1,1\]/);
    expect(() =>
      meanAbsoluteError(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow(MetricShapeError);
    const metrics = new RegressionMetrics().update([[1, 2]], [[1, 2]]);
    expect(() => metrics.update([1], [1])).toThrow(/batch has 1 outputs, earlier batches had 2/);
    expect(() => meanAbsoluteError(yTrue2d, yPred2d, { multioutput: [1] })).toThrow(MetricShapeError);
  });

  it('empty or non-finite input is a MetricInputError', () => {
    expect(() => meanSquaredError([], [])).toThrow(MetricInputError);
    expect(() => new RegressionMetrics().compute()).toThrow(MetricInputError);
    expect(() => meanSquaredError([1, NaN], [1, 2])).toThrow(MetricInputError);
  });

  it('a rejected batch leaves the accumulator unchanged', () => {
    const metrics = new RegressionMetrics().update([1, 2], [1, 3]);
    expect(() => metrics.update([5, Infinity], [5, 5])).toThrow(/non-finite value at sample 1, output 0/);
    expect(metrics.samples).toBe(2);
    expect(metrics.meanAbsoluteError()).toBe(0.5);
  });

  it('an unknown multioutput or zero weights are MetricOptionErrors', () => {
    expect(() => meanAbsoluteError(yTrue, yPred, { multioutput: 'variance_weighted' as 'raw_values' })).toThrow(MetricOptionError);
    expect(() => meanAbsoluteError(yTrue2d, yPred2d, { multioutput: [0, 0] })).toThrow(MetricOptionError);
  });
});
