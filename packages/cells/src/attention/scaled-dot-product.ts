// Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention):
// A = softmax(q·kᵀ·s + M)·v with q [..., L, E], k [..., S, E], v [..., S, Ev], s the scale
// (default 1/√E) and M an additive mask (0 where allowed, -∞ where not, or any float bias).

import {
  backendOf,
  DTypeError,
  ShapeError,
  ValueError,
  fmtShape,
  fromTypedArray,
  scope,
  where,
  type BackendV1,
  type Generator,
  type Tensor,
} from '@recur/tensor';
import { dropout } from '../modules/dropout.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. Bool: true marks a position that TAKES PART in attention
   * (PyTorch's SDPA convention, the opposite of MultiheadAttention's); float: added to the scores.
   */
  readonly attnMask?: Tensor | null;
  /** Apply dropout with this probability to the attention weights (default 0). */
  readonly dropoutP?: number;
  /** Mask out keys after the query's position (lower-triangular L×S); not with attnMask. */
  readonly isCausal?: boolean;
  /** Factor on q·kᵀ (default 1/√E). */
  readonly scale?: number | null;
  /** The random stream for dropout (default: the tensor package's default generator). */
  readonly generator?: Generator;
}

/** softmax(q·kᵀ·s + M)·v. A row with every key masked gives NaN, as in PyTorch. */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  const op = 'scaledDotProductAttention';
  checkQkv(op, query, key, value);
  const { attnMask = null, isCausal = false } = options;
  if (isCausal && attnMask) throw new ValueError(`${op}: pass either attnMask or isCausal, not both (as PyTorch)`);
  const scale = options.scale ?? null;
  if (scale !== null && !Number.isFinite(scale)) throw new ValueError(`${op}: scale must be a finite number; got ${scale}`);
  const L = query.shape[query.rank - 2]!;
  const S = key.shape[key.rank - 2]!;
  return scope(() => {
    let additive: Tensor | null = null;
    if (attnMask) {
      checkMask(op, attnMask, L, S);
      additive = attnMask.dtype === 'bool' ? where(attnMask, 0, -Infinity) : attnMask;
    } else if (isCausal) {
      additive = where(causalMask(L, S, { backend: backendOf(op, query), allowedIsTrue: true }), 0, -Infinity);
    }
    const [output] = attend(query, key, value, {
      additive,
      scale,
      dropoutP: options.dropoutP ?? 0,
      training: true,
      generator: options.generator,
    });
    return output;
  });
}

/**
 * The lower-triangular causal mask [L, S] of PyTorch's `tril(ones(L, S))`: position i may see
 * keys j ≤ i. `allowedIsTrue` picks SDPA's bool convention; false gives MultiheadAttention's.
 */
export function causalMask(
  targetLength: number,
  sourceLength: number,
  options: { backend?: BackendV1 | string; allowedIsTrue?: boolean } = {},
): Tensor {
  for (const [name, n] of [
    ['targetLength', targetLength],
    ['sourceLength', sourceLength],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`causalMask: ${name} must be a non-negative integer; got ${n}`);
  }
  const allowed = options.allowedIsTrue ?? false;
  const data = new Uint8Array(targetLength * sourceLength);
  for (let i = 0; i < targetLength; i++) {
    for (let j = 0; j < sourceLength; j++) data[i * sourceLength + j] = j <= i === allowed ? 1 : 0;
  }
  return fromTypedArray(data, [targetLength, sourceLength], { backend: options.backend });
}

export interface AttendOptions {
  /** Additive float mask broadcastable to the scores [..., L, S], or null. */
  readonly additive: Tensor | null;
  readonly scale: number | null;
  readonly dropoutP: number;
  readonly training: boolean;
  readonly generator?: Generator | undefined;
}

/**
 * The shared core: [softmax(q·s·kᵀ + M) with dropout, its product with v]. q is scaled before
 * the product (L·E multiplies instead of L·S), as PyTorch's MultiheadAttention does.
 */
export function attend(query: Tensor, key: Tensor, value: Tensor, options: AttendOptions): [Tensor, Tensor] {
  return scope(() => {
    const E = query.shape[query.rank - 1]!;
    const scale = options.scale ?? 1 / Math.sqrt(E);
    let scores = query.mul(scale).matmul(key.transpose(-2, -1));
    if (options.additive) scores = scores.add(options.additive);
    let weights = scores.softmax(-1);
    if (options.dropoutP > 0) weights = dropout(weights, options.dropoutP, { training: options.training, generator: options.generator });
    return [weights.matmul(value), weights];
  });
}

function checkQkv(op: string, query: Tensor, key: Tensor, value: Tensor): void {
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: ${name} must be float32; got ${t.dtype}`);
    if (t.rank < 2)
      throw new ShapeError(`${op}: ${name} must have at least 2 dimensions [..., length, features]; got ${fmtShape(t.shape)}`);
  }
  const E = query.shape[query.rank - 1];
  if (key.shape[key.rank - 1] !== E) {
    throw new ShapeError(
      `${op}: key's last dimension must equal query's (${E}); got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}`,
    );
  }
  if (key.shape[key.rank - 2] !== value.shape[value.rank - 2]) {
    throw new ShapeError(
      `${op}: key and value must have the same source length; got key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
}

function checkMask(op: string, mask: Tensor, L: number, S: number): void {
  if (mask.dtype !== 'bool' && mask.dtype !== 'float32') throw new DTypeError(`${op}: attnMask must be bool or float32; got ${mask.dtype}`);
  const rank = mask.rank;
  const last = rank >= 1 ? mask.shape[rank - 1] : 1;
  const second = rank >= 2 ? mask.shape[rank - 2] : 1;
  if ((last !== S && last !== 1) || (second !== L && second !== 1)) {
    throw new ShapeError(`${op}: attnMask must broadcast to [..., ${L}, ${S}] (target × source length); got ${fmtShape(mask.shape)}`);
  }
}
