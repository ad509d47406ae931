// Metric options from plain JavaScript: a misspelt key is a MetricOptionError, never ignored.

import { describe, expect, it } from 'vitest';
import { ClassificationMetrics } from './classification-metrics.js';
import { accuracyScore, confusionMatrix, f1Score, precisionRecallFscoreSupport } from './classification.js';
import { meanSquaredError, r2Score } from './regression.js';
import { corpusBleu } from './bleu.js';
import { editDistance, ErrorRateAccumulator } from './edit-distance.js';
import { rougeN } from './rouge.js';
import { chunkF1 } from './chunk-f1.js';
import { MetricOptionError } from './errors.js';

const loose = <T>(value: unknown): T => value as T;

describe('unknown metric options', () => {
  it('are a MetricOptionError naming the key', () => {
    const y = [0, 1, 1];
    expect(() => f1Score(y, y, loose({ averge: 'macro' }))).toThrow(MetricOptionError);
    expect(() => f1Score(y, y, loose({ zero_division: 0 }))).toThrow(
      "f1Score: unknown option 'zero_division' (did you mean 'zeroDivision'?)",
    );
    expect(() => precisionRecallFscoreSupport(y, y, loose({ beta: 2 }))).toThrow(MetricOptionError);
    expect(() => accuracyScore(y, y, loose({ normalise: false }))).toThrow(/accuracy: unknown option 'normalise'/);
    expect(() => confusionMatrix(y, y, loose({ normalized: 'true' }))).toThrow(MetricOptionError);
    expect(() => new ClassificationMetrics(loose<never>({ pos_label: 1 }))).toThrow(/did you mean 'posLabel'/);
    expect(() => meanSquaredError([1, 2], [1, 3], loose({ square: false }))).toThrow(/meanSquaredError: unknown option 'square'/);
    expect(meanSquaredError([1, 2], [1, 3], { squared: false })).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(() => r2Score([1, 2], [1, 3], loose({ force_finite: true }))).toThrow(/did you mean 'forceFinite'/);
    expect(() => corpusBleu([[['a']]], [['a']], loose({ smooth: 'method1' }))).toThrow(MetricOptionError);
    expect(() => editDistance('ab', 'ba', loose({ transposition: true }))).toThrow(MetricOptionError);
    expect(() => new ErrorRateAccumulator(loose({ units: 'word' }))).toThrow(MetricOptionError);
    expect(new ErrorRateAccumulator({ unit: 'word' })).toBeInstanceOf(ErrorRateAccumulator);
    expect(() => rougeN(['a'], ['a'], loose({ order: 2 }))).toThrow(/rougeN: unknown option 'order'/);
    expect(() => chunkF1([['O']], [['O']], loose({ zeroDiv: 0 }))).toThrow(MetricOptionError);
    expect(() => f1Score(y, y, loose('macro'))).toThrow(/f1Score: expected an options object/);
  });
});
