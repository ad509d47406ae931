// Head bookkeeping for multi-head attention: project rows of [A, B, F] inputs, split E features
// into H heads of d = E/H as [N, H, T, d] views, and merge heads back to the input layout.
// batchFirst: [N, T, E]; otherwise [T, N, E] (T the sequence length, N the batch).

import { linear, sizeOf, type Tensor } from '@recur/tensor';

/** x [..., F]·Wᵀ + b with W (E, F) → [..., E], as one GEMM over all leading positions. */
export function projectRows(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const lead = x.shape.slice(0, -1);
  const rows = x.reshape([sizeOf(lead), x.shape[x.rank - 1]!]);
  return linear(rows, weight, bias).reshape([...lead, weight.shape[0]!]);
}

/** [N, T, E] or [T, N, E] → [N, H, T, d] (a view where the layout allows). */
export function splitHeads(x: Tensor, heads: number, batchFirst: boolean): Tensor {
  const [a, b, e] = x.shape as [number, number, number];
  const split = x.reshape([a, b, heads, e / heads]);
  return batchFirst ? split.permute([0, 2, 1, 3]) : split.permute([1, 2, 0, 3]);
}

/** [N, H, T, d] → [N, T, E] or [T, N, E], contiguous. */
export function mergeHeads(x: Tensor, batchFirst: boolean): Tensor {
  const [n, h, t, d] = x.shape as [number, number, number, number];
  return batchFirst ? x.permute([0, 2, 1, 3]).reshape([n, t, h * d]) : x.permute([2, 0, 1, 3]).reshape([t, n, h * d]);
}
