// Binary logistic regression on sparse features, scikit-learn's formulation: minimise
// f(w, b) = ½‖w‖² + C · Σᵢ log(1 + exp(−yᵢ (w·xᵢ + b))) with yᵢ ∈ {−1, +1} and the intercept b not
// penalised, by L-BFGS (m = 10 correction pairs, backtracking line search with the Armijo rule).
// The objective is strictly convex, so the optimum does not depend on the solver. Double precision.

import { ValueError } from '@recur/tensor';
import type { SparseVector } from './tfidf.js';

export interface LogisticModel {
  readonly weights: Float64Array;
  readonly intercept: number;
  /** L-BFGS iterations run, and whether the gradient met the tolerance. */
  readonly iterations: number;
  readonly converged: boolean;
}

export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C). */
  readonly c: number;
  readonly maxIterations?: number;
  /** Stop when max |∂f| ≤ tolerance · max(1, max |w|). */
  readonly tolerance?: number;
  /** Start from this solution (a warm start along a grid of C) instead of zero. */
  readonly start?: LogisticModel;
}

const MEMORY = 10;

/** log(1 + exp(z)), without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function dot(x: SparseVector, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.indices.length; k++) s += x.values[k]! * w[x.indices[k]!]!;
  return s;
}

/** The score w·x + b of one document (its log-odds of label 1). */
export function logisticScore(model: LogisticModel, x: SparseVector): number {
  return dot(x, model.weights) + model.intercept;
}

/** Fit on documents `rows` with labels 0/1. The last parameter of θ is the intercept. */
export function fitLogistic(
  rows: readonly SparseVector[],
  labels: readonly number[],
  features: number,
  options: LogisticOptions,
): LogisticModel {
  const { c, maxIterations = 500, tolerance = 1e-6, start } = options;
  if (rows.length === 0 || labels.length !== rows.length)
    throw new ValueError(`fitLogistic: expected as many labels as rows (at least 1), got ${labels.length} and ${rows.length}`);
  if (!(c > 0)) throw new ValueError(`fitLogistic: expected c > 0, got ${c}`);
  labels.forEach((label, i) => {
    if (label !== 0 && label !== 1) throw new ValueError(`fitLogistic: labels[${i}] must be 0 or 1, got ${label}`);
  });
  const p = features;
  const y = labels.map((label) => (label === 1 ? 1 : -1));

  // f and its gradient at θ = [w, b].
  const evaluate = (theta: Float64Array, gradient: Float64Array): number => {
    const w = theta.subarray(0, p);
    let f = 0;
    gradient.fill(0);
    for (let j = 0; j < p; j++) {
      f += 0.5 * w[j]! * w[j]!;
      gradient[j] = w[j]!;
    }
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]!;
      const margin = y[i]! * (dot(x, w) + theta[p]!);
      f += c * softplus(-margin);
      // ∂/∂score of C·log(1 + e^(−y·score)) = −C·y·σ(−y·score).
      const g = (-c * y[i]!) / (1 + Math.exp(margin));
      for (let k = 0; k < x.indices.length; k++) gradient[x.indices[k]!]! += g * x.values[k]!;
      gradient[p]! += g;
    }
    return f;
  };

  const theta = new Float64Array(p + 1);
  if (start) {
    if (start.weights.length !== p) throw new ValueError(`fitLogistic: start has ${start.weights.length} weights, expected ${p}`);
    theta.set(start.weights);
    theta[p] = start.intercept;
  }
  let gradient = new Float64Array(p + 1);
  let f = evaluate(theta, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(p + 1);
  const alpha = new Float64Array(MEMORY);
  const trial = new Float64Array(p + 1);
  let trialGradient = new Float64Array(p + 1);
  const inner = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
    return s;
  };
  const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= tolerance * Math.max(1, maxAbs(theta)))
      return { weights: theta.slice(0, p), intercept: theta[p]!, iterations: iteration, converged: true };
    // Two-loop recursion: direction = −H·g with H the L-BFGS inverse-Hessian estimate.
    direction.set(gradient);
    for (let k = steps.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * inner(steps[k]!, direction);
      for (let j = 0; j <= p; j++) direction[j]! -= alpha[k]! * changes[k]![j]!;
    }
    const last = steps.length - 1;
    const gamma =
      last >= 0 ? inner(steps[last]!, changes[last]!) / inner(changes[last]!, changes[last]!) : 1 / Math.max(1, maxAbs(gradient));
    for (let j = 0; j <= p; j++) direction[j]! *= gamma;
    for (let k = 0; k < steps.length; k++) {
      const beta = rho[k]! * inner(changes[k]!, direction);
      for (let j = 0; j <= p; j++) direction[j]! += steps[k]![j]! * (alpha[k]! - beta);
    }
    for (let j = 0; j <= p; j++) direction[j] = -direction[j]!;
    let slope = inner(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      steps.length = changes.length = rho.length = 0;
      for (let j = 0; j <= p; j++) direction[j] = -gradient[j]!;
      slope = inner(gradient, direction);
    }
    let step = 1;
    let fTrial = Infinity;
    for (let tries = 0; tries < 50; tries++, step /= 2) {
      for (let j = 0; j <= p; j++) trial[j] = theta[j]! + step * direction[j]!;
      fTrial = evaluate(trial, trialGradient);
      if (fTrial <= f + 1e-4 * step * slope) break;
    }
    if (!(fTrial < f)) return { weights: theta.slice(0, p), intercept: theta[p]!, iterations: iteration, converged: false };
    const s = new Float64Array(p + 1);
    const d = new Float64Array(p + 1);
    for (let j = 0; j <= p; j++) {
      s[j] = trial[j]! - theta[j]!;
      d[j] = trialGradient[j]! - gradient[j]!;
    }
    const curvature = inner(s, d);
    if (curvature > 1e-12) {
      if (steps.length === MEMORY) {
        steps.shift();
        changes.shift();
        rho.shift();
      }
      steps.push(s);
      changes.push(d);
      rho.push(1 / curvature);
    }
    theta.set(trial);
    [gradient, trialGradient] = [trialGradient, gradient];
    f = fTrial;
  }
  return { weights: theta.slice(0, p), intercept: theta[p]!, iterations: maxIterations, converged: false };
}
