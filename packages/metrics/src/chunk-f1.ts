// Chunk-level precision / recall / F1 over BIO-tagged sentences (conlleval's scoring: a predicted
// chunk counts only if a true chunk of the same sentence has the same TYPE, start and end), plus
// token accuracy. tp correct chunks, micro F1 the headline number, types sorted by code point.

import { extractChunks, type Chunk } from './chunks.js';
import { MetricInputError, MetricShapeError } from './errors.js';
import { compareCodePoints } from './labels.js';
import { averageScores, perClassScores, type PrfCounts, type PrfScores } from './prf.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkSameLength, checkZeroDivision, type ZeroDivision } from './validate.js';

export interface ChunkTypeScores {
  /** Every type found in the true or predicted chunks, sorted by code point. */
  readonly types: string[];
  readonly tp: number[];
  readonly predicted: number[];
  readonly support: number[];
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
}

export interface ChunkReport {
  readonly perType: ChunkTypeScores;
  readonly micro: PrfScores;
  readonly macro: PrfScores;
  readonly weighted: PrfScores;
  /** Fraction of tokens whose predicted tag equals the true tag (O tokens included). */
  readonly accuracy: number;
  readonly sentences: number;
  readonly tokens: number;
}

export interface ChunkF1Options {
  /** The value of a ratio with a zero denominator: 0 (the default) or 1. */
  readonly zeroDivision?: ZeroDivision;
}

interface TypeCounts {
  tp: number;
  predicted: number;
  support: number;
}

const chunkKey = (chunk: Chunk) => `${chunk[1]}:${chunk[2]}:${chunk[0]}`;

export class ChunkF1Accumulator implements MetricAccumulator<
  [yTrue: readonly (readonly string[])[], yPred: readonly (readonly string[])[]],
  ChunkReport
> {
  private counts = new Map<string, TypeCounts>();
  private correctTokens = 0;
  private totalTokens = 0;
  private totalSentences = 0;
  private readonly zeroDivision: ZeroDivision;

  constructor(options: ChunkF1Options = {}) {
    checkOptionKeys('ChunkF1Accumulator', options, ['zeroDivision']);
    this.zeroDivision = checkZeroDivision('ChunkF1Accumulator', options.zeroDivision);
  }

  /** Add sentences: yTrue[s] and yPred[s] are the tags of sentence s (equal lengths). */
  update(yTrue: readonly (readonly string[])[], yPred: readonly (readonly string[])[]): this {
    const op = 'ChunkF1Accumulator.update';
    checkSameLength(op, ['yTrue (sentences)', 'yPred (sentences)'], yTrue, yPred);
    yTrue.forEach((truthTags, s) => {
      const predictedTags = yPred[s]!;
      if (truthTags.length !== predictedTags.length) {
        throw new MetricShapeError(`${op}: sentence ${s} has ${truthTags.length} true tags and ${predictedTags.length} predicted tags`);
      }
    });
    // Parse everything first so that a bad tag leaves the accumulator unchanged.
    const sentences = yTrue.map((truthTags, s) => {
      try {
        return { truth: extractChunks(truthTags), predicted: extractChunks(yPred[s]!) };
      } catch (error) {
        throw new MetricInputError(`${op}: sentence ${s}: ${(error as Error).message}`);
      }
    });
    sentences.forEach(({ truth, predicted }, s) => {
      const truthKeys = new Set(truth.map(chunkKey));
      for (const chunk of truth) this.typeCounts(chunk[0]).support++;
      for (const chunk of predicted) {
        const counts = this.typeCounts(chunk[0]);
        counts.predicted++;
        if (truthKeys.has(chunkKey(chunk))) counts.tp++;
      }
      const truthTags = yTrue[s]!;
      const predictedTags = yPred[s]!;
      for (let t = 0; t < truthTags.length; t++) if (truthTags[t] === predictedTags[t]) this.correctTokens++;
      this.totalTokens += truthTags.length;
    });
    this.totalSentences += yTrue.length;
    return this;
  }

  compute(): ChunkReport {
    if (this.totalTokens === 0) throw new MetricInputError('ChunkF1Accumulator.compute: no tokens; accuracy and F1 are undefined');
    const types = [...this.counts.keys()].sort(compareCodePoints);
    const counts: PrfCounts = {
      tp: types.map((type) => this.counts.get(type)!.tp),
      predicted: types.map((type) => this.counts.get(type)!.predicted),
      support: types.map((type) => this.counts.get(type)!.support),
    };
    const scores = perClassScores(counts, this.zeroDivision);
    return {
      perType: {
        types,
        tp: [...counts.tp],
        predicted: [...counts.predicted],
        support: [...counts.support],
        precision: scores.precision,
        recall: scores.recall,
        f1: scores.f1,
      },
      micro: averageScores(counts, 'micro', this.zeroDivision),
      macro: averageScores(counts, 'macro', this.zeroDivision),
      weighted: averageScores(counts, 'weighted', this.zeroDivision),
      accuracy: this.correctTokens / this.totalTokens,
      sentences: this.totalSentences,
      tokens: this.totalTokens,
    };
  }

  reset(): this {
    this.counts = new Map();
    this.correctTokens = 0;
    this.totalTokens = 0;
    this.totalSentences = 0;
    return this;
  }

  private typeCounts(type: string): TypeCounts {
    let counts = this.counts.get(type);
    if (!counts) this.counts.set(type, (counts = { tp: 0, predicted: 0, support: 0 }));
    return counts;
  }
}

/** Chunk P/R/F1 (per type, micro, macro, weighted) and token accuracy over tagged sentences. */
export function chunkF1(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: ChunkF1Options = {},
): ChunkReport {
  return new ChunkF1Accumulator(options).update(yTrue, yPred).compute();
}
