// The CMU Pronouncing Dictionary: record types, variants, symbol inventory, split sizes, and no
// word (with any of its pronunciations) in two parts.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadCmudict } from './cmudict.js';

let corpus: Awaited<ReturnType<typeof loadCmudict>>;

beforeAll(async () => {
  corpus = await loadCmudict();
}, 30_000);

describe('loadCmudict', () => {
  it('reads typed entries with variants and ARPAbet phonemes', () => {
    expect(corpus.all).toHaveLength(133_784);
    expect(corpus.all[0]).toEqual({ word: 'A', variant: 0, phonemes: ['AH0'] });
    expect(corpus.all[1]).toEqual({ word: 'A', variant: 1, phonemes: ['EY1'] });
    const symbols = new Set(corpus.symbols);
    expect(corpus.symbols).toHaveLength(85);
    expect(Object.keys(corpus.phones)).toHaveLength(39);
    const unknown = corpus.all.flatMap((record) => record.phonemes.filter((phoneme) => !symbols.has(phoneme)));
    expect(unknown).toEqual([]);
  });

  it('splits 107153 / 13283 / 13348 entries by word, keeping variants together', () => {
    expect([corpus.train.length, corpus.validation.length, corpus.test.length]).toEqual([107_153, 13_283, 13_348]);
    const words = [corpus.train, corpus.validation, corpus.test].map((part) => new Set(part.map((r) => r.word)));
    expect(words.map((set) => set.size)).toEqual([100_141, 12_384, 12_480]);
    expect(words[0]!.size + words[1]!.size + words[2]!.size).toBe(new Set(corpus.all.map((r) => r.word)).size);
  });
});
