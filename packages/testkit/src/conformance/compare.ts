// The bounds that backend results must meet against the CPU reference, with the reasons for each
// (b below is the reference value). The NaN-aware, element-by-element comparison itself is
// @recur/test-support's expectClose, with one of these bounds.

import type { Bound } from '@recur/test-support';

export interface ElementTolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface ConformanceTolerance {
  /** Float32 add sub mul div square reciprocal sqrt rsqrt. */
  readonly arithmetic: ElementTolerance;
  /** Float32 exp log tanh sigmoid sin cos pow. */
  readonly transcendental: ElementTolerance;
  /** sum/prod reductions and scatterAdd: atol is per accumulated term, times max|term|. */
  readonly accumulation: ElementTolerance;
  /** matmul: bound per term of K·max|A|·max|B| (+ max|out₀| when accumulating). */
  readonly matmul: number;
  /** random normal: atol scales with the std. */
  readonly normal: ElementTolerance;
}

/**
 * Exact (no tolerance): int32 and bool results, and every float kernel that only moves or
 * selects values: copy, cast, fill, gather, where, neg/abs/sign/relu/floor/ceil,
 * maximum/minimum, max/min/argmax/argmin, random bits and uniform.
 *
 * - arithmetic |a−b| ≤ 1e-6 + 1e-5·|b|: about 80 ulp, room for division or sqrt computed as
 *   reciprocal·x on GPUs; the 1e-6 floor covers results that cancel to near zero.
 * - transcendental, same default: exp/log/tanh/sigmoid/sin/cos/pow usually differ by a few ulp
 *   across backends, but WGSL only promises exp within 3+2|x| ulp (23 ulp at |x| = 10), so a
 *   backend may loosen this entry alone.
 * - accumulation: sums of n terms |a−b| ≤ 1e-6·n·max|x| + 1e-5·|b|, products
 *   (1e-6·n + 1e-5)·|b|, scatterAdd 1e-6·(n·max|src| + max|out₀|) + 1e-5·|b|: summation order
 *   is the backend's choice and float32 accumulators lose up to n/2 ulp.
 * - matmul |a−b| ≤ 1e-6·(K·max|A|·max|B| + max|out₀|), out₀ only when accumulating.
 * - normal |a−b| ≤ 1e-5·std + 1e-5·|b|: Box–Muller in float32 vs float64; the std term covers
 *   samples near the mean, where a relative bound alone would demand exact cos/log.
 *
 * NaN equals NaN, ±∞ must match exactly, −0 equals +0.
 */
export const DEFAULT_CONFORMANCE_TOLERANCE: ConformanceTolerance = {
  arithmetic: { atol: 1e-6, rtol: 1e-5 },
  transcendental: { atol: 1e-6, rtol: 1e-5 },
  accumulation: { atol: 1e-6, rtol: 1e-5 },
  matmul: 1e-6,
  normal: { atol: 1e-5, rtol: 1e-5 },
};

/** The largest allowed |actual − expected| for element `index` whose reference is `expected`. */
export type { Bound };

export const EXACT: Bound = () => 0;

export function relative(tolerance: ElementTolerance): Bound {
  return (expected) => tolerance.atol + tolerance.rtol * Math.abs(expected);
}

export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
