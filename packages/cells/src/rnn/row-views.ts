// Kernel-view helpers for cell kinds' step kernels on [n, W] row blocks: broadcasts of a per-row
// column [n, 1], of a whole vector [W] down the rows, of one element of a constants vector, and
// the row-wise layer norm (forward and backward) that the layer-norm LSTM's steps run.

import type { BackendV1, View } from '@recur/backend';

/** A [n, 1] column repeated across `width` columns (stride 0). */
export const acrossColumns = (column: View, width: number): View => ({
  ...column,
  shape: [column.shape[0]!, width],
  strides: [column.strides[0]!, 0],
});

/** A vector [W] repeated down the rows of `like` [n, W] (stride 0). */
export const downRows = (vector: View, like: View): View => ({ ...vector, shape: like.shape, strides: [0, vector.strides[0]!] });

/** Element k of a constants vector, seen as `shape` (stride 0 everywhere). */
export const constant = (constants: View, k: number, shape: readonly number[]): View => ({
  ...constants,
  offset: constants.offset + k * constants.strides[0]!,
  shape,
  strides: shape.map(() => 0),
});

/** The first `count` columns of a [n, ·] view, as a [n, 1] column when count is 1. */
export const firstColumn = (view: View): View => ({ ...view, shape: [view.shape[0]!, 1] });

/** A vector [W] as one row [1, W], for accumulating a column sum into it. */
export const asRow = (vector: View): View => ({
  ...vector,
  shape: [1, vector.shape[0]!],
  strides: [vector.shape[0]! * vector.strides[0]!, vector.strides[0]!],
});

/** Row 0 of a [n, W] view as [1, W]. */
export const firstRow = (view: View): View => ({ ...view, shape: [1, view.shape[1]!] });

/**
 * x [n, W] ← x̂ = (x − μ)/√(σ² + ε) per row, in place; rstd [n, 1] ← 1/√(σ² + ε). `inverseWidth`
 * and `eps` are [n, 1] constant views, `temp` a [n, W] scratch, `mean` a [n, 1] scratch.
 */
export function normalizeRows(backend: BackendV1, x: View, rstd: View, mean: View, temp: View, inverseWidth: View, eps: View): void {
  const width = x.shape[1]!;
  backend.reduce('sum', x, [1], mean);
  backend.binary('mul', mean, inverseWidth, mean);
  backend.binary('sub', x, acrossColumns(mean, width), x);
  backend.unary('square', x, temp);
  backend.reduce('sum', temp, [1], rstd);
  // Biased variance, as torch.nn.LayerNorm.
  backend.binary('mul', rstd, inverseWidth, rstd);
  backend.binary('add', rstd, eps, rstd);
  backend.unary('rsqrt', rstd, rstd);
  backend.binary('mul', x, acrossColumns(rstd, width), x);
}

/**
 * The backward of y = x̂·γ + β per row: dγ += Σ_rows dy·x̂, dβ += Σ_rows dy, and
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ, written to `dx` (which may be `t1`).
 * t1, t2 [n, W] and m1, m2 [n, 1] are scratch; `inverseWidth` a [n, 1] constant view.
 */
export function normalizeRowsBackward(
  backend: BackendV1,
  rowsIn: { dy: View; xHat: View; rstd: View; gamma: View; dGamma: View; dBeta: View; dx: View },
  scratch: { t1: View; t2: View; m1: View; m2: View; inverseWidth: View },
): void {
  const { dy, xHat, rstd, gamma, dGamma, dBeta, dx } = rowsIn;
  const { t1, t2, m1, m2, inverseWidth } = scratch;
  const width = dy.shape[1]!;
  backend.binary('mul', dy, xHat, t1);
  backend.reduce('sum', t1, [0], firstRow(t2));
  backend.binary('add', asRow(dGamma), firstRow(t2), asRow(dGamma));
  backend.reduce('sum', dy, [0], firstRow(t2));
  backend.binary('add', asRow(dBeta), firstRow(t2), asRow(dBeta));
  backend.binary('mul', dy, downRows(gamma, dy), t1);
  backend.reduce('sum', t1, [1], m1);
  backend.binary('mul', m1, inverseWidth, m1);
  backend.binary('mul', t1, xHat, t2);
  backend.reduce('sum', t2, [1], m2);
  backend.binary('mul', m2, inverseWidth, m2);
  backend.binary('mul', xHat, acrossColumns(m2, width), t2);
  backend.binary('sub', t1, t2, t1);
  backend.binary('sub', t1, acrossColumns(m1, width), t1);
  backend.binary('mul', t1, acrossColumns(rstd, width), dx);
}
