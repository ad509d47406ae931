// Tokenizer options from plain JavaScript: a misspelt key is a TokenizerError naming it.

import { describe, expect, it } from 'vitest';
import { BPE } from './bpe.js';
import { CharTokenizer } from './char-tokenizer.js';
import { TokenizerError } from './errors.js';
import { Vocab } from './vocab.js';
import { WordTokenizer } from './word-tokenizer.js';

const loose = <T>(value: unknown): T => value as T;

describe('unknown tokenizer options', () => {
  it('are a TokenizerError naming the key', () => {
    expect(() => new CharTokenizer(loose({ lowerCase: true }))).toThrow(TokenizerError);
    expect(() => new CharTokenizer(loose({ lowerCase: true }))).toThrow(
      "CharTokenizer: unknown option 'lowerCase' (did you mean 'lowercase'?)",
    );
    expect(() => new WordTokenizer(loose({ lower: true }))).toThrow(/WordTokenizer: unknown option 'lower'/);
    expect(() => new Vocab([], loose({ bos: true, pad: true }))).toThrow(/Vocab: unknown option 'pad'/);
    expect(() => Vocab.build([['a']], loose({ min_freq: 2 }))).toThrow(/did you mean 'minFreq'/);
    const vocab = Vocab.build([['a', 'b']], { bos: true, minFreq: 1 });
    expect(vocab.bosId).toBe(2);
    expect(() => vocab.encode(['a'], loose({ bos: true }))).toThrow(/Vocab.encode: unknown option 'bos'/);
    expect(() => vocab.decode([0], loose({ skip: true }))).toThrow(TokenizerError);
    expect(() => BPE.trainSync(['a b'], loose({ vocabSize: 300, min_frequency: 1 }))).toThrow(/did you mean 'minFrequency'/);
    const bpe = BPE.trainSync(['a b a b'], { vocabSize: 260 });
    expect(() => bpe.encode('a', loose({ specials: false }))).toThrow(TokenizerError);
    expect(() => bpe.decode([97], loose({ skip_specials: true }))).toThrow(/did you mean 'skipSpecials'/);
    expect(() => new CharTokenizer(loose(true))).toThrow(TokenizerError);
  });
});
