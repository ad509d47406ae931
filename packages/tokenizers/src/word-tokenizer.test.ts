// Word tokenizer: Chinese from the seed, English punctuation, lower-casing, exact segmentation.

import { describe, expect, it } from 'vitest';
import { WordTokenizer } from './word-tokenizer.js';

describe('WordTokenizer', () => {
  const tokenizer = new WordTokenizer();

  it('makes each Han character a token and splits full-width punctuation (seed sentence)', () => {
    expect(tokenizer.tokenize('循环神经网络（RNN）是一类')).toEqual([
      '循',
      '环',
      '神',
      '经',
      '网',
      '络',
      '（',
      'RNN',
      '）',
      '是',
      '一',
      '类',
    ]);
    expect(tokenizer.tokenize('本文将系统介绍RNN的核心概念、常见变体。')).toEqual([
      '本',
      '文',
      '将',
      '系',
      '统',
      '介',
      '绍',
      'RNN',
      '的',
      '核',
      '心',
      '概',
      '念',
      '、',
      '常',
      '见',
      '变',
      '体',
      '。',
    ]);
  });

  it('splits kana per character and keeps Hangul words, which Korean separates by spaces', () => {
    expect(tokenizer.tokenize('ひらがなカタカナ')).toEqual(['ひ', 'ら', 'が', 'な', 'カ', 'タ', 'カ', 'ナ']);
    expect(tokenizer.tokenize('순환 신경망')).toEqual(['순환', '신경망']);
  });

  it('splits English punctuation into separate tokens and drops whitespace', () => {
    expect(tokenizer.tokenize("Call me Ishmael. Don't   stop,\n\t'whale'!")).toEqual([
      'Call',
      'me',
      'Ishmael',
      '.',
      'Don',
      "'",
      't',
      'stop',
      ',',
      "'",
      'whale',
      "'",
      '!',
    ]);
    expect(tokenizer.tokenize('3.14 km/h x_y')).toEqual(['3', '.', '14', 'km', '/', 'h', 'x', '_', 'y']);
  });

  it('keeps combining marks on their letter and emoji whole', () => {
    expect(tokenizer.tokenize('cafe\u0301 😀!')).toEqual(['cafe\u0301', '😀', '!']);
  });

  it('lower-cases when asked, like the seed text classifier', () => {
    const lower = new WordTokenizer({ lowercase: true });
    expect(lower.tokenize('I love This MOVIE')).toEqual(['i', 'love', 'this', 'movie']);
    const text = 'ΟΔΟΣ Straße İstanbul';
    expect(lower.detokenize(lower.segment(text))).toBe(text.toLowerCase());
  });

  it('records the whitespace so detokenize(segment(text)) is exact', () => {
    const text = '  Hello,\u00a0 world!\n\n循环 (RNN)\t';
    const segmentation = tokenizer.segment(text);
    expect(segmentation.tokens).toEqual(['Hello', ',', 'world', '!', '循', '环', '(', 'RNN', ')']);
    expect(segmentation.separators).toEqual(['  ', '', '\u00a0 ', '', '\n\n', '', ' ', '', '', '\t']);
    expect(tokenizer.detokenize(segmentation)).toBe(text);
    expect(tokenizer.segment('')).toEqual({ tokens: [], separators: [''] });
  });

  it('guesses readable spacing for bare tokens', () => {
    expect(tokenizer.detokenize(['Hello', ',', 'world', '!', '(', 'yes', ')'])).toBe('Hello, world! (yes)');
    expect(tokenizer.detokenize(tokenizer.tokenize('循环神经网络（RNN）是一类'))).toBe('循环神经网络（RNN）是一类');
  });
});
