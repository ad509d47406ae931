// tokenizer.json: the Hugging Face layout, save → load → identical encodings, and FormatErrors
// that name the file and the JSON path for each kind of bad file.

import { describe, expect, it } from 'vitest';
import { BPE } from './bpe.js';
import { FormatError } from './errors.js';

const corpus = ['the whale, the white whale!', 'Call me Ishmael. 循环神经网络 😀😀', 'the sea the sea'];
const bpe = BPE.trainSync(corpus, { vocabSize: 256 + 40, minFrequency: 2, specials: ['<|endoftext|>'] });
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fresh = (): Json => JSON.parse(JSON.stringify(bpe));

describe('tokenizer.json', () => {
  it('writes the Hugging Face byte-level BPE layout', () => {
    const json = fresh();
    expect(json.version).toBe('1.0');
    expect(json.model.type).toBe('BPE');
    expect(json.model.merges[0]).toBe(bpe.merges[0]!.join(' '));
    expect(json.model.merges).toHaveLength(bpe.merges.length);
    expect(json.model.vocab['<|endoftext|>']).toBe(0);
    expect(json.model.vocab['Ġ']).toBe(bpe.tokenToId('Ġ'));
    expect(json.added_tokens).toEqual([
      { id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ]);
    expect(json.pre_tokenizer).toEqual({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true });
    expect(json.decoder.type).toBe('ByteLevel');
    expect(json.normalizer).toBeNull();
  });

  it('loads back to the same merges, vocab and encodings', () => {
    const loaded = BPE.fromJSON(JSON.stringify(bpe));
    expect(loaded.merges).toEqual(bpe.merges);
    expect(Object.fromEntries(loaded.vocab)).toEqual(Object.fromEntries(bpe.vocab));
    const text = 'The whale<|endoftext|>循环 😀 ISHMAEL\u0000\uD800';
    expect(Array.from(loaded.encode(text))).toEqual(Array.from(bpe.encode(text)));
    expect(loaded.decode(loaded.encode(text))).toBe(text);
  });

  it('also reads merges written as ["left", "right"] pairs (tokenizers >= 0.20)', () => {
    const json = fresh();
    json.model.merges = json.model.merges.map((merge: string) => merge.split(' '));
    expect(BPE.fromJSON(json).merges).toEqual(bpe.merges);
  });

  const firstMerged = bpe.merges[0]!.join('');
  const bad: [string, (json: Json) => void, string | RegExp][] = [
    ['a merge without a space', (j) => (j.model.merges[12] = 'abc'), 'tokenizer.json: model.merges[12] must be "left right", got "abc"'],
    [
      'a merge of unknown tokens',
      (j) => (j.model.merges[3] = 'zq y'),
      'tokenizer.json: model.merges[3] must be a merge of vocabulary tokens ("zq" is not one), got "zq y"',
    ],
    ['no merges', (j) => delete j.model.merges, 'tokenizer.json: model.merges must be an array, got nothing'],
    ['no model', (j) => delete j.model, 'tokenizer.json: model must be an object, got nothing'],
    ['another model type', (j) => (j.model.type = 'WordPiece'), 'tokenizer.json: model.type must be "BPE", got "WordPiece"'],
    ['a negative id', (j) => (j.model.vocab.x = -1), 'tokenizer.json: model.vocab.x must be a non-negative integer id, got -1'],
    [
      'a missing byte symbol',
      (j) => delete j.model.vocab['Ċ'],
      'tokenizer.json: model.vocab["Ċ"] must be present: it stands for byte 10, got nothing',
    ],
    ['a shared id', (j) => (j.model.vocab[firstMerged] = j.model.vocab.a), /model\.vocab\[?.*must be the id of no other token/],
    ['a merge result missing from the vocab', (j) => delete j.model.vocab[firstMerged], `is in model.vocab`],
    [
      'a non-byte-level token',
      (j) => (j.model.vocab['鲸'] = 9999),
      'tokenizer.json: model.vocab["鲸"] must be a token spelled in byte-level symbols (or an added token), got "鲸"',
    ],
    [
      'a normalizer',
      (j) => (j.normalizer = { type: 'NFC' }),
      'tokenizer.json: normalizer must be null (normalizers are not supported), got {"type":"NFC"}',
    ],
    [
      'another pre-tokenizer',
      (j) => (j.pre_tokenizer = { type: 'Whitespace' }),
      'tokenizer.json: pre_tokenizer.type must be "ByteLevel", got "Whitespace"',
    ],
    [
      'a non-boolean flag',
      (j) => (j.pre_tokenizer.add_prefix_space = 'yes'),
      'tokenizer.json: pre_tokenizer.add_prefix_space must be true or false, got "yes"',
    ],
    ['no decoder', (j) => delete j.decoder, 'tokenizer.json: decoder must be an object, got nothing'],
    ['dropout', (j) => (j.model.dropout = 0.1), 'tokenizer.json: model.dropout must be null (BPE dropout is not supported), got 0.1'],
    [
      'an added token without content',
      (j) => delete j.added_tokens[0].content,
      'tokenizer.json: added_tokens[0].content must be a string, got nothing',
    ],
    [
      'an added token with another id',
      (j) => (j.added_tokens[0].id = 7),
      /added_tokens\[0\]\.id must be 0, the id model\.vocab gives "<\|endoftext\|>", got 7/,
    ],
    ['added_tokens not a list', (j) => (j.added_tokens = {}), 'tokenizer.json: added_tokens must be an array, got {}'],
  ];
  it.each(bad)('rejects %s with a FormatError naming the field', (_, mutate, message) => {
    const json = fresh();
    mutate(json);
    expect(() => BPE.fromJSON(json)).toThrow(FormatError);
    expect(() => BPE.fromJSON(json)).toThrow(message);
  });

  it('locates syntax errors by line and column and uses the given file name', () => {
    const text = JSON.stringify(bpe, null, 2).replace('"merges": [', '"merges": [,');
    const line = text.slice(0, text.indexOf('"merges": [,')).split('\n').length;
    expect(() => BPE.fromJSON(text, 'gpt.json')).toThrow(new RegExp(`^gpt\\.json: not valid JSON at line ${line}, column \\d+`));
  });
});

describe('tokenizer.json on hostile input', () => {
  it('values nested 5,000 levels deep (a 10 KB file) are FormatErrors, not stack overflows', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const good = JSON.stringify(BPE.trainSync(['hello world'], { vocabSize: 270 }));
    const cases = [
      good.replace('"merges":[', `"merges":[${deep},`),
      good.replace(/"version":"[^"]*"/, `"version":${deep}`),
      good.replace('"type":"BPE"', `"type":${deep}`),
      good.replace('"added_tokens":[]', `"added_tokens":${deep}`),
      good.replace('"dropout":null', `"dropout":${deep}`),
      deep,
      '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    ];
    for (const text of cases) {
      expect(text).not.toBe(good);
      expect(() => BPE.fromJSON(text)).toThrow(FormatError);
    }
    expect(() => BPE.fromJSON(cases[1]!)).toThrow(/tokenizer\.json: version must be a string, got \[\[\[\[/);
  });
});
