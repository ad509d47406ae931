// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on each .grad.
// g the gradients viewed as one vector, ‖g‖_p its p-norm (p = 'inf': max |g|), c the clip
// coefficient maxNorm / (‖g‖ + 1e-6), applied only when it is below 1.

import {
  BackendError,
  GradError,
  checkOptions,
  Tensor,
  abs,
  backendOf,
  clamp,
  max,
  mul,
  noGrad,
  pow,
  scope,
  stack,
  sum,
} from '@recur/tensor';
import { expectNonNegative, expectParams, expectPositive } from './checks.js';

export interface ClipGradNormOptions {
  /** p of the norm: a number > 0 or 'inf' (default 2). */
  readonly normType?: number | 'inf';
  /** Throw a GradError when the total norm is NaN or infinite, before touching the grads (default false). */
  readonly errorIfNonfinite?: boolean;
}

type Params = Tensor | Iterable<Tensor>;

function gradsOf(params: Params): Tensor[] {
  expectParams('clipGrad', params);
  const list = params instanceof Tensor ? [params] : [...params];
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

function normTypeOf(options: ClipGradNormOptions): number {
  const normType = options.normType ?? 2;
  if (normType === 'inf' || normType === Infinity) return Infinity;
  expectPositive('clipGradNorm', 'normType', normType);
  return normType;
}

/** One value per gradient: max |g| (inf), Σ|g|^p otherwise; summed on the device in float32. */
function partialNorms(grads: readonly Tensor[], p: number): Tensor {
  return noGrad(() =>
    scope(() =>
      stack(
        grads.map((g) => {
          if (p === Infinity) return max(abs(g));
          if (p === 2) return sum(mul(g, g));
          return sum(p === 1 ? abs(g) : pow(abs(g), p));
        }),
      ),
    ),
  );
}

/** Combine the partial values on the host in float64: max, or (Σ)^(1/p). */
function totalNorm(values: ArrayLike<number>, p: number): number {
  const list = Array.from(values);
  if (p === Infinity) return list.reduce((a, b) => (a > b || Number.isNaN(a) ? a : b), 0);
  const total = list.reduce((a, b) => a + b, 0);
  return p === 2 ? Math.sqrt(total) : total ** (1 / p);
}

function scaleGrads(grads: readonly Tensor[], total: number, maxNorm: number, p: number, errorIfNonfinite: boolean): void {
  if (errorIfNonfinite && !Number.isFinite(total)) {
    const order = p === Infinity ? 'inf' : String(p);
    throw new GradError(
      `clipGradNorm: the total norm of order ${order} of the gradients is ${total}, so it cannot be clipped; ` +
        'pass errorIfNonfinite: false to scale them by it anyway',
    );
  }
  const coefficient = maxNorm / (total + 1e-6);
  // min(c, 1) as PyTorch clamps it; at 1 the multiplication would change nothing.
  if (!(coefficient < 1)) return;
  noGrad(() => {
    for (const g of grads) scope(() => g.assign(mul(g, coefficient)));
  });
}

function prepare(params: Params, maxNorm: number, options: ClipGradNormOptions): { grads: Tensor[]; p: number } {
  checkOptions('clipGradNorm', options, ['normType', 'errorIfNonfinite']);
  expectNonNegative('clipGradNorm', 'maxNorm', maxNorm);
  return { grads: gradsOf(params), p: normTypeOf(options) };
}

/**
 * Scale all gradients together so their total p-norm is at most maxNorm; returns that norm as
 * measured before clipping (0 when no parameter has a gradient). Reads one small tensor back
 * synchronously, so it needs a host-memory backend (CPU); elsewhere use clipGradNormAsync.
 */
export function clipGradNorm(params: Params, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const { grads, p } = prepare(params, maxNorm, options);
  if (grads.length === 0) return 0;
  const backend = backendOf('clipGradNorm', ...grads);
  if (!backend.readSync) {
    throw new BackendError(`clipGradNorm: backend '${backend.name}' has no synchronous read; use await clipGradNormAsync(...)`);
  }
  const partial = partialNorms(grads, p);
  let total: number;
  try {
    total = totalNorm(partial.dataSync(), p);
  } finally {
    partial.dispose();
  }
  scaleGrads(grads, total, maxNorm, p, options.errorIfNonfinite ?? false);
  return total;
}

/** clipGradNorm for any backend: await it before optimizer.step(), which must see clipped grads. */
export async function clipGradNormAsync(params: Params, maxNorm: number, options: ClipGradNormOptions = {}): Promise<number> {
  const { grads, p } = prepare(params, maxNorm, options);
  if (grads.length === 0) return 0;
  const partial = partialNorms(grads, p);
  let total: number;
  try {
    total = totalNorm(await partial.data(), p);
  } finally {
    partial.dispose();
  }
  scaleGrads(grads, total, maxNorm, p, options.errorIfNonfinite ?? false);
  return total;
}

/** Clamp every gradient element to [−clipValue, clipValue], in place. */
export function clipGradValue(params: Params, clipValue: number): void {
  expectNonNegative('clipGradValue', 'clipValue', clipValue);
  noGrad(() => {
    for (const g of gradsOf(params)) scope(() => g.assign(clamp(g, { min: -clipValue, max: clipValue })));
  });
}
