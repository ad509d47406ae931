// Perplexity of a language model: PPL = exp(mean NLL), NLL = -ln p(token) in nats per token.
// Streaming sums NLL·N over batches (N tokens in a batch) so the mean is over all tokens.

import { MetricInputError } from './errors.js';
import type { MetricAccumulator } from './streaming.js';
import { checkNonEmpty } from './validate.js';

/** exp(meanNll): the perplexity of a mean negative log-likelihood in nats (e.g. a cross-entropy loss). */
export function perplexity(meanNll: number): number {
  if (Number.isNaN(meanNll)) throw new MetricInputError('perplexity: meanNll is NaN');
  return Math.exp(meanNll);
}

/** A batch: per-token NLLs, or a batch's mean NLL with its token count (a loss and its size). */
export type NllBatch = ArrayLike<number> | { readonly meanNll: number; readonly tokens: number };

export class PerplexityAccumulator implements MetricAccumulator<[batch: NllBatch], number> {
  private sum = 0;
  private count = 0;

  update(batch: NllBatch): this {
    if ('meanNll' in batch) {
      if (!(batch.tokens >= 0) || !Number.isInteger(batch.tokens)) {
        throw new MetricInputError(`PerplexityAccumulator.update: tokens must be a non-negative integer; got ${batch.tokens}`);
      }
      // A mean over zero tokens carries no information (and is often NaN): skip it.
      if (batch.tokens === 0) return this;
      if (Number.isNaN(batch.meanNll)) throw new MetricInputError('PerplexityAccumulator.update: meanNll is NaN');
      this.sum += batch.meanNll * batch.tokens;
      this.count += batch.tokens;
      return this;
    }
    for (let i = 0; i < batch.length; i++) {
      if (Number.isNaN(batch[i])) throw new MetricInputError(`PerplexityAccumulator.update: nll[${i}] is NaN`);
    }
    for (let i = 0; i < batch.length; i++) this.sum += batch[i]!;
    this.count += batch.length;
    return this;
  }

  /** Tokens seen so far. */
  get tokens(): number {
    return this.count;
  }

  /** The mean NLL over every token seen. */
  meanNll(): number {
    checkNonEmpty('PerplexityAccumulator.compute', 'the token stream', this.count);
    return this.sum / this.count;
  }

  compute(): number {
    return Math.exp(this.meanNll());
  }

  reset(): this {
    this.sum = 0;
    this.count = 0;
    return this;
  }
}
