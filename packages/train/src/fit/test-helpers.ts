// Test fixtures for the fit tests: a tiny regression task (y = x·w + b plus noise) as a
// DataLoader-like source whose `batches(epoch)` shuffles by epoch, and a small model.

import { mulberry32 } from '@recur/backend';
import { Dropout, Linear, Sequential, mseLoss } from '@recur/cells';
import { manualSeed, tensor, type Tensor } from '@recur/tensor';

export type Batch = { readonly x: Tensor; readonly y: Tensor };

/** 32 samples of 3 features, batches of 8, shuffled per epoch from a seed (DataLoader's protocol). */
export function regressionData(seed = 1): { batches(epoch: number): Iterable<Batch>; all: Batch[] } {
  // mulberry32: a seeded host generator for the data (the tensor RNG stays the model's).
  const g = mulberry32(seed);
  const xs = Array.from({ length: 32 }, () => [0, 1, 2].map(() => g() * 2 - 1));
  const ys = xs.map(([a, b, c]) => [0.5 * a! - 1.5 * b! + 0.25 * c! + 0.3]);
  const make = (idx: number[]): Batch => ({ x: tensor(idx.map((i) => xs[i]!)), y: tensor(idx.map((i) => ys[i]!)) });
  const order = (epoch: number): number[] => {
    const r = mulberry32(seed * 1000 + epoch);
    const idx = xs.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx;
  };
  return {
    *batches(epoch: number) {
      const idx = order(epoch);
      for (let i = 0; i < idx.length; i += 8) yield make(idx.slice(i, i + 8));
    },
    all: [make(xs.map((_, i) => i))],
  };
}

export function model(seed = 0, dropout = 0.1): Sequential {
  manualSeed(seed);
  return new Sequential(
    new Linear({ inFeatures: 3, outFeatures: 8 }),
    new Dropout({ p: dropout }),
    new Linear({ inFeatures: 8, outFeatures: 1 }),
  );
}

export const loss = (m: Sequential, b: Batch): Tensor => mseLoss(m.forward(b.x), b.y);

export function weights(m: { stateDict(): Record<string, Tensor> }): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
}
