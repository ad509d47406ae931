// BLEU exactly as NLTK 3.8's corpus_bleu / sentence_bleu: clipped n-gram counts summed over the
// corpus, closest reference length (ties to the shorter), brevity penalty, smoothing methods 0-7.
// n an n-gram order (1..N), p_n = numerator_n / denominator_n, c hypothesis length, r reference length.

import { BLEU_SMOOTHINGS, smoothPrecisions, type BleuSmoothing, type Precision } from './bleu-smoothing.js';
import { MetricInputError, MetricOptionError, MetricShapeError } from './errors.js';
import { fsum } from './numeric.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkOneOf, checkSameLength } from './validate.js';

/** A token: words, subwords, phonemes or ids; compared with ===. */
export type Token = string | number;
export type Tokens = readonly Token[];

export interface BleuOptions {
  /** n-gram weights, one per order; default [0.25, 0.25, 0.25, 0.25] (BLEU-4). */
  readonly weights?: readonly number[];
  /** NLTK's SmoothingFunction method; default 'none' (= method0). */
  readonly smoothing?: BleuSmoothing;
  /** method1's epsilon (0.1), method6's alpha (5) and method4's k (5), NLTK's defaults. */
  readonly epsilon?: number;
  readonly alpha?: number;
  readonly k?: number;
  /** NLTK's auto_reweigh: uniform weights over c orders when c < 4 and weights are the default. */
  readonly autoReweigh?: boolean;
}

export interface BleuStats {
  /** Clipped n-gram matches per order n = 1..N, summed over the corpus. */
  readonly numerators: number[];
  /** Σ max(1, len(h) - n + 1) per order. */
  readonly denominators: number[];
  readonly hypothesisLength: number;
  readonly referenceLength: number;
  readonly brevityPenalty: number;
  /** Unsmoothed p_n. */
  readonly precisions: number[];
}

const DEFAULT_WEIGHTS: readonly number[] = [0.25, 0.25, 0.25, 0.25];

function ngramCounts(ids: readonly number[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= ids.length; i++) {
    const key = ids.slice(i, i + n).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** NLTK's modified_precision: clipped matches of order n and max(1, number of n-grams in h). */
export function modifiedPrecision(references: readonly Tokens[], hypothesis: Tokens, n: number): Precision {
  // Tokens become small integer ids so that n-gram keys cannot collide whatever the tokens hold.
  const ids = new Map<Token, number>();
  const idOf = (token: Token): number => {
    let id = ids.get(token);
    if (id === undefined) ids.set(token, (id = ids.size));
    return id;
  };
  const encode = (tokens: Tokens) => tokens.map(idOf);
  const counts = ngramCounts(encode(hypothesis), n);
  const maxCounts = new Map<string, number>();
  for (const reference of references) {
    const referenceCounts = ngramCounts(encode(reference), n);
    for (const key of counts.keys()) maxCounts.set(key, Math.max(maxCounts.get(key) ?? 0, referenceCounts.get(key) ?? 0));
  }
  let numerator = 0;
  let total = 0;
  for (const [key, count] of counts) {
    numerator += Math.min(count, maxCounts.get(key) ?? 0);
    total += count;
  }
  return { numerator, denominator: Math.max(1, total) };
}

/** The reference length closest to c; on a tie the shorter one. */
export function closestReferenceLength(references: readonly Tokens[], hypothesisLength: number): number {
  if (references.length === 0) throw new MetricInputError('bleu: a hypothesis has no references');
  let best = references[0]!.length;
  for (const reference of references) {
    const length = reference.length;
    const distance = Math.abs(length - hypothesisLength);
    const bestDistance = Math.abs(best - hypothesisLength);
    if (distance < bestDistance || (distance === bestDistance && length < best)) best = length;
  }
  return best;
}

/** BP = 1 if c > r, 0 if c = 0, else exp(1 - r/c). */
export function brevityPenalty(referenceLength: number, hypothesisLength: number): number {
  if (hypothesisLength > referenceLength) return 1;
  if (hypothesisLength === 0) return 0;
  return Math.exp(1 - referenceLength / hypothesisLength);
}

function checkOptions(op: string, options: BleuOptions): Required<BleuOptions> {
  checkOptionKeys(op, options, ['weights', 'smoothing', 'epsilon', 'alpha', 'k', 'autoReweigh', 'maxOrder']);
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  if (weights.length === 0) throw new MetricOptionError(`${op}: weights is empty; give one weight per n-gram order`);
  if (!weights.every(Number.isFinite)) throw new MetricOptionError(`${op}: weights must be finite numbers; got [${weights.join(', ')}]`);
  const smoothing = options.smoothing ?? 'none';
  checkOneOf(op, 'smoothing', smoothing, BLEU_SMOOTHINGS);
  return {
    weights,
    smoothing,
    epsilon: options.epsilon ?? 0.1,
    alpha: options.alpha ?? 5,
    k: options.k ?? 5,
    autoReweigh: options.autoReweigh ?? false,
  };
}

/**
 * Corpus BLEU over batches: update(listOfReferences, hypotheses) adds clipped counts and lengths;
 * compute() gives NLTK's corpus_bleu over everything added. It counts max(maxOrder, N) orders.
 */
export class BleuAccumulator implements MetricAccumulator<
  [listOfReferences: readonly (readonly Tokens[])[], hypotheses: readonly Tokens[]],
  number
> {
  private readonly options: Required<BleuOptions>;
  private readonly orders: number;
  private numerators: number[];
  private denominators: number[];
  private hypothesisLength = 0;
  private referenceLength = 0;
  private pairs = 0;
  private last: { references: readonly Tokens[]; hypothesis: Tokens } | undefined;

  constructor(options: BleuOptions & { readonly maxOrder?: number } = {}) {
    this.options = checkOptions('BleuAccumulator', options);
    this.orders = Math.max(options.maxOrder ?? 0, this.options.weights.length);
    this.numerators = new Array<number>(this.orders).fill(0);
    this.denominators = new Array<number>(this.orders).fill(0);
  }

  update(listOfReferences: readonly (readonly Tokens[])[], hypotheses: readonly Tokens[]): this {
    checkSameLength('BleuAccumulator.update', ['listOfReferences', 'hypotheses'], listOfReferences, hypotheses);
    // Check the whole batch first so that a bad pair leaves the counts untouched.
    const missing = listOfReferences.findIndex((references) => references.length === 0);
    if (missing >= 0) throw new MetricInputError(`BleuAccumulator.update: hypothesis ${missing} has no references`);
    hypotheses.forEach((hypothesis, i) => {
      const references = listOfReferences[i]!;
      for (let n = 1; n <= this.orders; n++) {
        const p = modifiedPrecision(references, hypothesis, n);
        this.numerators[n - 1]! += p.numerator;
        this.denominators[n - 1]! += p.denominator;
      }
      this.hypothesisLength += hypothesis.length;
      this.referenceLength += closestReferenceLength(references, hypothesis.length);
      this.last = { references, hypothesis };
    });
    this.pairs += hypotheses.length;
    return this;
  }

  /** Sentence pairs seen so far. */
  get sentences(): number {
    return this.pairs;
  }

  stats(): BleuStats {
    this.checkSeen('BleuAccumulator.stats');
    return {
      numerators: [...this.numerators],
      denominators: [...this.denominators],
      hypothesisLength: this.hypothesisLength,
      referenceLength: this.referenceLength,
      brevityPenalty: brevityPenalty(this.referenceLength, this.hypothesisLength),
      precisions: this.numerators.map((numerator, i) => numerator / this.denominators[i]!),
    };
  }

  /** Corpus BLEU; `overrides` may change weights (up to the counted orders) and smoothing. */
  compute(overrides: BleuOptions = {}): number {
    const op = 'BleuAccumulator.compute';
    const options = checkOptions(op, { ...this.options, ...overrides });
    const weights = options.weights;
    if (weights.length > this.orders) {
      throw new MetricOptionError(`${op}: ${weights.length} weights but only ${this.orders} n-gram orders were counted (set maxOrder)`);
    }
    this.checkSeen(op);
    // NLTK returns 0 before smoothing when no unigram matches.
    if (this.numerators[0] === 0) return 0;
    const precisions = weights.map((_, i) => ({ numerator: this.numerators[i]!, denominator: this.denominators[i]! }));
    const last = this.last!;
    const smoothed = smoothPrecisions(options.smoothing, precisions, {
      hypothesisLength: this.hypothesisLength,
      lastHypothesisLength: last.hypothesis.length,
      lastFiveGram: () => modifiedPrecision(last.references, last.hypothesis, 5),
      epsilon: options.epsilon,
      alpha: options.alpha,
      k: options.k,
    });
    let used = weights;
    const c = this.hypothesisLength;
    if (options.autoReweigh && c < 4 && weights.length === 4 && weights.every((w) => w === 0.25)) {
      used = new Array<number>(c).fill(1 / c);
    }
    const terms: number[] = [];
    // zip() semantics: the shorter of weights and precisions; orders still at 0 are skipped.
    for (let i = 0; i < Math.min(used.length, smoothed.length); i++) {
      if (smoothed[i]! > 0) terms.push(used[i]! * Math.log(smoothed[i]!));
    }
    return brevityPenalty(this.referenceLength, c) * Math.exp(fsum(terms));
  }

  reset(): this {
    this.numerators.fill(0);
    this.denominators.fill(0);
    this.hypothesisLength = 0;
    this.referenceLength = 0;
    this.pairs = 0;
    this.last = undefined;
    return this;
  }

  private checkSeen(op: string): void {
    // NLTK divides 0/0 (ZeroDivisionError) on an empty corpus.
    if (this.pairs === 0) throw new MetricInputError(`${op}: no hypotheses; BLEU is undefined for an empty corpus`);
  }
}

/** NLTK's corpus_bleu(list_of_references, hypotheses, weights, smoothing_function, auto_reweigh). */
export function corpusBleu(
  listOfReferences: readonly (readonly Tokens[])[],
  hypotheses: readonly Tokens[],
  options: BleuOptions = {},
): number {
  return new BleuAccumulator(options).update(listOfReferences, hypotheses).compute();
}

/** NLTK's sentence_bleu: corpus BLEU of one hypothesis and its references. */
export function sentenceBleu(references: readonly Tokens[], hypothesis: Tokens, options: BleuOptions = {}): number {
  if (!Array.isArray(references) || (references.length > 0 && !Array.isArray(references[0]))) {
    throw new MetricShapeError('sentenceBleu: references must be a list of token lists (one per reference)');
  }
  return corpusBleu([references], [hypothesis], options);
}
