// A small seeded PRNG (mulberry32) for the conformance suite: every test derives its stream from
// its own name, so a failure reproduces exactly and tests do not perturb each other's inputs.

import { mulberry32 } from '@recur/backend';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [low, high], both ends included. */
  int(low: number, high: number): number;
  pick<T>(items: readonly T[]): T;
  /** A random permutation of 0..n-1. */
  permutation(n: number): number[];
}

/** FNV-1a of a string: turns a test name into a 32-bit seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    permutation: (n) => {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      return order;
    },
  };
}
