// Ridge regression in closed form: W = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ on centred features X̃ and targets Ỹ,
// so the intercept b = ȳ − x̄ᵀW is not shrunk. n rows, p features, m targets; solved by Cholesky
// (X̃ᵀX̃ + λI is symmetric positive definite for λ > 0). Double precision throughout.

import { ValueError } from '@recur/tensor';

export interface RidgeModel {
  /** [p][m] row-major. */
  readonly weights: Float64Array;
  /** [m] */
  readonly intercept: Float64Array;
  readonly features: number;
  readonly targets: number;
}

/** Fit on `rows` ([n] vectors of p features) and `targets` ([n] vectors of m values). */
export function fitRidge(rows: readonly ArrayLike<number>[], targets: readonly ArrayLike<number>[], lambda: number): RidgeModel {
  const n = rows.length;
  if (n === 0 || targets.length !== n)
    throw new ValueError(`fitRidge: expected as many target rows as feature rows (at least 1), got ${targets.length} and ${n}`);
  if (!(lambda > 0)) throw new ValueError(`fitRidge: expected lambda > 0, got ${lambda}`);
  const p = rows[0]!.length;
  const m = targets[0]!.length;
  const xMean = new Float64Array(p);
  const yMean = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    if (rows[i]!.length !== p || targets[i]!.length !== m)
      throw new ValueError(`fitRidge: row ${i} has ${rows[i]!.length} features and ${targets[i]!.length} targets, expected ${p} and ${m}`);
    for (let j = 0; j < p; j++) xMean[j]! += rows[i]![j]! / n;
    for (let k = 0; k < m; k++) yMean[k]! += targets[i]![k]! / n;
  }
  // A = X̃ᵀX̃ + λI (lower triangle used), B = X̃ᵀỸ.
  const a = new Float64Array(p * p);
  const b = new Float64Array(p * m);
  const x = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) x[j] = rows[i]![j]! - xMean[j]!;
    for (let j = 0; j < p; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      for (let l = 0; l <= j; l++) a[j * p + l]! += xj * x[l]!;
      for (let k = 0; k < m; k++) b[j * m + k]! += xj * (targets[i]![k]! - yMean[k]!);
    }
  }
  for (let j = 0; j < p; j++) a[j * p + j]! += lambda;
  const weights = choleskySolve(a, b, p, m);
  const intercept = Float64Array.from(yMean, (mean, k) => {
    let s = mean;
    for (let j = 0; j < p; j++) s -= xMean[j]! * weights[j * m + k]!;
    return s;
  });
  return { weights, intercept, features: p, targets: m };
}

export function predictRidge(model: RidgeModel, row: ArrayLike<number>): Float64Array {
  if (row.length !== model.features) throw new ValueError(`predictRidge: expected ${model.features} features, got ${row.length}`);
  const out = Float64Array.from(model.intercept);
  for (let j = 0; j < model.features; j++) {
    const xj = row[j]!;
    if (xj !== 0) for (let k = 0; k < model.targets; k++) out[k]! += xj * model.weights[j * model.targets + k]!;
  }
  return out;
}

/** Solve A·W = B for symmetric positive definite A ([p][p], lower triangle) and B ([p][m]). */
function choleskySolve(a: Float64Array, b: Float64Array, p: number, m: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= l[j * p + k]! ** 2;
    if (!(d > 0)) throw new ValueError(`fitRidge: the regularised normal matrix is not positive definite at column ${j} (pivot ${d})`);
    const diag = Math.sqrt(d);
    l[j * p + j] = diag;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = s / diag;
    }
  }
  // L·Z = B, then Lᵀ·W = Z.
  const w = Float64Array.from(b);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < p; i++) {
      let s = w[i * m + k]!;
      for (let j = 0; j < i; j++) s -= l[i * p + j]! * w[j * m + k]!;
      w[i * m + k] = s / l[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = w[i * m + k]!;
      for (let j = i + 1; j < p; j++) s -= l[j * p + i]! * w[j * m + k]!;
      w[i * m + k] = s / l[i * p + i]!;
    }
  }
  return w;
}
