// NLTK 3.8's SmoothingFunction methods 0-7 (Chen & Cherry 2014) for BLEU's n-gram precisions,
// with NLTK's quirks kept. p_n = numerator_n / denominator_n for n = 1..N, c the corpus hypothesis
// length; methods 5-7 look at the last (references, hypothesis) pair, as NLTK's corpus_bleu does.

import { MetricInputError, MetricOptionError } from './errors.js';

export type BleuSmoothing = 'none' | 'method0' | 'method1' | 'method2' | 'method3' | 'method4' | 'method5' | 'method6' | 'method7';

export const BLEU_SMOOTHINGS: readonly BleuSmoothing[] = [
  'none',
  'method0',
  'method1',
  'method2',
  'method3',
  'method4',
  'method5',
  'method6',
  'method7',
];

/** A modified n-gram precision kept as its counts, like NLTK's unnormalized Fraction. */
export interface Precision {
  readonly numerator: number;
  readonly denominator: number;
}

export interface SmoothingContext {
  /** c: the summed hypothesis length of the corpus (NLTK passes hyp_len=hyp_lengths). */
  readonly hypothesisLength: number;
  /** Length of the last hypothesis of the corpus (method6's ngram count l). */
  readonly lastHypothesisLength: number;
  /** Modified 5-gram precision of the last pair (method5's extra order, whatever N is). */
  readonly lastFiveGram: () => Precision;
  /** method1's epsilon (0.1), method6's alpha (5), method4's k (5): SmoothingFunction's defaults. */
  readonly epsilon: number;
  readonly alpha: number;
  readonly k: number;
}

/** Python's sys.float_info.min: NLTK's stand-in for a zero precision, so log() stays finite. */
export const FLOAT_MIN = 2.2250738585072014e-308;

const value = (p: Precision) => p.numerator / p.denominator;

function method3(p: readonly Precision[]): number[] {
  let step = 1; // mteval-v13a's k: 1/2, 1/4, ... for the successive zero orders
  return p.map((q) => (q.numerator === 0 ? 1 / (2 ** step++ * q.denominator) : value(q)));
}

function method4(p: readonly Precision[], context: SmoothingContext): number[] {
  let step = 1;
  const c = context.hypothesisLength;
  return p.map((q) => {
    // NLTK 3.8 leaves the order at 0 (later skipped) when ln(c) would be 0 or undefined.
    if (q.numerator !== 0 || c <= 1) return value(q);
    const numerator = 1 / ((2 ** step++ * context.k) / Math.log(c));
    return numerator / q.denominator;
  });
}

function method5(values: readonly number[], context: SmoothingContext): number[] {
  // Each order becomes the mean of the previous (smoothed) one, itself and the next unsmoothed
  // one; the order after the last is always the 5-gram precision, as NLTK hard-codes it.
  const next = [...values, value(context.lastFiveGram())];
  const out: number[] = [];
  let previous = values[0]! + 1;
  for (let i = 0; i < values.length; i++) {
    out.push((previous + values[i]! + next[i + 1]!) / 3);
    previous = out[i]!;
  }
  return out;
}

function method6(p: readonly Precision[], context: SmoothingContext): number[] {
  if (p.length < 3) throw new MetricOptionError(`bleu: smoothing method6 needs at least 3 n-gram orders; got ${p.length}`);
  if (p[2]!.numerator === 0) throw new MetricInputError('bleu: smoothing method6 needs a non-zero trigram precision (NLTK asserts it)');
  const out = p.map(value);
  for (let i = 2; i < p.length; i++) {
    const prior = out[i - 2] === 0 ? 0 : out[i - 1]! ** 2 / out[i - 2]!;
    // NLTK counts l on the last hypothesis only, while m is the corpus numerator.
    const ngrams = Math.max(0, context.lastHypothesisLength - i);
    out[i] = (p[i]!.numerator + context.alpha * prior) / (ngrams + context.alpha);
  }
  return out;
}

/** The smoothed precisions; an entry left at 0 is skipped in BLEU's weighted log-sum. */
export function smoothPrecisions(method: BleuSmoothing, p: readonly Precision[], context: SmoothingContext): number[] {
  switch (method) {
    case 'none':
    case 'method0':
      return p.map((q) => (q.numerator !== 0 ? value(q) : FLOAT_MIN));
    case 'method1':
      return p.map((q) => (q.numerator === 0 ? (q.numerator + context.epsilon) / q.denominator : value(q)));
    case 'method2':
      // NLTK 3.8 adds one to every order except the unigrams.
      return p.map((q, i) => (i === 0 ? value(q) : (q.numerator + 1) / (q.denominator + 1)));
    case 'method3':
      return method3(p);
    case 'method4':
      return method4(p, context);
    case 'method5':
      return method5(p.map(value), context);
    case 'method6':
      return method6(p, context);
    case 'method7':
      return method5(method4(p, context), context);
    default:
      throw new MetricOptionError(`bleu: smoothing must be one of ${BLEU_SMOOTHINGS.join(', ')}; got '${String(method)}'`);
  }
}
