// Host-side seeded randomness and hashing for shuffles and splits: a 32-bit integer mixer,
// the mulberry32 generator and FNV-1a string hashing. Plain JS numbers, no tensors.
//
// Why not @recur/tensor's Philox `Generator`: it produces tensors on a backend, while a shuffle
// needs a few host integers before any backend exists. mulberry32 is tiny, fast and fully
// determined by one 32-bit seed, which is all a reproducible epoch order needs. Orders therefore
// differ from PyTorch's for the same seed (they could not match anyway).

import { mulberry32 } from '@recur/backend';

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One 32-bit seed from integers (e.g. a user seed and an epoch number). Seeds above 2³² keep
 * their high bits, so 1 and 2³² + 1 give different streams.
 */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const value = Math.trunc(part);
    const low = value >>> 0;
    const high = Math.floor(value / 0x1_0000_0000) >>> 0;
    h = fmix32(h ^ low);
    h = fmix32((h + Math.imul(high, 0x27d4eb2f)) >>> 0);
  }
  return h;
}

/** A function returning uniform floats in [0, 1), fully determined by `seed`. */
export type Random = () => number;

/** mulberry32 (Tommy Ettinger): a 32-bit state generator, period 2³² — the one copy, in @recur/backend. */
export { mulberry32 };

/** Fisher–Yates shuffle of `items` in place. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, random);
  return order;
}

/**
 * FNV-1a over the UTF-16 code units of `key`, finished with fmix32 so that nearby keys
 * ("a1", "a2") land far apart. Stable across platforms and releases: splits depend on it.
 */
export function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}
