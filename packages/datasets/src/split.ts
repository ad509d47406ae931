// Train/validation/test splits that never shuffle: chronological (time series, where the future
// must not leak into training) and by a hash of a stable record key (corpora, where a split must
// survive reordering and stay the same on every machine).

import { ValueError, checkOptions } from '@recur/tensor';
import { hashString } from './random.js';

export interface SplitFractions {
  /** Default 0.7. */
  readonly train?: number;
  /** Default 0.15. The test part is what remains. */
  readonly validation?: number;
}

export interface Splits<S> {
  readonly train: S;
  readonly validation: S;
  readonly test: S;
}

function fractions(name: string, options: SplitFractions): { train: number; validation: number } {
  checkOptions(name, options, ['train', 'validation']);
  const train = options.train ?? 0.7;
  const validation = options.validation ?? 0.15;
  for (const [key, value] of [
    ['train', train],
    ['validation', validation],
  ] as const) {
    if (!(value >= 0 && value <= 1)) throw new ValueError(`${name}: the ${key} fraction must be in [0, 1]; got ${value}`);
  }
  // A small tolerance so 0.7 + 0.3 (= 1.0000000000000002) is accepted.
  if (train + validation > 1 + 1e-9) {
    throw new ValueError(`${name}: train + validation fractions must not exceed 1; got ${train} + ${validation}`);
  }
  return { train, validation };
}

/**
 * Consecutive parts in order: the first ⌊N·train⌋ items, the next ⌊N·validation⌋, then the rest.
 * Works on arrays and typed arrays (slices are copies).
 */
export function trainValTestSplit<S extends { readonly length: number; slice(start?: number, end?: number): S }>(
  items: S,
  options: SplitFractions = {},
): Splits<S> {
  const { train, validation } = fractions('trainValTestSplit', options);
  // The epsilon makes 100·0.29 = 28.999999999999996 count as the 29 the user meant.
  const trainEnd = Math.floor(items.length * train + 1e-9);
  const validationEnd = trainEnd + Math.floor(items.length * validation + 1e-9);
  return { train: items.slice(0, trainEnd), validation: items.slice(trainEnd, validationEnd), test: items.slice(validationEnd) };
}

export type SplitName = keyof Splits<unknown>;

/**
 * The split of one key: hash(key)/2³² below train → train, below train + validation →
 * validation, else test. A record's split depends on its key alone.
 */
export function splitOfKey(key: string, options: SplitFractions = {}): SplitName {
  const { train, validation } = fractions('splitOfKey', options);
  const position = hashString(key) / 0x1_0000_0000;
  if (position < train) return 'train';
  if (position < train + validation) return 'validation';
  return 'test';
}

/** Items split by a hash of `key(item)` (see splitOfKey); each part keeps the input order. */
export function hashSplit<T>(items: readonly T[], key: (item: T) => string, options: SplitFractions = {}): Splits<T[]> {
  fractions('hashSplit', options);
  const out: Splits<T[]> = { train: [], validation: [], test: [] };
  for (const item of items) out[splitOfKey(key(item), options)].push(item);
  return out;
}
