import { describe, expect, it } from 'vitest';
import { SegmentVocab, bioTags, taggedExamples, unigramRule, words } from './segment-data.js';
import { segmentMetrics } from './segment-run.js';

describe('segment data', () => {
  it('splits words, punctuation and digits; packs them without spaces into tagged examples', () => {
    expect(words("Call me Ishmael. Some years ago—don't 1851")).toEqual([
      'Call',
      'me',
      'Ishmael',
      '.',
      'Some',
      'years',
      'ago',
      '—',
      "don't",
      '1851',
    ]);
    const examples = taggedExamples('Call me Ishmael. Some years', 12);
    expect(examples.map((e) => e.text)).toEqual(['Callme', 'Ishmael.Some', 'years']);
    expect([...examples[0]!.tags]).toEqual([1, 0, 0, 0, 1, 0]);
    expect(bioTags(examples[0]!.tags)).toEqual(['B-W', 'I-W', 'I-W', 'I-W', 'B-W', 'I-W']);
  });

  it('the vocabulary reserves 0 and 1, maps rare characters to 1 and round-trips through JSON', () => {
    const vocab = SegmentVocab.fit(['aab', 'ab'], 2);
    expect(vocab.chars).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect([...vocab.encode('abz')]).toEqual([2, 3, 1]);
    expect(SegmentVocab.fromJSON(JSON.parse(JSON.stringify(vocab.toJSON())))!.chars).toEqual(vocab.chars);
    expect(SegmentVocab.fromJSON({ chars: ['x'] })).toBeNull();
  });

  it('the per-character rule and the chunk metrics', () => {
    const rule = unigramRule(taggedExamples('a cat. a dog.', 20));
    // 'a' begins two of its three words here, so the rule splits it off; 't', 'o', 'g' never begin one.
    expect([...rule('catdog.')]).toEqual([1, 1, 0, 1, 0, 0, 1]);
    expect(segmentMetrics([[1, 0, 1, 0]], [[1, 0, 1, 0]])).toEqual({ f1: 1, precision: 1, recall: 1 });
    expect(segmentMetrics([[1, 0, 1, 0]], [[1, 0, 0, 0]]).f1).toBe(0);
  });
});
