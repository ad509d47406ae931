// The seeded random source of the loader fuzzers: mulberry32 (32-bit state, fast, good enough
// for choosing mutations), plus a per-case seed so any failing case re-runs on its own.

import { mulberry32 } from '@recur/backend';

export class FuzzRandom {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A uniform 32-bit unsigned integer (mulberry32's draws are exactly these / 2³²). */
  uint32(): number {
    return this.next() * 0x100000000;
  }

  /** Uniform on [0, 1). */
  float(): number {
    return this.uint32() / 0x100000000;
  }

  /** An integer in [0, n) (0 when n ≤ 0). */
  below(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.float() * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** A length skewed to small values (half of them ≤ 4), at most `max`. */
  smallSize(max: number): number {
    const bits = this.below(Math.max(1, Math.ceil(Math.log2(max + 1))) + 1);
    return Math.min(max, this.below(2 ** bits) + 1);
  }
}

/** The seed of case `index` of a run seeded with `seed` (an integer hash of both). */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
