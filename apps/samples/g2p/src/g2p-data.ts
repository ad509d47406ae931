// CMUdict words for g2p: which entries are used (first pronunciation, letters A–Z and '), the
// phoneme spelling (stress digits kept or dropped) and how a typed word is checked. The two
// vocabularies live in g2p-vocab.ts, which the browser entry can load without this file's imports.

import type { CmudictRecord } from '@recur/datasets/corpora/cmudict';
import { mulberry32, permutation } from '@recur/datasets';
import { InputError } from '@recur/sample-core';
import { MAX_PREDICT_LETTERS, WORD_PATTERN, type G2pPair } from './g2p-vocab.js';

export { G2pVocab, MAX_PREDICT_LETTERS, WORD_PATTERN, type G2pExample, type G2pPair } from './g2p-vocab.js';

/** `AH0` → `AH` without stress; as written with it. */
export const phonemeSpelling = (phoneme: string, stress: boolean): string => (stress ? phoneme : phoneme.replace(/\d$/, ''));

/**
 * The dictionary entries a g2p model learns from: the first pronunciation of each word spelled
 * with letters and apostrophes only (abbreviations with '.', hyphenated compounds and numbers
 * are left out), optionally no longer than `maxLength` letters and phonemes.
 */
export function g2pPairs(records: readonly CmudictRecord[], options: { stress: boolean; maxLength?: number }): G2pPair[] {
  const limit = options.maxLength ?? Infinity;
  return records
    .filter((r) => r.variant === 0 && WORD_PATTERN.test(r.word) && r.word.length <= limit && r.phonemes.length <= limit)
    .map((r) => ({ word: r.word, phonemes: r.phonemes.map((p) => phonemeSpelling(p, options.stress)) }));
}

/** A seeded sample of `limit` items in their original order; all of them when limit is 0. */
export function sample<T>(items: readonly T[], limit: number, seed: number): T[] {
  if (limit === 0 || limit >= items.length) return [...items];
  return permutation(items.length, mulberry32(seed))
    .slice(0, limit)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

/**
 * A word typed by a user → its spelling as the dictionary writes it (upper case). Throws an
 * InputError naming what was expected and what came.
 */
export function normalizeWord(input: string): string {
  const word = input.trim().toUpperCase();
  if (word === '') throw new InputError("input: expected a word spelled with letters A–Z (and '), got an empty line");
  if (!WORD_PATTERN.test(word)) {
    throw new InputError(`input: expected one word spelled with letters A–Z (and '), got ${JSON.stringify(input.trim())}`);
  }
  if (word.length > MAX_PREDICT_LETTERS) throw new InputError(`input: expected at most ${MAX_PREDICT_LETTERS} letters, got ${word.length}`);
  return word;
}
