// Char tokenizer: code points rather than UTF-16 units, and the exact join back.

import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';

describe('CharTokenizer', () => {
  it('splits by code point, keeping astral characters whole and lone surrogates as tokens', () => {
    const tokenizer = new CharTokenizer();
    expect(tokenizer.tokenize('a😀中\uD800b')).toEqual(['a', '😀', '中', '\uD800', 'b']);
    expect(tokenizer.tokenize('')).toEqual([]);
  });

  it('joins back exactly, and lower-cases when asked', () => {
    const text = 'RNN 循环\t😀e\u0301';
    expect(new CharTokenizer().detokenize(new CharTokenizer().tokenize(text))).toBe(text);
    const lower = new CharTokenizer({ lowercase: true });
    expect(lower.tokenize('AbC')).toEqual(['a', 'b', 'c']);
  });
});
