// Classification metrics: hand-checked P/R/F1 per label and averaged, zero division, label order,
// the confusion matrix, streaming ≡ one-shot, and typed errors. L labels, tp true positives.

import { describe, expect, it } from 'vitest';
import {
  ClassificationMetrics,
  MetricInputError,
  MetricOptionError,
  MetricShapeError,
  accuracyScore,
  confusionMatrix,
  f1Score,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  uniqueLabels,
} from './index.js';
import { mulberry32 } from '@recur/backend';
import { splitBatches } from './test-helpers.js';
import { expectClose } from '@recur/test-support';

// Pairs (true, pred): (0,0) (1,2) (2,2) (2,2) (1,1) (0,1).
// Label 0: tp 1, predicted 1, support 2 → P 1,   R 1/2, F 2/3
// Label 1: tp 1, predicted 2, support 2 → P 1/2, R 1/2, F 1/2
// Label 2: tp 2, predicted 3, support 2 → P 2/3, R 1,   F 4/5
const yTrue = [0, 1, 2, 2, 1, 0];
const yPred = [0, 2, 2, 2, 1, 1];

describe('accuracy and per-label scores', () => {
  it('accuracy is the fraction of equal labels', () => {
    expect(accuracyScore(yTrue, yPred)).toBeCloseTo(4 / 6, 15);
    expect(accuracyScore(Int32Array.from([1, 2]), Int32Array.from([1, 2]))).toBe(1);
  });

  it('per label (average null, the default) in sorted label order, with support', () => {
    const scores = precisionRecallFscoreSupport(yTrue, yPred);
    expect(scores.labels).toEqual([0, 1, 2]);
    expectClose(scores.precision, [1, 1 / 2, 2 / 3], { rtol: 1e-12 });
    expectClose(scores.recall, [1 / 2, 1 / 2, 1], { rtol: 1e-12 });
    expectClose(scores.f1, [2 / 3, 1 / 2, 4 / 5], { rtol: 1e-12 });
    expect(scores.support).toEqual([2, 2, 2]);
  });

  it('micro sums counts first (= accuracy here); macro and weighted average per label', () => {
    const micro = precisionRecallFscoreSupport(yTrue, yPred, { average: 'micro' });
    expectClose([micro.precision, micro.recall, micro.f1], [4 / 6, 4 / 6, 4 / 6], { rtol: 1e-12 });
    const macro = precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro' });
    expectClose([macro.precision, macro.recall, macro.f1], [(1 + 1 / 2 + 2 / 3) / 3, 2 / 3, (2 / 3 + 1 / 2 + 4 / 5) / 3], { rtol: 1e-12 });
    // Macro F1 is the mean of per-label F1, not the harmonic mean of macro P and R.
    expect(macro.f1).not.toBeCloseTo((2 * macro.precision * macro.recall) / (macro.precision + macro.recall), 6);
    const weighted = f1Score([0, 0, 0, 1], [0, 0, 1, 1], { average: 'weighted' });
    // Label 0: P 1, R 2/3, F 4/5 (support 3); label 1: P 1/2, R 1, F 2/3 (support 1).
    expectClose(weighted, (3 * (4 / 5) + 2 / 3) / 4, { rtol: 1e-12 });
  });

  it("binary scores posLabel only (default 1); precisionScore etc. default to 'binary'", () => {
    const t = [1, 0, 1, 1, 0];
    const p = [1, 1, 0, 1, 0];
    expectClose(precisionScore(t, p), 2 / 3, { rtol: 1e-12 });
    expectClose(recallScore(t, p), 2 / 3, { rtol: 1e-12 });
    expectClose(f1Score(t, p), 2 / 3, { rtol: 1e-12 });
    // posLabel 0: tp 1, predicted 2, support 2.
    expectClose(precisionScore(t, p, { posLabel: 0 }), 1 / 2, { rtol: 1e-12 });
    expect(recallScore(t, p, { average: null })).toEqual([0.5, 2 / 3]);
  });

  it('string labels sort by code point', () => {
    const scores = precisionRecallFscoreSupport(['dog', 'cat', 'Émile'], ['cat', 'cat', 'Émile']);
    expect(scores.labels).toEqual(['cat', 'dog', 'Émile']);
    expectClose(scores.precision, [1 / 2, 0, 1], { rtol: 1e-12 });
    expect(uniqueLabels(['b', 'a'], ['c', 'a'])).toEqual(['a', 'b', 'c']);
  });
});

describe('zero division and explicit labels', () => {
  it('a label never predicted has precision 0 (zeroDivision 0) or 1 (zeroDivision 1)', () => {
    const zero = precisionRecallFscoreSupport([0, 1], [0, 0], { labels: [0, 1] });
    expect(zero.precision).toEqual([0.5, 0]);
    expect(zero.f1[1]).toBe(0);
    const one = precisionRecallFscoreSupport([0, 1], [0, 0], { labels: [0, 1], zeroDivision: 1 });
    expect(one.precision).toEqual([0.5, 1]);
    // F1 comes from the substituted P = 1 and R = 0: 0.
    expect(one.f1[1]).toBe(0);
  });

  it('a label in neither array still counts in macro (P = R = F = 0)', () => {
    const macro = precisionRecallFscoreSupport([0, 1], [0, 1], { labels: [0, 1, 7], average: 'macro' });
    expectClose([macro.precision, macro.recall, macro.f1], [2 / 3, 2 / 3, 2 / 3], { rtol: 1e-12 });
    const macroOne = precisionRecallFscoreSupport([0, 1], [0, 1], { labels: [0, 1, 7], average: 'macro', zeroDivision: 1 });
    expect([macroOne.precision, macroOne.recall, macroOne.f1]).toEqual([1, 1, 1]);
  });

  it("weighted with zero total support follows sklearn's special case", () => {
    const predicted = precisionRecallFscoreSupport([0, 0], [1, 1], { labels: [1], average: 'weighted', zeroDivision: 1 });
    expect([predicted.precision, predicted.recall, predicted.f1]).toEqual([0, 1, 0]);
    const none = precisionRecallFscoreSupport([0, 0], [0, 0], { labels: [1], average: 'weighted', zeroDivision: 1 });
    expect([none.precision, none.recall, none.f1]).toEqual([1, 1, 1]);
  });

  it('explicit labels set the order of arrays and of the confusion matrix', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(confusionMatrix(yTrue, yPred, { labels: [2, 0] })).toEqual([
      [2, 0],
      [0, 1],
    ]);
    expect(precisionRecallFscoreSupport(yTrue, yPred, { labels: [2, 0] }).support).toEqual([2, 2]);
  });

  it('normalize divides the confusion matrix by rows, columns or all; accuracy can count', () => {
    expect(confusionMatrix(yTrue, yPred, { normalize: 'true' })).toEqual([
      [0.5, 0.5, 0],
      [0, 0.5, 0.5],
      [0, 0, 1],
    ]);
    expect(confusionMatrix(yTrue, yPred, { normalize: 'pred' })[0]).toEqual([1, 0.5, 0]);
    expect(confusionMatrix(yTrue, yPred, { normalize: 'all' })[2]).toEqual([0, 0, 2 / 6]);
    // A label with no true samples has a zero row, not NaN.
    expect(confusionMatrix([0], [1], { labels: [0, 1], normalize: 'true' })).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(accuracyScore(yTrue, yPred, { normalize: false })).toBe(4);
  });
});

describe('ClassificationMetrics (streaming)', () => {
  it('batches give exactly the one-shot numbers', () => {
    const random = mulberry32(7);
    const t = Array.from({ length: 103 }, () => Math.floor(random() * 5));
    const p = t.map((label) => (random() < 0.6 ? label : Math.floor(random() * 6)));
    const streamed = new ClassificationMetrics();
    const predictedBatches = splitBatches(p, [10, 0, 40, 1]);
    splitBatches(t, [10, 0, 40, 1]).forEach((batch, b) => streamed.update(batch, predictedBatches[b]!));
    const report = streamed.compute();
    expect(report.samples).toBe(103);
    expect(report.accuracy).toBe(accuracyScore(t, p));
    expect(report.perLabel).toEqual(precisionRecallFscoreSupport(t, p));
    expect(report.macro).toEqual(precisionRecallFscoreSupport(t, p, { average: 'macro' }));
    expect(report.weighted).toEqual(precisionRecallFscoreSupport(t, p, { average: 'weighted' }));
    expect(report.micro).toEqual(precisionRecallFscoreSupport(t, p, { average: 'micro' }));
    expect(report.confusionMatrix).toEqual(confusionMatrix(t, p));
    expect(report.binary).toBeUndefined();
    expect(streamed.reset().samples).toBe(0);
  });

  it('compute includes binary scores when posLabel is given', () => {
    const report = new ClassificationMetrics({ posLabel: 1 }).update([1, 0, 1, 1, 0], [1, 1, 0, 1, 0]).compute();
    expectClose(report.binary!.f1, 2 / 3, { rtol: 1e-12 });
  });
});

describe('errors', () => {
  it('length mismatch is a MetricShapeError naming both lengths', () => {
    expect(() => accuracyScore([1, 2, 3], [1, 2])).toThrow(MetricShapeError);
    expect(() => accuracyScore([1, 2, 3], [1, 2])).toThrow(/yTrue has 3 elements, yPred has 2/);
  });

  it('empty input is a MetricInputError', () => {
    expect(() => accuracyScore([], [])).toThrow(MetricInputError);
    expect(() => new ClassificationMetrics().compute()).toThrow(MetricInputError);
  });

  it('a bad average, zeroDivision or label list is a MetricOptionError', () => {
    expect(() => precisionRecallFscoreSupport(yTrue, yPred, { average: 'samples' as 'micro' })).toThrow(MetricOptionError);
    expect(() => precisionRecallFscoreSupport(yTrue, yPred, { average: 'samples' as 'micro' })).toThrow(/average must be one of/);
    expect(() => new ClassificationMetrics({ zeroDivision: 2 as 1 })).toThrow(MetricOptionError);
    expect(() => confusionMatrix(yTrue, yPred, { normalize: 'rows' as 'true' })).toThrow(MetricOptionError);
    expect(() => precisionRecallFscoreSupport(yTrue, yPred, { labels: [] })).toThrow(MetricOptionError);
    expect(() => precisionRecallFscoreSupport(yTrue, yPred, { labels: [1, 1] })).toThrow(/duplicates/);
  });

  it("'binary' on three labels, or an absent posLabel, is refused", () => {
    expect(() => f1Score(yTrue, yPred)).toThrow(/average 'binary' needs at most 2 labels; got 3/);
    expect(() => f1Score([0, 2], [2, 0])).toThrow(/posLabel 1 is not a valid label/);
  });

  it('mixed label types and NaN labels are MetricInputErrors', () => {
    expect(() => accuracyScore<number | string>([1, 'a'], [1, 'a'])).toThrow(MetricInputError);
    expect(() => accuracyScore([NaN], [1])).toThrow(/NaN/);
  });

  it('a confusion matrix whose labels miss yTrue entirely is refused', () => {
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [5] })).toThrow(MetricInputError);
  });
});
