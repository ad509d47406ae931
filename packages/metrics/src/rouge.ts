// ROUGE-N and ROUGE-L on token lists, as Google's rouge-score computes them (no stemming or
// tokenizing here): P = overlap / hypothesis count, R = overlap / reference count, F = 2PR/(P+R).
// N the n-gram order, LCS the longest common subsequence (ROUGE-L's overlap).

import type { Token, Tokens } from './bleu.js';
import { MetricInputError, MetricOptionError } from './errors.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkSameLength } from './validate.js';

export interface RougeScore {
  readonly precision: number;
  readonly recall: number;
  readonly fMeasure: number;
}

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL';

export type RougeScores = Readonly<Record<RougeType, RougeScore>>;

const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL'];

function score(overlap: number, hypothesisCount: number, referenceCount: number): RougeScore {
  // rouge-score divides by max(count, 1), so an empty side gives 0 rather than NaN.
  const precision = overlap / Math.max(hypothesisCount, 1);
  const recall = overlap / Math.max(referenceCount, 1);
  const fMeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fMeasure };
}

function ngramCounts(tokens: Tokens, n: number, ids: Map<Token, number>): Map<string, number> {
  const encoded = tokens.map((t) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  });
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= encoded.length; i++) {
    const key = encoded.slice(i, i + n).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N: clipped n-gram overlap (Σ min(count_ref, count_hyp)) over each side's n-gram count. */
export function rougeN(reference: Tokens, hypothesis: Tokens, options: { readonly n?: number } = {}): RougeScore {
  checkOptionKeys('rougeN', options, ['n']);
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new MetricOptionError(`rougeN: n must be a positive integer; got ${n}`);
  const ids = new Map<Token, number>();
  const referenceCounts = ngramCounts(reference, n, ids);
  const hypothesisCounts = ngramCounts(hypothesis, n, ids);
  let overlap = 0;
  for (const [key, count] of hypothesisCounts) overlap += Math.min(count, referenceCounts.get(key) ?? 0);
  return score(overlap, Math.max(0, hypothesis.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Length of the longest common subsequence, in O(len(a)·len(b)) time and O(len(b)) memory. */
export function lcsLength(a: Tokens, b: Tokens): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** ROUGE-L: LCS / len(hypothesis), LCS / len(reference); 0 when either side is empty. */
export function rougeL(reference: Tokens, hypothesis: Tokens): RougeScore {
  if (reference.length === 0 || hypothesis.length === 0) return { precision: 0, recall: 0, fMeasure: 0 };
  return score(lcsLength(reference, hypothesis), hypothesis.length, reference.length);
}

/** ROUGE-1, ROUGE-2 and ROUGE-L of one pair. */
export function rouge(reference: Tokens, hypothesis: Tokens): RougeScores {
  return {
    rouge1: rougeN(reference, hypothesis, { n: 1 }),
    rouge2: rougeN(reference, hypothesis, { n: 2 }),
    rougeL: rougeL(reference, hypothesis),
  };
}

/** Mean of the per-pair scores over every pair added (rouge-score's aggregate mean). */
export class RougeAccumulator implements MetricAccumulator<[references: readonly Tokens[], hypotheses: readonly Tokens[]], RougeScores> {
  private sums = new Map<RougeType, { precision: number; recall: number; fMeasure: number }>();
  private pairs = 0;

  constructor() {
    this.reset();
  }

  update(references: readonly Tokens[], hypotheses: readonly Tokens[]): this {
    checkSameLength('RougeAccumulator.update', ['references', 'hypotheses'], references, hypotheses);
    references.forEach((reference, i) => {
      const scores = rouge(reference, hypotheses[i]!);
      for (const type of ROUGE_TYPES) {
        const sum = this.sums.get(type)!;
        sum.precision += scores[type].precision;
        sum.recall += scores[type].recall;
        sum.fMeasure += scores[type].fMeasure;
      }
    });
    this.pairs += references.length;
    return this;
  }

  /** Pairs seen so far. */
  get sentences(): number {
    return this.pairs;
  }

  compute(): RougeScores {
    if (this.pairs === 0) throw new MetricInputError('RougeAccumulator.compute: no pairs; the mean is undefined');
    const mean = (type: RougeType): RougeScore => {
      const sum = this.sums.get(type)!;
      return { precision: sum.precision / this.pairs, recall: sum.recall / this.pairs, fMeasure: sum.fMeasure / this.pairs };
    };
    return { rouge1: mean('rouge1'), rouge2: mean('rouge2'), rougeL: mean('rougeL') };
  }

  reset(): this {
    for (const type of ROUGE_TYPES) this.sums.set(type, { precision: 0, recall: 0, fMeasure: 0 });
    this.pairs = 0;
    return this;
  }
}
