// A seeded epoch order for the demos, from @recur/datasets' host-side generator, so a given
// seed gives the same batches on every backend.

import { mixSeed, mulberry32, shuffleInPlace } from '@recur/datasets';

export function shuffled<T>(items: readonly T[], seed: number, epoch: number): T[] {
  const out = [...items];
  shuffleInPlace(out, mulberry32(mixSeed(seed, epoch)));
  return out;
}
