import { describe, expect, it } from 'vitest';
import { CharVocab, UNKNOWN_CHAR, unigramNll } from './charlm-text.js';

describe('CharVocab', () => {
  it('keeps characters seen minCount times, most frequent first; the rest map to id 0; JSON round-trips', () => {
    const vocab = CharVocab.fit('aaab bbz', 2);
    expect(vocab.chars).toEqual([UNKNOWN_CHAR, 'a', 'b']);
    expect([...vocab.encode('abz ')]).toEqual([1, 2, 0, 0]);
    expect(vocab.decode([1, 2, 0])).toBe(`ab${UNKNOWN_CHAR}`);
    const restored = CharVocab.fromJSON(JSON.parse(JSON.stringify(vocab.toJSON())))!;
    expect(restored.chars).toEqual(vocab.chars);
    expect(CharVocab.fromJSON(null)).toBeNull();
    expect(CharVocab.fromJSON({ chars: [1] })).toBeNull();
  });

  it('unigram NLLs are add-one smoothed probabilities that sum to one', () => {
    const nll = unigramNll(Int32Array.of(1, 1, 2), 3);
    const p = [...nll].map((x) => Math.exp(-x));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeCloseTo(3 / 6, 12);
  });
});
