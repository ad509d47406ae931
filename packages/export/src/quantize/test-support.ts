// Shared by the quantisation tests: the largest |a − b| over two tensors and a small module tree.

import type { Tensor } from '@recur/tensor';

export async function maxAbsDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  if (x.length !== y.length) throw new Error(`maxAbsDiff: ${x.length} vs ${y.length} elements`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

export async function maxAbs(a: Tensor): Promise<number> {
  let worst = 0;
  for (const v of await a.data()) worst = Math.max(worst, Math.abs(v));
  return worst;
}
