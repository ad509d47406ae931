// Finite-difference gradient check: the analytic gradient of L(x) = Σ fn(x)·R (R a fixed seeded
// normal tensor of the output's shape, so every output element counts) from `.backward(R)` against
// the central difference (L(x+h) - L(x-h)) / 2h, element by element, with L summed in float64.
//
// Why these numbers (tensors are float32, u = 2⁻²⁴ ≈ 6e-8 is the unit roundoff):
// - step h = eps·max(1, |x|), eps = 5e-3. The central difference has truncation error h²/6·|L‴|
//   and roundoff error ≈ c·u·|y|·|R|/h (c a few ulps per op chain, y the float32 outputs the
//   perturbed element reaches); their sum is smallest near h ≈ (3u)^(1/3) ≈ 5.6e-3. Measured on the
//   CPU backend over every op case: the worst element uses 5.5% of its tolerance at eps 5e-3 and
//   13% at 1e-3 (roundoff in the LSTM-step case). x ± h is rounded to float32, so we divide by the
//   step actually taken, fround(x+h) - fround(x-h), not by 2h.
// - an element passes when |analytic - numeric| ≤ atol + rtol·|numeric|, atol = 1e-3, rtol = 1e-2
//   (PyTorch's gradcheck form): ~20× above the measured noise, yet a wrong VJP (a missing factor,
//   a wrong sign, a dropped broadcast sum, a gradient in the wrong slot) misses by O(1). Inputs must
//   sit further than h from kinks and ties, or the finite difference straddles them.

import { DTypeError, Generator, ShapeError, enableGrad, noGrad, randn, scope, type Tensor } from '@recur/tensor';
import { withTemplateLayout } from './same-layout.js';

export interface GradcheckOptions {
  /** Relative step: h = eps·max(1, |x|). Default 5e-3. */
  readonly eps?: number;
  /** Absolute tolerance. Default 1e-3. */
  readonly atol?: number;
  /** Tolerance relative to |numeric|. Default 1e-2. */
  readonly rtol?: number;
  /** Seed of the output weights R. Default 0x5eed. */
  readonly seed?: number;
}

/** One input element's two gradients. */
export interface GradcheckElement {
  /** Which input (position in `inputs`). */
  readonly input: number;
  /** Row-major index into that input. */
  readonly index: number;
  /** The same position as a multi-index. */
  readonly coords: readonly number[];
  readonly analytic: number;
  readonly numeric: number;
}

export interface GradcheckReport {
  /** Every element within atol + rtol·|numeric| (and finite). */
  readonly ok: boolean;
  readonly maxAbsError: number;
  /** The element furthest outside (or closest to) its tolerance; null when no input has elements. */
  readonly worst: GradcheckElement | null;
  /** Every element outside its tolerance, in input and index order. */
  readonly mismatches: readonly GradcheckElement[];
  /** How many input elements were compared. */
  readonly checked: number;
  /** Inputs whose analytic and numeric gradients are both within atol of zero everywhere. */
  readonly zeroGradientInputs: readonly number[];
  /** The tolerances and step the check ran with. */
  readonly settings: Required<GradcheckOptions>;
}

export const DEFAULT_GRADCHECK: Required<GradcheckOptions> = { eps: 5e-3, atol: 1e-3, rtol: 1e-2, seed: 0x5eed };

/** Row-major multi-index of `flat` in `shape`. */
export function coordsOf(shape: readonly number[], flat: number): number[] {
  const coords = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coords[axis] = flat % shape[axis]!;
    flat = Math.floor(flat / shape[axis]!);
  }
  return coords;
}

/**
 * Compare the analytic gradient of Σ fn(...inputs)·R with central finite differences.
 * Inputs are float32 and left untouched: the check differentiates detached leaves on the same
 * memory (so strided inputs stay strided) and frees everything it made before returning.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const settings: Required<GradcheckOptions> = {
    eps: options.eps ?? DEFAULT_GRADCHECK.eps,
    atol: options.atol ?? DEFAULT_GRADCHECK.atol,
    rtol: options.rtol ?? DEFAULT_GRADCHECK.rtol,
    seed: options.seed ?? DEFAULT_GRADCHECK.seed,
  };
  inputs.forEach((x, k) => {
    if (x.dtype !== 'float32') throw new DTypeError(`gradcheck: input ${k} must be float32; got ${x.dtype}`);
  });
  return scope(() => {
    const { weights, analytic } = enableGrad(() => analyticGradients(fn, inputs, settings.seed));
    const values = inputs.map((x) => Float32Array.from(x.dataSync()));

    // Σ fn(...)·R in float64 with input k's element j set to `value`; no graph, nothing kept.
    const loss = (k: number, j: number, value: number): number =>
      noGrad(() =>
        scope(() => {
          const data = Float32Array.from(values[k]!);
          data[j] = value;
          const args = inputs.map((x, i) => (i === k ? withTemplateLayout(x, data) : x));
          const y = fn(...args).dataSync();
          let total = 0;
          for (let i = 0; i < y.length; i++) total += y[i]! * weights[i]!;
          return total;
        }),
      );

    let maxAbsError = 0;
    let worst: GradcheckElement | null = null;
    let worstRatio = -1;
    let checked = 0;
    const mismatches: GradcheckElement[] = [];
    const zeroGradientInputs: number[] = [];
    inputs.forEach((x, k) => {
      let allZero = true;
      for (let j = 0; j < x.size; j++) {
        const center = values[k]![j]!;
        const step = settings.eps * Math.max(1, Math.abs(center));
        const up = Math.fround(center + step);
        const down = Math.fround(center - step);
        const numeric = (loss(k, j, up) - loss(k, j, down)) / (up - down);
        const exact = analytic[k]![j]!;
        const error = Math.abs(exact - numeric);
        const bound = settings.atol + settings.rtol * Math.abs(numeric);
        // NaN compares false everywhere, so a non-finite gradient counts as the worst miss.
        const ratio = Number.isFinite(error) ? error / bound : Infinity;
        const element = { input: k, index: j, coords: coordsOf(x.shape, j), analytic: exact, numeric };
        checked++;
        maxAbsError = Math.max(maxAbsError, Number.isFinite(error) ? error : Infinity);
        if (ratio > worstRatio) {
          worstRatio = ratio;
          worst = element;
        }
        if (!(error <= bound)) mismatches.push(element);
        if (!(Math.abs(exact) <= settings.atol && Math.abs(numeric) <= settings.atol)) allZero = false;
      }
      if (allZero) zeroGradientInputs.push(k);
    });
    return { ok: mismatches.length === 0, maxAbsError, worst, mismatches, checked, zeroGradientInputs, settings };
  });
}

/** R on the host (float32 values held as doubles) and d Σ fn·R / d input, row-major per input. */
function analyticGradients(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  seed: number,
): { weights: Float64Array; analytic: Float64Array[] } {
  const leaves = inputs.map((x) => x.detach().requireGrad());
  const out = fn(...leaves);
  if (out.dtype !== 'float32') throw new DTypeError(`gradcheck: fn must return a float32 tensor; got ${out.dtype}`);
  const weightTensor = randn(out.shape, { generator: new Generator(seed), backend: out.backend });
  const weights = Float64Array.from(weightTensor.dataSync());
  // backward(R) seeds the chain with dL/dy = R, the gradient of Σ y·R, without extra ops.
  if (out.requiresGrad && out.size > 0) out.backward(weightTensor);
  const analytic = leaves.map((leaf, k) => {
    const grad = leaf.grad;
    if (!grad) return new Float64Array(leaf.size);
    if (grad.rank !== leaf.rank || grad.shape.some((d, i) => d !== leaf.shape[i])) {
      throw new ShapeError(`gradcheck: input ${k} of shape [${leaf.shape.join(',')}] got a gradient of shape [${grad.shape.join(',')}]`);
    }
    return Float64Array.from(grad.dataSync());
  });
  return { weights, analytic };
}
