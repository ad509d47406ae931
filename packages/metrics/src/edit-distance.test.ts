// Edit distance and error rates: classic distances, code points vs UTF-16, substitution cost and
// transpositions (NLTK), WER/CER/PER per pair and corpus (Σd / ΣN), streaming, typed errors.

import { describe, expect, it } from 'vitest';
import {
  ErrorRateAccumulator,
  MetricInputError,
  MetricOptionError,
  MetricShapeError,
  charErrorRate,
  corpusErrorRate,
  editDistance,
  errorRate,
  phonemeErrorRate,
  wordErrorRate,
} from './index.js';

describe('editDistance', () => {
  it('classic cases', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance(['the', 'cat'], ['the', 'cat'])).toBe(0);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(editDistance('a😀', 'a')).toBe(1);
    expect('a😀'.length - 'a'.length).toBe(2);
  });

  it('substitutionCost 2 makes a substitution as dear as a deletion plus an insertion', () => {
    expect(editDistance('ab', 'ac', { substitutionCost: 2 })).toBe(2);
    expect(editDistance('abc', 'xyz', { substitutionCost: 0.5 })).toBe(1.5);
  });

  it('transpositions count a swap as one edit (a swap is two edits without them)', () => {
    expect(editDistance('ab', 'ba')).toBe(2);
    expect(editDistance('ab', 'ba', { transpositions: true })).toBe(1);
    expect(editDistance('ca', 'abc', { transpositions: true })).toBe(2);
    expect(editDistance('kitten', 'sitting', { transpositions: true })).toBe(3);
  });
});

describe('error rates', () => {
  it('WER splits strings on whitespace; the rate can exceed 1', () => {
    expect(wordErrorRate('the cat  sat', 'the cat sat down')).toEqual({ distance: 1, referenceLength: 3, rate: 1 / 3 });
    expect(wordErrorRate(['go', 'home'], words('please go to your home now')).rate).toBe(2);
  });

  it('CER counts code points of the reference', () => {
    expect(charErrorRate('café', 'cafe')).toEqual({ distance: 1, referenceLength: 4, rate: 0.25 });
    expect(charErrorRate('a😀', 'a')).toEqual({ distance: 1, referenceLength: 2, rate: 0.5 });
    expect(charErrorRate('lstm', '').rate).toBe(1);
  });

  it('PER compares whole phoneme symbols (stress digits included)', () => {
    expect(phonemeErrorRate(['HH', 'AH0', 'L', 'OW1'], ['HH', 'AH1', 'L', 'OW1'])).toEqual({ distance: 1, referenceLength: 4, rate: 0.25 });
  });

  it('corpus rate is Σ distances / Σ reference lengths, not the mean of per-pair rates', () => {
    const references = [words('a b'), words('a b c d e f g h')];
    const hypotheses = [words('x y'), words('a b c d e f g h')];
    expect(corpusErrorRate(references, hypotheses)).toEqual({ distance: 2, referenceLength: 10, rate: 0.2 });
    expect((errorRate(references[0]!, hypotheses[0]!).rate + errorRate(references[1]!, hypotheses[1]!).rate) / 2).toBe(0.5);
  });

  it('the accumulator over batches equals the one-shot corpus rate', () => {
    const references = ['hello world', 'recurrent network', 'kitten', 'x'];
    const hypotheses = ['helloworld', 'recurent netwrok', 'sitting', 'x y'];
    const accumulator = new ErrorRateAccumulator({ unit: 'char' }).update(references.slice(0, 1), hypotheses.slice(0, 1));
    accumulator.update([], []).update(references.slice(1), hypotheses.slice(1));
    expect(accumulator.compute()).toEqual(corpusErrorRate(references, hypotheses, { unit: 'char' }));
    expect(accumulator.compute()).toEqual({ distance: 1 + 3 + 3 + 2, referenceLength: 11 + 17 + 6 + 1, rate: 9 / 35 });
    expect(new ErrorRateAccumulator({ unit: 'word' }).update(references, hypotheses).compute().referenceLength).toBe(6);
  });
});

describe('errors', () => {
  it('an empty reference makes a per-pair rate undefined', () => {
    expect(() => wordErrorRate('', 'a')).toThrow(MetricInputError);
    expect(() => corpusErrorRate([''], ['a'])).toThrow(MetricInputError);
    // ...but a corpus with other tokens is fine.
    expect(corpusErrorRate(['', 'ab'], ['a', 'ab'])).toEqual({ distance: 1, referenceLength: 2, rate: 0.5 });
  });

  it('mismatched pair counts are a MetricShapeError', () => {
    expect(() => corpusErrorRate(['a'], ['a', 'b'])).toThrow(MetricShapeError);
  });

  it('a negative substitution cost or an unknown unit is a MetricOptionError', () => {
    expect(() => editDistance('a', 'b', { substitutionCost: -1 })).toThrow(MetricOptionError);
    expect(() => new ErrorRateAccumulator({ unit: 'byte' as 'char' })).toThrow(MetricOptionError);
  });
});

function words(s: string): string[] {
  return s.split(' ');
}
