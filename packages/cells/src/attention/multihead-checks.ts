// Input checks and mask canonicalisation for MultiheadAttention, following PyTorch's
// _mha_shape_check: masks become one additive float mask M [N|1, H|1, L, S] (0 allowed, -∞ not,
// or the caller's float biases), with zero columns for keys that addBiasKv/addZeroAttn append.

import { DTypeError, ShapeError, ValueError, fmtShape, where, type Tensor } from '@recur/tensor';
import type { MultiheadAttentionForwardOptions } from './multihead-attention.js';

interface MhaShape {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
}

export interface MhaDims {
  readonly batched: boolean;
  /** Target length L, source length S, batch N (1 when unbatched). */
  readonly L: number;
  readonly S: number;
  readonly N: number;
}

const OP = 'MultiheadAttention.forward';

export function checkMhaInputs(
  mha: MhaShape,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: MultiheadAttentionForwardOptions,
): MhaDims {
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (t.dtype !== 'float32') throw new DTypeError(`${OP}: ${name} must be float32; got ${t.dtype}`);
  }
  const batched = query.rank === 3;
  if (query.rank !== 3 && query.rank !== 2) {
    throw new ShapeError(`${OP}: query must be 3-D (batched) or 2-D (unbatched); got ${fmtShape(query.shape)}`);
  }
  const rank = query.rank;
  if (key.rank !== rank || value.rank !== rank) {
    throw new ShapeError(
      `${OP}: key and value must be ${rank}-D like query ${fmtShape(query.shape)}; got key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
  const layout = !batched ? '[T, features]' : mha.batchFirst ? '[N, T, features] (batchFirst)' : '[T, N, features]';
  const lengthAxis = batched && mha.batchFirst ? 1 : 0;
  const batchAxis = mha.batchFirst ? 0 : 1;
  const sizes: [string, Tensor, number][] = [
    ['query', query, mha.embedDim],
    ['key', key, mha.kdim],
    ['value', value, mha.vdim],
  ];
  for (const [name, t, features] of sizes) {
    if (t.shape[rank - 1] !== features) {
      throw new ShapeError(`${OP}: ${name} must be ${layout} with ${features} features; got ${fmtShape(t.shape)}`);
    }
  }
  const L = query.shape[lengthAxis]!;
  const S = key.shape[lengthAxis]!;
  const N = batched ? query.shape[batchAxis]! : 1;
  if (value.shape[lengthAxis] !== S) {
    throw new ShapeError(
      `${OP}: key and value must have the same source length; got key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
  if (batched && (key.shape[batchAxis] !== N || value.shape[batchAxis] !== N)) {
    throw new ShapeError(
      `${OP}: query, key and value must have the same batch size ${N}; got key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
  const { keyPaddingMask, attnMask } = options;
  if (keyPaddingMask) {
    checkMaskDType('keyPaddingMask', keyPaddingMask);
    const expected = batched ? [N, S] : [S];
    if (!sameShape(keyPaddingMask.shape, expected)) {
      throw new ShapeError(
        `${OP}: keyPaddingMask must be ${fmtShape(expected)} (${batched ? 'batch × ' : ''}source length); got ${fmtShape(keyPaddingMask.shape)}`,
      );
    }
  }
  if (attnMask) {
    checkMaskDType('attnMask', attnMask);
    const allowed = [
      [L, S],
      [N * mha.numHeads, L, S],
    ];
    if (!allowed.some((shape) => sameShape(attnMask.shape, shape))) {
      throw new ShapeError(
        `${OP}: attnMask must be ${fmtShape([L, S])} or ${fmtShape([N * mha.numHeads, L, S])} (batch·heads × target × source); got ${fmtShape(attnMask.shape)}`,
      );
    }
  }
  if (options.isCausal && !attnMask) {
    throw new ValueError(
      `${OP}: isCausal is a hint that attnMask holds the causal mask, so it needs attnMask (as in PyTorch); build one with causalMask(L, S)`,
    );
  }
  return { batched, L, S, N };
}

/** The additive mask M broadcastable to [N, H, L, S + appended], or null without masks. */
export function mhaAdditiveMask(
  options: MultiheadAttentionForwardOptions,
  dims: { batched: boolean; N: number; H: number; L: number; S: number; appended: number },
): Tensor | null {
  const { N, H, L, S } = dims;
  const additive = (mask: Tensor) => (mask.dtype === 'bool' ? where(mask, -Infinity, 0) : mask);
  let mask: Tensor | null = null;
  if (options.attnMask) {
    const m = additive(options.attnMask);
    mask = m.rank === 2 ? m.reshape([1, 1, L, S]) : m.reshape([N, H, L, S]);
  }
  if (options.keyPaddingMask) {
    const m = additive(options.keyPaddingMask).reshape([N, 1, 1, S]);
    mask = mask ? mask.add(m) : m;
  }
  if (mask && dims.appended > 0) mask = mask.pad([0, dims.appended]);
  return mask;
}

function checkMaskDType(name: string, mask: Tensor): void {
  if (mask.dtype !== 'bool' && mask.dtype !== 'float32') {
    throw new DTypeError(`${OP}: ${name} must be bool (true = masked) or float32 (added to the scores); got ${mask.dtype}`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
