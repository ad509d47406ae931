// Levenshtein edit distance (NLTK 3.8's edit_distance, optionally with its transpositions) and
// the error rates built on it: WER (words), CER (Unicode code points), PER (phonemes), any tokens.
// d the distance, N the reference length; rate = d / N, corpus rate = Σd / ΣN (can exceed 1).

import type { Token, Tokens } from './bleu.js';
import { MetricInputError, MetricOptionError } from './errors.js';
import type { MetricAccumulator } from './streaming.js';
import { checkOptionKeys, checkOneOf, checkSameLength } from './validate.js';

export interface EditDistanceOptions {
  /** Cost of a substitution (insertions and deletions cost 1); default 1. */
  readonly substitutionCost?: number;
  /** Count an adjacent swap as one edit (NLTK's Damerau variant); default false. */
  readonly transpositions?: boolean;
}

export interface ErrorRate {
  readonly distance: number;
  readonly referenceLength: number;
  /** distance / referenceLength. */
  readonly rate: number;
}

/** What a string is split into: words (whitespace), characters (code points) or given tokens. */
export type ErrorUnit = 'word' | 'char' | 'token';

/** A sequence: tokens, or a string split into code points (Array.from, so astral characters stay whole). */
export type Sequence = Tokens | string;

const asTokens = (sequence: Sequence): Tokens => (typeof sequence === 'string' ? Array.from(sequence) : sequence);

function checkCost(op: string, options: EditDistanceOptions, extra: readonly string[] = []): number {
  checkOptionKeys(op, options, ['substitutionCost', 'transpositions', ...extra]);
  const cost = options.substitutionCost ?? 1;
  if (!(cost >= 0) || !Number.isFinite(cost))
    throw new MetricOptionError(`${op}: substitutionCost must be a finite number >= 0; got ${cost}`);
  return cost;
}

function levenshtein(a: Tokens, b: Tokens, cost: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : cost);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** NLTK's edit_distance with transpositions=True (Lowrance–Wagner): needs the whole table. */
function withTranspositions(a: Tokens, b: Tokens, cost: number): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) table[0]![j] = j;
  const lastRowOf = new Map<Token, number>(); // last row i where a[i-1] was each token
  for (let i = 1; i <= a.length; i++) {
    let lastMatchColumn = 0;
    for (let j = 1; j <= b.length; j++) {
      const lastLeft = lastRowOf.get(b[j - 1]!) ?? 0;
      const lastRight = lastMatchColumn;
      if (a[i - 1] === b[j - 1]) lastMatchColumn = j;
      const substitute = table[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : cost);
      let best = Math.min(table[i - 1]![j]! + 1, table[i]![j - 1]! + 1, substitute);
      if (lastLeft > 0 && lastRight > 0) {
        best = Math.min(best, table[lastLeft - 1]![lastRight - 1]! + i - lastLeft + j - lastRight - 1);
      }
      table[i]![j] = best;
    }
    lastRowOf.set(a[i - 1]!, i);
  }
  return table[a.length]![b.length]!;
}

/** Minimum number of insertions, deletions and substitutions turning `reference` into `hypothesis`. */
export function editDistance(reference: Sequence, hypothesis: Sequence, options: EditDistanceOptions = {}): number {
  const cost = checkCost('editDistance', options);
  const a = asTokens(reference);
  const b = asTokens(hypothesis);
  return options.transpositions ? withTranspositions(a, b, cost) : levenshtein(a, b, cost);
}

/** Split a string for a unit: words on whitespace, characters by code point; token lists pass through. */
export function tokenize(sequence: Sequence, unit: ErrorUnit): Tokens {
  if (typeof sequence !== 'string') return sequence;
  if (unit === 'word') return sequence.split(/\s+/u).filter((word) => word.length > 0);
  return Array.from(sequence);
}

function pairRate(op: string, reference: Tokens, hypothesis: Tokens, options: EditDistanceOptions): ErrorRate {
  if (reference.length === 0) throw new MetricInputError(`${op}: the reference is empty; the rate d / N is undefined`);
  const distance = editDistance(reference, hypothesis, options);
  return { distance, referenceLength: reference.length, rate: distance / reference.length };
}

/** Token error rate of one pair: distance / len(reference). */
export function errorRate(reference: Sequence, hypothesis: Sequence, options: EditDistanceOptions = {}): ErrorRate {
  return pairRate('errorRate', asTokens(reference), asTokens(hypothesis), options);
}

/** WER of one pair; strings are split on whitespace. */
export function wordErrorRate(reference: Sequence, hypothesis: Sequence, options: EditDistanceOptions = {}): ErrorRate {
  return pairRate('wordErrorRate', tokenize(reference, 'word'), tokenize(hypothesis, 'word'), options);
}

/** CER of one pair, counting Unicode code points (spaces and punctuation included, no normalization). */
export function charErrorRate(reference: string, hypothesis: string, options: EditDistanceOptions = {}): ErrorRate {
  return pairRate('charErrorRate', Array.from(reference), Array.from(hypothesis), options);
}

/** PER of one pair: each phoneme symbol (e.g. 'AH0') is one token. */
export function phonemeErrorRate(reference: Tokens, hypothesis: Tokens, options: EditDistanceOptions = {}): ErrorRate {
  return pairRate('phonemeErrorRate', reference, hypothesis, options);
}

/** Corpus error rate: Σ distances / Σ reference lengths over pairs added batch by batch. */
export class ErrorRateAccumulator implements MetricAccumulator<
  [references: readonly Sequence[], hypotheses: readonly Sequence[]],
  ErrorRate
> {
  private distance = 0;
  private referenceLength = 0;
  private pairs = 0;
  private readonly unit: ErrorUnit;

  constructor(private readonly options: EditDistanceOptions & { readonly unit?: ErrorUnit } = {}) {
    this.unit = options.unit ?? 'token';
    checkOneOf('ErrorRateAccumulator', 'unit', this.unit, ['word', 'char', 'token']);
    checkCost('ErrorRateAccumulator', options, ['unit']);
  }

  update(references: readonly Sequence[], hypotheses: readonly Sequence[]): this {
    checkSameLength('ErrorRateAccumulator.update', ['references', 'hypotheses'], references, hypotheses);
    references.forEach((reference, i) => {
      const a = tokenize(reference, this.unit);
      const { substitutionCost, transpositions } = this.options;
      this.distance += editDistance(a, tokenize(hypotheses[i]!, this.unit), { substitutionCost, transpositions });
      this.referenceLength += a.length;
    });
    this.pairs += references.length;
    return this;
  }

  /** Pairs seen so far. */
  get sentences(): number {
    return this.pairs;
  }

  compute(): ErrorRate {
    if (this.referenceLength === 0) {
      throw new MetricInputError(
        `ErrorRateAccumulator.compute: the references hold no tokens (${this.pairs} pairs); the rate is undefined`,
      );
    }
    return { distance: this.distance, referenceLength: this.referenceLength, rate: this.distance / this.referenceLength };
  }

  reset(): this {
    this.distance = 0;
    this.referenceLength = 0;
    this.pairs = 0;
    return this;
  }
}

/** Σ distances / Σ reference lengths (not the mean of per-pair rates). */
export function corpusErrorRate(
  references: readonly Sequence[],
  hypotheses: readonly Sequence[],
  options: EditDistanceOptions & { readonly unit?: ErrorUnit } = {},
): ErrorRate {
  return new ErrorRateAccumulator(options).update(references, hypotheses).compute();
}
