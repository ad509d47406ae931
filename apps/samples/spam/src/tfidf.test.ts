import { describe, expect, it } from 'vitest';
import { TfidfVectorizer, nGrams } from './tfidf.js';

describe('nGrams', () => {
  it('lists unigrams then bigrams in order', () => {
    expect(nGrams(['a', 'b', 'c'], 2)).toEqual(['a', 'b', 'c', 'a b', 'b c']);
    expect(nGrams(['a'], 2)).toEqual(['a']);
  });
});

describe('TfidfVectorizer', () => {
  it('weights raw counts by the smoothed idf and scales each document to unit length', () => {
    const v = new TfidfVectorizer(1);
    // n = 2 documents; df(a) = 2, df(b) = 1.
    const [first, second] = v.fitTransform([['a', 'a', 'b'], ['a']]);
    const idfA = Math.log(3 / 3) + 1;
    const idfB = Math.log(3 / 2) + 1;
    const raw = [2 * idfA, idfB];
    const norm = Math.hypot(...raw);
    expect(v.features).toBe(2);
    expect(Array.from(first!.indices)).toEqual([0, 1]);
    expect(first!.values[0]).toBeCloseTo(raw[0]! / norm, 15);
    expect(first!.values[1]).toBeCloseTo(raw[1]! / norm, 15);
    expect(Array.from(second!.values)).toEqual([1]);
  });

  it('ignores n-grams unseen in training and keeps indices sorted', () => {
    const v = new TfidfVectorizer(2);
    v.fitTransform([
      ['x', 'y'],
      ['y', 'z'],
    ]);
    const doc = v.transform(['z', 'y', 'q', 'x', 'y']);
    expect(Array.from(doc.indices)).toEqual([...doc.indices].sort((a, b) => a - b));
    // z, y, x and the bigram "x y" are known; "z y", "y q", "q x", "q" are not.
    expect(doc.indices.length).toBe(4);
    expect(doc.values.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
  });

  it('rejects use before fitting and empty training sets', () => {
    expect(() => new TfidfVectorizer(2).transform(['a'])).toThrow(/fitTransform first/);
    expect(() => new TfidfVectorizer(2).fitTransform([])).toThrow(/at least one document/);
    expect(() => new TfidfVectorizer(0)).toThrow(/positive integer, got 0/);
  });
});
