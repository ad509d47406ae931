// Perplexity = exp(mean NLL): one-shot, streamed from per-token NLLs or (mean, count) batches.

import { describe, expect, it } from 'vitest';
import { MetricInputError, PerplexityAccumulator, perplexity } from './index.js';

describe('perplexity', () => {
  it('is exp of the mean NLL (a uniform guess over 4 tokens has perplexity 4)', () => {
    expect(perplexity(Math.log(4))).toBeCloseTo(4, 14);
    expect(perplexity(0)).toBe(1);
  });

  it('the accumulator weights each batch by its tokens', () => {
    const accumulator = new PerplexityAccumulator().update([Math.log(2), Math.log(8)]);
    expect(accumulator.compute()).toBeCloseTo(4, 14);
    // A mean over 2 tokens counts twice as much as one token.
    accumulator
      .reset()
      .update({ meanNll: Math.log(2), tokens: 2 })
      .update(Float64Array.of(Math.log(16)));
    expect(accumulator.tokens).toBe(3);
    expect(accumulator.compute()).toBeCloseTo(Math.exp((2 * Math.log(2) + Math.log(16)) / 3), 14);
    expect(accumulator.update({ meanNll: NaN, tokens: 0 }).tokens).toBe(3);
  });

  it('no tokens, NaN or a bad token count are MetricInputErrors', () => {
    expect(() => new PerplexityAccumulator().compute()).toThrow(MetricInputError);
    expect(() => perplexity(NaN)).toThrow(MetricInputError);
    expect(() => new PerplexityAccumulator().update([1, NaN])).toThrow(/nll\[1\] is NaN/);
    expect(() => new PerplexityAccumulator().update({ meanNll: 1, tokens: -1 })).toThrow(MetricInputError);
  });
});
