// GPT-2's byte ↔ character table and split pattern.

import { describe, expect, it } from 'vitest';
import { BYTE_ALPHABET, BYTE_TO_CHAR, bytesToSymbols, preTokenize, symbolsToBytes } from './byte-level.js';

describe('byte-level table', () => {
  it('matches GPT-2: printable bytes stand for themselves, the rest shift to U+0100 and up', () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ');
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ');
    expect(BYTE_TO_CHAR[0x00]).toBe('Ā');
    expect(BYTE_TO_CHAR[0xad]).toBe('Ń');
    expect(BYTE_ALPHABET.slice(0, 3)).toEqual([0x21, 0x22, 0x23]);
    expect(BYTE_ALPHABET[255]).toBe(0xad);
  });

  it('maps bytes to symbols and back, and rejects characters that stand for no byte', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(symbolsToBytes(bytesToSymbols(bytes))!)).toEqual(Array.from(bytes));
    expect(symbolsToBytes('a中')).toBeUndefined();
  });
});

describe('preTokenize', () => {
  it('splits like GPT-2: contractions, space-led words, digits, punctuation, spaces', () => {
    expect(preTokenize("Hello world's  2024 ok!!\n", true)).toEqual(['Hello', ' world', "'s", ' ', ' 2024', ' ok', '!!', '\n']);
    expect(preTokenize('a  b', false)).toEqual(['a  b']);
    expect(preTokenize('', true)).toEqual([]);
  });

  it('uses Unicode White_Space, not JS \\s (U+0085 is a space, U+FEFF is not)', () => {
    // With JS \s these would split as ['a', ' \u0085', 'b'] and [' ', '\uFEFF', 'b'].
    expect(preTokenize('a \u0085b', true)).toEqual(['a', ' ', '\u0085', 'b']);
    expect(preTokenize(' \uFEFFb', true)).toEqual([' \uFEFF', 'b']);
  });

  it('covers every code unit, lone surrogates included', () => {
    const text = 'x\uD800 \uDC00y😀 中文';
    expect(preTokenize(text, true).join('')).toBe(text);
  });
});
