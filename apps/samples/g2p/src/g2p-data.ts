// CMUdict words for g2p: which entries are used (first pronunciation, letters A–Z and '), the
// phoneme spelling (stress digits kept or dropped), and the two vocabularies: letters (the
// encoder's input) and phonemes with <BOS>/<EOS> (the decoder's input and output).

import type { CmudictRecord } from '@recur/datasets/corpora/cmudict';
import { mulberry32, permutation } from '@recur/datasets';
import { InputError, type JsonValue } from '@recur/sample-core';
import { Vocab } from '@recur/tokenizers';

/** One word and its pronunciation, as the model and the metrics see them. */
export interface G2pPair {
  readonly word: string;
  readonly phonemes: readonly string[];
}

/** A pair with its ids: letters (no specials) and phonemes (no specials; the model adds them). */
export interface G2pExample extends G2pPair {
  readonly source: Int32Array;
  readonly target: Int32Array;
}

export const WORD_PATTERN = /^[A-Z']+$/;

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
  return permutation(items.length, mulberry32(seed)).slice(0, limit).sort((a, b) => a - b).map((i) => items[i]!);
}

/** The letter and phoneme vocabularies a run encodes with (saved in its checkpoints). */
export class G2pVocab {
  constructor(
    readonly letters: Vocab,
    readonly phonemes: Vocab,
  ) {}

  /** From the training pairs: letters and phonemes in frequency order after the specials. */
  static fit(pairs: readonly G2pPair[]): G2pVocab {
    return new G2pVocab(
      Vocab.build(pairs.map((p) => Array.from(p.word))),
      Vocab.build(pairs.map((p) => p.phonemes), { bos: true, eos: true }),
    );
  }

  static fromJSON(state: JsonValue | undefined): G2pVocab | null {
    if (state === undefined || state === null || typeof state !== 'object' || Array.isArray(state)) return null;
    return new G2pVocab(Vocab.fromJSON(state.letters, 'checkpoint letters'), Vocab.fromJSON(state.phonemes, 'checkpoint phonemes'));
  }

  toJSON(): JsonValue {
    return { letters: this.letters.toJSON() as unknown as JsonValue, phonemes: this.phonemes.toJSON() as unknown as JsonValue };
  }

  get bosId(): number {
    return this.phonemes.bosId!;
  }

  get eosId(): number {
    return this.phonemes.eosId!;
  }

  encode(pair: G2pPair): G2pExample {
    return { ...pair, source: this.letters.encode(Array.from(pair.word)), target: this.phonemes.encode(pair.phonemes) };
  }

  /** Phoneme ids (without <BOS>/<EOS>) → symbols. */
  decode(ids: readonly number[]): string[] {
    return this.phonemes.decode(ids, { skipSpecials: true });
  }
}

/** Longest spelling `predict` accepts: far beyond any dictionary word, short enough to decode quickly. */
export const MAX_PREDICT_LETTERS = 40;

/**
 * A word typed by a user → its spelling as the dictionary writes it (upper case). Throws an
 * InputError naming what was expected and what came.
 */
export function normalizeWord(input: string): string {
  const word = input.trim().toUpperCase();
  if (word === '') throw new InputError('input: expected a word spelled with letters A–Z (and \'), got an empty line');
  if (!WORD_PATTERN.test(word)) {
    throw new InputError(`input: expected one word spelled with letters A–Z (and '), got ${JSON.stringify(input.trim())}`);
  }
  if (word.length > MAX_PREDICT_LETTERS) throw new InputError(`input: expected at most ${MAX_PREDICT_LETTERS} letters, got ${word.length}`);
  return word;
}
