// Vocab: the seed's specials, counting rules (minFreq, maxSize, tie order), encode/decode, JSON.

import { describe, expect, it } from 'vitest';
import { FormatError, TokenizerError } from './errors.js';
import { Vocab } from './vocab.js';

const texts = ['I love this movie', 'This is a bad film'];
const words = (text: string): string[] => text.toLowerCase().split(/\s+/);

describe('Vocab', () => {
  it('puts <PAD> at 0 and <UNK> at 1 and maps unknown words to UNK, as the seed does', () => {
    const vocab = Vocab.build(texts.map(words));
    expect(vocab.tokenOf(0)).toBe('<PAD>');
    expect(vocab.tokenOf(1)).toBe('<UNK>');
    expect(vocab.padId).toBe(0);
    expect(vocab.unkId).toBe(1);
    expect(Array.from(vocab.encode(['this', 'whale']))).toEqual([vocab.idOf('this'), 1]);
    expect(vocab.idOf('whale')).toBe(1);
    expect(vocab.has('whale')).toBe(false);
  });

  it('orders by frequency, equal counts by first occurrence', () => {
    const vocab = Vocab.build([
      ['b', 'a', 'c', 'a'],
      ['d', 'c', 'b', 'a'],
    ]);
    // a:3, then b and c (2 each, b seen first), then d.
    expect(vocab.tokens()).toEqual(['<PAD>', '<UNK>', 'a', 'b', 'c', 'd']);
  });

  it('drops tokens below minFreq and caps the size with specials included', () => {
    const sequences = [['x', 'x', 'x', 'y', 'y', 'z', 'w']];
    expect(Vocab.build(sequences, { minFreq: 2 }).tokens()).toEqual(['<PAD>', '<UNK>', 'x', 'y']);
    const capped = Vocab.build(sequences, { maxSize: 4, bos: true });
    expect(capped.tokens()).toEqual(['<PAD>', '<UNK>', '<BOS>', 'x']);
    expect(capped.size).toBe(4);
    expect(() => Vocab.build(sequences, { maxSize: 2, bos: true })).toThrow(TokenizerError);
    expect(() => Vocab.build(sequences, { minFreq: -1 })).toThrow(/minFreq/);
  });

  it('reserves <BOS> and <EOS> when asked and adds them on encode', () => {
    const vocab = Vocab.build([['hi']], { bos: true, eos: true });
    expect([vocab.bosId, vocab.eosId]).toEqual([2, 3]);
    expect(Array.from(vocab.encode(['hi'], { addBos: true, addEos: true }))).toEqual([2, 4, 3]);
    expect(vocab.decode([2, 4, 0, 3], { skipSpecials: true })).toEqual(['hi']);
    expect(vocab.decode([2, 4, 1, 3])).toEqual(['<BOS>', 'hi', '<UNK>', '<EOS>']);
    const plain = Vocab.build([['hi']]);
    expect(plain.bosId).toBeUndefined();
    expect(() => plain.encode(['hi'], { addEos: true })).toThrow(/<EOS>.*without it/);
  });

  it('keeps corpus words spelled like specials from becoming a second id', () => {
    const vocab = Vocab.build([['<BOS>', '<PAD>', 'a']]);
    expect(vocab.tokens()).toEqual(['<PAD>', '<UNK>', 'a']);
    expect(vocab.idOf('<BOS>')).toBe(1);
  });

  it('throws on ids outside the vocabulary', () => {
    const vocab = new Vocab(['a']);
    expect(() => vocab.decode([0, 3])).toThrow(/id 3 is outside the vocabulary \[0, 3\)/);
  });

  it('builds from an async stream the same as from a sync one', async () => {
    async function* stream(): AsyncGenerator<string[]> {
      for (const text of texts) yield words(text);
    }
    const fromAsync = await Vocab.buildAsync(stream(), { minFreq: 1 });
    expect(fromAsync.tokens()).toEqual(Vocab.build(texts.map(words)).tokens());
  });

  it('round-trips through JSON', () => {
    const vocab = Vocab.build(texts.map(words), { eos: true });
    const copy = Vocab.fromJSON(JSON.stringify(vocab));
    expect(copy.tokens()).toEqual(vocab.tokens());
    expect(copy.eosId).toBe(2);
    expect(copy.bosId).toBeUndefined();
    expect(Array.from(copy.encode(['bad', 'zebra']))).toEqual(Array.from(vocab.encode(['bad', 'zebra'])));
  });

  const good = (): Record<string, unknown> => ({
    version: 1,
    tokens: ['<PAD>', '<UNK>', '<BOS>', 'a', 'b'],
    specials: { pad: 0, unk: 1, bos: 2 },
  });
  const bad: [string, (json: Record<string, unknown>) => unknown, RegExp][] = [
    ['wrong version', (j) => ({ ...j, version: 2 }), /^vocab\.json: version must be 1, got 2$/],
    ['missing tokens', ({ tokens: _, ...j }) => j, /tokens must be an array, got nothing/],
    ['a non-string token', (j) => ({ ...j, tokens: ['<PAD>', '<UNK>', '<BOS>', 7] }), /tokens\[3\] must be a string, got 7/],
    [
      'a duplicate token',
      (j) => ({ ...j, tokens: ['<PAD>', '<UNK>', '<BOS>', 'a', 'a'] }),
      /tokens\[4\] must be unique \(tokens\[3\] is the same\)/,
    ],
    ['pad not at 0', (j) => ({ ...j, specials: { pad: 3, unk: 1 } }), /specials\.pad must be 0, got 3/],
    ['unk spelled wrong', (j) => ({ ...j, tokens: ['<PAD>', 'UNK', '<BOS>'] }), /tokens\[1\] must be "<UNK>", got "UNK"/],
    ['bos id out of range', (j) => ({ ...j, specials: { pad: 0, unk: 1, bos: 9 } }), /tokens\[9\] must be "<BOS>", got nothing/],
    ['an undeclared special', (j) => ({ ...j, specials: { pad: 0, unk: 1 } }), /tokens\[2\] must be a non-special token, got "<BOS>"/],
    ['not an object', () => [1, 2], /the top level must be an object, got \[1,2\]/],
  ];
  it.each(bad)('rejects %s with a FormatError naming the field', (_, mutate, message) => {
    expect(() => Vocab.fromJSON(mutate(good()))).toThrow(FormatError);
    expect(() => Vocab.fromJSON(mutate(good()))).toThrow(message);
  });

  it('reports JSON syntax errors with a line and column', () => {
    expect(() => Vocab.fromJSON('{\n  "version": 1,\n  "tokens": [,]\n}')).toThrow(/^vocab\.json: not valid JSON at line 3, column 14/);
  });
});

describe('Vocab.fromJSON on hostile input', () => {
  it('a value nested 5,000 levels deep (a 10 KB file) is a FormatError, not a stack overflow', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    for (const text of [
      `{"version":1,"tokens":${deep},"specials":{"pad":0,"unk":1}}`,
      `{"version":${deep},"tokens":[],"specials":{"pad":0,"unk":1}}`,
      `{"version":1,"tokens":["<PAD>","<UNK>"],"specials":{"pad":${deep},"unk":1}}`,
      deep,
    ]) {
      expect(text.length).toBeLessThan(11_000);
      expect(() => Vocab.fromJSON(text)).toThrow(FormatError);
    }
    expect(() => Vocab.fromJSON(`{"version":${deep}}`)).toThrow(/vocab\.json: version must be 1, got \[\[\[\[\[\[\[\[/);
  });
});
