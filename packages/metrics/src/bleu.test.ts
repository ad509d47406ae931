// BLEU as NLTK 3.8: hand-checked precisions, brevity penalty and smoothing methods 0-7, NLTK's own
// docstring values, corpus ≠ mean of sentences, streaming ≡ one-shot, typed errors.
// p_n the modified n-gram precision, c hypothesis length, r closest reference length.

import { describe, expect, it } from 'vitest';
import {
  BleuAccumulator,
  FLOAT_MIN,
  MetricInputError,
  MetricOptionError,
  MetricShapeError,
  brevityPenalty,
  closestReferenceLength,
  corpusBleu,
  modifiedPrecision,
  sentenceBleu,
  type BleuSmoothing,
} from './index.js';
import { mulberry32 } from '@recur/backend';
import { splitBatches } from './test-helpers.js';
import { expectClose } from '@recur/test-support';

const words = (s: string) => s.split(' ');

// h = a b c d, R = a b c e: p = 3/4, 2/3, 1/2, 0/1; c = r = 4 so BP = 1.
const reference = [words('a b c e')];
const hypothesis = words('a b c d');
const geometric = (...p: number[]) => Math.exp(p.reduce((s, v) => s + Math.log(v), 0) / p.length);

// NLTK's docstring example (SmoothingFunction.__init__ and sentence_bleu).
const h1 = words('It is a guide to action which ensures that the military always obeys the commands of the party');
const r1 = words('It is a guide to action that ensures that the military will forever heed Party commands');
const r2 = words('It is the guiding principle which guarantees the military forces always being under the command of the Party');
const r3 = words('It is the practical guide for the army always to heed the directions of the party');

describe('counting', () => {
  it('modified precision clips counts by the most occurrences in any one reference', () => {
    expect(
      modifiedPrecision([words('the cat is on the mat'), words('there is a cat on the mat')], words('the the the the the the the'), 1),
    ).toEqual({
      numerator: 2,
      denominator: 7,
    });
    // Fewer tokens than n: no n-grams, but the denominator is max(1, 0) = 1.
    expect(modifiedPrecision(reference, words('a b'), 3)).toEqual({ numerator: 0, denominator: 1 });
  });

  it('closest reference length: ties go to the shorter reference', () => {
    expect(closestReferenceLength([words('a b c'), words('a b c d e')], 4)).toBe(3);
    expect(closestReferenceLength([words('a b c d e f'), words('a b')], 5)).toBe(6);
  });

  it('brevity penalty: 1 if c > r, 0 if c = 0, else exp(1 - r/c)', () => {
    expect(brevityPenalty(5, 6)).toBe(1);
    expect(brevityPenalty(5, 0)).toBe(0);
    expect(brevityPenalty(6, 4)).toBe(Math.exp(1 - 6 / 4));
    expect(brevityPenalty(4, 4)).toBe(1);
  });
});

describe('sentence BLEU', () => {
  it('an identical hypothesis scores 1 with every smoothing but methods 5 and 7', () => {
    const same = words('the quick brown fox jumps');
    for (const smoothing of ['none', 'method0', 'method1', 'method2', 'method3', 'method4', 'method6'] as BleuSmoothing[]) {
      expect(sentenceBleu([same], same, { smoothing }), smoothing).toBe(1);
    }
    // NLTK's method5 starts from m = p_1 + 1, so all-ones precisions grow: 4/3, 10/9, 28/27, 82/81.
    const inflated = geometric(4 / 3, 10 / 9, 28 / 27, 82 / 81);
    expectClose(sentenceBleu([same], same, { smoothing: 'method5' }), inflated, { rtol: 1e-12 });
    expectClose(sentenceBleu([same], same, { smoothing: 'method7' }), inflated, { rtol: 1e-12 });
  });

  it('unsmoothed, a zero 4-gram precision leaves NLTK’s tiny float_info.min artefact', () => {
    const score = sentenceBleu(reference, hypothesis);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1e-70);
    expectClose(score, geometric(3 / 4, 2 / 3, 1 / 2, FLOAT_MIN), { rtol: 1e-12 });
    expectClose(sentenceBleu(reference, hypothesis, { weights: [0.5, 0.5] }), Math.sqrt(0.5), { rtol: 1e-12 });
  });

  it('smoothing methods 1-4 replace the zero order by hand-checked values', () => {
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method1' }), geometric(3 / 4, 2 / 3, 1 / 2, 0.1), { rtol: 1e-12 });
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method1', epsilon: 0.5 }), geometric(3 / 4, 2 / 3, 1 / 2, 0.5), {
      rtol: 1e-12,
    });
    // method2 (NLTK 3.8): (m+1)/(d+1) for every order but the unigrams.
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method2' }), geometric(3 / 4, 3 / 4, 2 / 3, 1 / 2), { rtol: 1e-12 });
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method3' }), geometric(3 / 4, 2 / 3, 1 / 2, 1 / 2), { rtol: 1e-12 });
    // method4: ln(c) / (2^j · k) / d with c = 4, j = 1, k = 5.
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method4' }), geometric(3 / 4, 2 / 3, 1 / 2, Math.log(4) / 10), {
      rtol: 1e-12,
    });
  });

  it('method5 averages neighbours (the order after the last is the 5-gram precision, here 0)', () => {
    const p = [3 / 4, 2 / 3, 1 / 2, 0, 0];
    const out: number[] = [];
    let previous = p[0]! + 1;
    for (let i = 0; i < 4; i++) previous = out[i] = (previous + p[i]! + p[i + 1]!) / 3;
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method5' }), geometric(...out), { rtol: 1e-12 });
  });

  it('method6 interpolates orders ≥ 3 with the prior p_{n-1}² / p_{n-2}', () => {
    const p3 = (1 + 5 * ((2 / 3) ** 2 / (3 / 4))) / (2 + 5); // m = 1, l = 4 - 2 n-grams
    const p4 = (0 + 5 * (p3 ** 2 / (2 / 3))) / (1 + 5);
    expectClose(sentenceBleu(reference, hypothesis, { smoothing: 'method6' }), geometric(3 / 4, 2 / 3, p3, p4), { rtol: 1e-12 });
  });

  it("matches NLTK's docstring values", () => {
    expect(sentenceBleu([r1, r2, r3], h1)).toBeCloseTo(0.5045666840058485, 12);
    const expected: Partial<Record<BleuSmoothing, number>> = {
      method0: 0.4118,
      method1: 0.4118,
      method3: 0.4118,
      method4: 0.4118,
      method5: 0.4905,
      method6: 0.4135,
      method7: 0.4905,
    };
    for (const [smoothing, value] of Object.entries(expected)) {
      expect(Math.floor(sentenceBleu([r1], h1, { smoothing: smoothing as BleuSmoothing }) * 1e4) / 1e4, smoothing).toBe(value);
    }
    expect(sentenceBleu([r1, r2, r3], h1, { weights: [0.1666, 0.1666, 0.1666, 0.1666, 0.1666] })).toBe(0.45838627164939455);
  });

  it('the brevity penalty uses the closest reference', () => {
    // p_n = 1 for all orders; c = 6, r = 9 (not 11).
    const refs = [words('we saw a small green house near the old river bank'), words('they saw a small green house by the river')];
    expectClose(sentenceBleu(refs, words('we saw a small green house')), Math.exp(1 - 9 / 6), { rtol: 1e-12 });
  });

  it('no unigram match, or an empty hypothesis, scores 0 whatever the smoothing', () => {
    expect(sentenceBleu(reference, words('x y z'), { smoothing: 'method1' })).toBe(0);
    expect(sentenceBleu(reference, [], { smoothing: 'method4' })).toBe(0);
  });

  it('autoReweigh spreads the default weights over c < 4 orders', () => {
    expect(sentenceBleu([words('a b')], words('a b'), { autoReweigh: true })).toBe(1);
    expect(sentenceBleu([words('a b')], words('a b'))).toBeLessThan(1e-70);
  });
});

describe('corpus BLEU and BleuAccumulator', () => {
  const pairs = [
    { refs: [r1, r2, r3], hyp: h1 },
    {
      refs: [words('he was interested in world history because he read the book')],
      hyp: words('he read the book because he was interested in world history'),
    },
  ];

  it("matches NLTK's corpus_bleu docstring and is not the mean of sentence scores", () => {
    const corpus = corpusBleu(
      pairs.map((p) => p.refs),
      pairs.map((p) => p.hyp),
    );
    expect(corpus).toBeCloseTo(0.5920778868801042, 12);
    const mean = (sentenceBleu(pairs[0]!.refs, pairs[0]!.hyp) + sentenceBleu(pairs[1]!.refs, pairs[1]!.hyp)) / 2;
    expect(mean).toBeCloseTo(0.6223, 4);
  });

  it('batches give bit-identical scores and stats to the one-shot call', () => {
    const random = mulberry32(3);
    const vocabulary = words('a b c d e f g');
    const sentence = () => Array.from({ length: 1 + Math.floor(random() * 9) }, () => vocabulary[Math.floor(random() * 7)]!);
    const refs = Array.from({ length: 30 }, () => [sentence(), sentence()]);
    const hyps = Array.from({ length: 30 }, sentence);
    const accumulator = new BleuAccumulator({ smoothing: 'method1' });
    const hypothesisBatches = splitBatches(hyps, [4, 0, 17]);
    splitBatches(refs, [4, 0, 17]).forEach((batch, b) => accumulator.update(batch, hypothesisBatches[b]!));
    expect(accumulator.sentences).toBe(30);
    for (const smoothing of ['none', 'method1', 'method2', 'method3', 'method4', 'method5', 'method7'] as BleuSmoothing[]) {
      expect(accumulator.compute({ smoothing }), smoothing).toBe(corpusBleu(refs, hyps, { smoothing }));
    }
    expect(accumulator.compute({ weights: [0.5, 0.5] })).toBe(corpusBleu(refs, hyps, { weights: [0.5, 0.5], smoothing: 'method1' }));
    const stats = accumulator.stats();
    expect(stats.hypothesisLength).toBe(hyps.reduce((s, h) => s + h.length, 0));
    expect(stats.precisions[0]).toBe(stats.numerators[0]! / stats.denominators[0]!);
  });
});

describe('errors', () => {
  it('hypotheses and reference lists of different lengths are a MetricShapeError', () => {
    expect(() => corpusBleu([reference], [hypothesis, hypothesis])).toThrow(MetricShapeError);
  });

  it('an empty corpus or a hypothesis without references is a MetricInputError', () => {
    expect(() => corpusBleu([], [])).toThrow(MetricInputError);
    expect(() => corpusBleu([[]], [hypothesis])).toThrow(/hypothesis 0 has no references/);
    const accumulator = new BleuAccumulator().update([reference], [hypothesis]);
    const before = accumulator.stats();
    expect(() => accumulator.update([reference, []], [hypothesis, hypothesis])).toThrow(/hypothesis 1 has no references/);
    expect(accumulator.stats()).toEqual(before);
  });

  it('bad options are MetricOptionErrors', () => {
    expect(() => sentenceBleu(reference, hypothesis, { smoothing: 'method9' as BleuSmoothing })).toThrow(MetricOptionError);
    expect(() => sentenceBleu(reference, hypothesis, { weights: [] })).toThrow(MetricOptionError);
    expect(() => sentenceBleu(reference, hypothesis, { weights: [0.5, 0.5], smoothing: 'method6' })).toThrow(/at least 3 n-gram orders/);
    expect(() =>
      new BleuAccumulator({ weights: [0.5, 0.5] }).update([reference], [hypothesis]).compute({ weights: [0.3, 0.3, 0.4] }),
    ).toThrow(/3 weights but only 2 n-gram orders were counted/);
  });

  it('method6 without trigram matches fails as NLTK asserts', () => {
    expect(() => sentenceBleu(reference, words('a b x c'), { smoothing: 'method6' })).toThrow(MetricInputError);
  });
});
