// Hugging Face `tokenizer.json` for byte-level BPE: what `BPE.toJSON` writes and the checked
// reader behind `BPE.fromJSON`, whose FormatErrors name the file and the JSON path.

import type { AddedToken } from './added-tokens.js';
import type { BpeModel, ModelReport } from './bpe.js';
import {
  at,
  child,
  expectArray,
  expectBoolean,
  expectId,
  expectObject,
  expectString,
  fail,
  field,
  type JsonLocation,
} from './json-validate.js';
import { parseJsonText } from './json-text.js';

interface ByteLevelConfig {
  type: 'ByteLevel';
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

/** The tokenizer.json layout written for a byte-level BPE (the one GPT-2's file uses). */
export interface TokenizerJSON {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: {
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }[];
  normalizer: null;
  pre_tokenizer: ByteLevelConfig;
  post_processor: ByteLevelConfig;
  decoder: ByteLevelConfig;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

/** The parts of a model needed to write it. */
export interface WritableBpe {
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly (readonly [string, string])[];
  readonly addedTokens: readonly AddedToken[];
  readonly addPrefixSpace: boolean;
  readonly useRegex: boolean;
  readonly ignoreMerges: boolean;
}

export function writeTokenizerJSON(bpe: WritableBpe): TokenizerJSON {
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean): ByteLevelConfig => ({
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: bpe.useRegex,
  });
  const vocab: Record<string, number> = {};
  for (const [token, id] of [...bpe.vocab].sort((a, b) => a[1] - b[1])) vocab[token] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: bpe.addedTokens.map((token) => ({
      id: token.id,
      content: token.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: token.special,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel(bpe.addPrefixSpace, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: bpe.ignoreMerges,
      // A space never occurs in a byte-level token (it is spelled Ġ), so "left right" is unambiguous.
      vocab,
      merges: bpe.merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

/**
 * Check a parsed (or textual) tokenizer.json and return the model plus a reporter that turns the
 * model's own consistency errors into FormatErrors for the same file.
 */
export function readTokenizerJSON(json: unknown, source: string): { model: BpeModel; report: ModelReport } {
  const root = at(source, '');
  const top = expectObject(typeof json === 'string' ? parseJsonText(json, source) : json, root);
  const [version, versionAt] = field(top, 'version', root);
  if (version !== undefined) expectString(version, versionAt);
  const [normalizer, normalizerAt] = field(top, 'normalizer', root);
  if (normalizer !== undefined && normalizer !== null) fail(normalizerAt, 'null (normalizers are not supported)', normalizer);

  const preTokenizer = byteLevelConfig(top, 'pre_tokenizer', root);
  byteLevelConfig(top, 'decoder', root);
  const [postProcessor, postAt] = field(top, 'post_processor', root);
  if (postProcessor !== undefined && postProcessor !== null) {
    // Post-processors only add template tokens (BOS/EOS) or fix offsets; encode returns bare ids.
    const [type, typeAt] = field(expectObject(postProcessor, postAt), 'type', postAt);
    expectString(type, typeAt);
  }

  const [modelValue, modelAt] = field(top, 'model', root);
  const model = expectObject(modelValue, modelAt);
  const [type, typeAt] = field(model, 'type', modelAt);
  if (type !== 'BPE') fail(typeAt, '"BPE"', type);
  const [dropout, dropoutAt] = field(model, 'dropout', modelAt);
  if (dropout !== undefined && dropout !== null && dropout !== 0) fail(dropoutAt, 'null (BPE dropout is not supported)', dropout);
  const [byteFallback, byteFallbackAt] = field(model, 'byte_fallback', modelAt);
  if (byteFallback !== undefined && byteFallback !== false) fail(byteFallbackAt, 'false (byte-level BPE needs no fallback)', byteFallback);
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix']) {
    const [value, valueAt] = field(model, key, modelAt);
    if (value !== undefined && value !== null && value !== '') fail(valueAt, 'null (not used by byte-level BPE)', value);
  }
  const [ignoreMerges, ignoreMergesAt] = field(model, 'ignore_merges', modelAt);

  const [vocabValue, vocabAt] = field(model, 'vocab', modelAt);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(expectObject(vocabValue, vocabAt))) {
    vocab.set(token, expectId(id, at(source, child(vocabAt.path, token))));
  }
  const [mergesValue, mergesAt] = field(model, 'merges', modelAt);
  const merges = expectArray(mergesValue, mergesAt).map((merge, i) => readMerge(merge, at(source, `${mergesAt.path}[${i}]`)));

  const [addedValue, addedAt] = field(top, 'added_tokens', root);
  const addedTokens =
    addedValue === undefined
      ? []
      : expectArray(addedValue, addedAt).map((entry, i) => readAddedToken(entry, at(source, `${addedAt.path}[${i}]`)));

  return {
    model: {
      vocab,
      merges,
      addedTokens,
      addPrefixSpace: preTokenizer.addPrefixSpace,
      useRegex: preTokenizer.useRegex,
      ignoreMerges: ignoreMerges === undefined ? false : expectBoolean(ignoreMerges, ignoreMergesAt),
    },
    report: (path, expected, got) => fail(at(source, path), expected, got),
  };
}

function byteLevelConfig(top: Record<string, unknown>, key: string, root: JsonLocation): { addPrefixSpace: boolean; useRegex: boolean } {
  const [value, where] = field(top, key, root);
  const config = expectObject(value, where);
  const [type, typeAt] = field(config, 'type', where);
  if (type !== 'ByteLevel') fail(typeAt, '"ByteLevel"', type);
  const flag = (name: string, fallback: boolean): boolean => {
    const [flagValue, flagAt] = field(config, name, where);
    return flagValue === undefined ? fallback : expectBoolean(flagValue, flagAt);
  };
  flag('trim_offsets', true);
  return { addPrefixSpace: flag('add_prefix_space', false), useRegex: flag('use_regex', true) };
}

// Older files write "left right"; tokenizers >= 0.20 writes ["left", "right"]. Both are read.
function readMerge(merge: unknown, where: JsonLocation): [string, string] {
  if (typeof merge === 'string') {
    const [left, right, ...rest] = merge.split(' ');
    if (left && right && rest.length === 0) return [left, right];
  } else if (Array.isArray(merge) && merge.length === 2 && merge.every((part) => typeof part === 'string' && part !== '')) {
    return [merge[0] as string, merge[1] as string];
  }
  return fail(where, '"left right"', merge);
}

function readAddedToken(entry: unknown, where: JsonLocation): AddedToken {
  const token = expectObject(entry, where);
  const [id, idAt] = field(token, 'id', where);
  const [content, contentAt] = field(token, 'content', where);
  const [special, specialAt] = field(token, 'special', where);
  // Matching is by exact content; the stripping flags are checked for type but not applied.
  for (const flag of ['single_word', 'lstrip', 'rstrip', 'normalized']) {
    const [value, valueAt] = field(token, flag, where);
    if (value !== undefined) expectBoolean(value, valueAt);
  }
  return {
    id: expectId(id, idAt),
    content: expectString(content, contentAt),
    special: special === undefined ? false : expectBoolean(special, specialAt),
  };
}
