// ROUGE-1/2/L: hand-checked overlaps and LCS, empty sides, the accumulator's mean, typed errors.
// P = overlap / hypothesis n-grams, R = overlap / reference n-grams, F = 2PR/(P+R).

import { describe, expect, it } from 'vitest';
import { MetricInputError, MetricOptionError, MetricShapeError, RougeAccumulator, lcsLength, rouge, rougeL, rougeN } from './index.js';
import { expectClose } from '@recur/test-support';

const words = (s: string) => s.split(' ');
const reference = words('the cat sat on the mat');
const hypothesis = words('the cat on the mat');

describe('ROUGE', () => {
  it('ROUGE-1 clips unigram counts: overlap 5 of 5 hypothesis and 6 reference tokens', () => {
    const score = rougeN(reference, hypothesis);
    expectClose([score.precision, score.recall, score.fMeasure], [1, 5 / 6, 10 / 11], { rtol: 1e-12 });
    expect(rougeN(words('the'), words('the the the')).precision).toBeCloseTo(1 / 3, 15);
  });

  it('ROUGE-2: overlap 3 of 4 hypothesis and 5 reference bigrams', () => {
    const score = rougeN(reference, hypothesis, { n: 2 });
    expectClose([score.precision, score.recall, score.fMeasure], [3 / 4, 3 / 5, 2 / 3], { rtol: 1e-12 });
  });

  it('ROUGE-L uses the longest common subsequence', () => {
    expect(lcsLength(words('a b c d e'), words('a x c e'))).toBe(3);
    const score = rougeL(reference, hypothesis);
    expectClose([score.precision, score.recall], [1, 5 / 6], { rtol: 1e-12 });
  });

  it('an empty side scores 0 (no NaN)', () => {
    expect(rougeL([], hypothesis)).toEqual({ precision: 0, recall: 0, fMeasure: 0 });
    expect(rougeN(reference, [])).toEqual({ precision: 0, recall: 0, fMeasure: 0 });
    expect(rouge(reference, reference).rouge2.fMeasure).toBe(1);
  });

  it('the accumulator averages per-pair scores over batches', () => {
    const accumulator = new RougeAccumulator().update([reference], [hypothesis]).update([reference], [reference]);
    const mean = accumulator.compute();
    expect(accumulator.sentences).toBe(2);
    expectClose(mean.rouge1.fMeasure, (10 / 11 + 1) / 2, { rtol: 1e-12 });
    expectClose(mean.rougeL.recall, (5 / 6 + 1) / 2, { rtol: 1e-12 });
  });

  it('typed errors', () => {
    expect(() => rougeN(reference, hypothesis, { n: 0 })).toThrow(MetricOptionError);
    expect(() => new RougeAccumulator().update([reference], [])).toThrow(MetricShapeError);
    expect(() => new RougeAccumulator().compute()).toThrow(MetricInputError);
  });
});
