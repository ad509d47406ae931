// linear (F.linear): y = x·Wᵀ + b over the last dimension as one autograd node and one GEMM — b
// is copied into every row of y and the GEMM accumulates x·Wᵀ on top (matmul's transposeB and
// accumulate flags), so no broadcast add runs over [N, out]. Backward: dx = dy·W, dW = dyᵀ·x,
// db = Σ_rows dy. x [..., in] (N rows once the leading dims are folded), W [out, in], b [out].

import { DTypeError, ShapeError, describeValue, fmtShape, sizeOf, ValueError } from '@recur/backend';
import { expectTensor } from '../args.js';
import { empty, kernelView } from '../extend.js';
import { kernelOp } from '../kernel-op.js';
import { scope } from '../scope.js';
import { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';

/** x·Wᵀ + b for x [..., in], W [out, in], b [out] (or null/undefined: a plain x·Wᵀ) → [..., out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  expectTensor('linear', 'x', x);
  expectTensor('linear', 'weight', weight);
  if (bias !== undefined && bias !== null && !(bias instanceof Tensor)) {
    throw new ValueError(`linear: bias must be a Tensor or null; got ${describeValue(bias)}`);
  }
  for (const [what, t] of [
    ['x', x],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.dtype !== 'float32') throw new DTypeError(`linear: expected a float32 ${what}; got ${t.dtype}`);
  }
  if (weight.rank !== 2) throw new ShapeError(`linear: expected weight [out, in]; got ${fmtShape(weight.shape)}`);
  const [features, inner] = weight.shape as [number, number];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inner) {
    throw new ShapeError(`linear: expected x [..., ${inner}] for weight ${fmtShape(weight.shape)}; got ${fmtShape(x.shape)}`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== features)) {
    throw new ShapeError(`linear: expected bias [${features}] for weight ${fmtShape(weight.shape)}; got ${fmtShape(bias.shape)}`);
  }
  if (x.rank === 2) return affineRows(x, weight, bias ?? null);
  return scope(() => {
    // Every leading dimension folds into the rows of one GEMM: [N, in]·Wᵀ → [N, out].
    const lead = x.shape.slice(0, -1);
    return affineRows(x.reshape([sizeOf(lead), inner]), weight, bias ?? null).reshape([...lead, features]);
  });
}

/** The 2-D case; without a bias it is matmul's own node. */
function affineRows(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (!bias) return matmul(x, weight.T);
  const rows = x.shape[0]!;
  const features = weight.shape[0]!;
  return kernelOp('linear', [x, weight, bias], {
    forward: ({ backend }) => {
      const y = empty([rows, features], 'float32', backend);
      const Y = kernelView(y);
      const B = kernelView(bias);
      if (rows > 0) backend.copy({ ...B, shape: [rows, features], strides: [0, B.strides[0]!] }, Y);
      backend.matmul(kernelView(x), kernelView(weight), Y, { transposeB: true, accumulate: true });
      return { output: y, saved: [x, weight] as const };
    },
    backward: (dy, [xs, ws], { backend, needsInputGrad: [wantDx, wantDw, wantDb] }) => {
      // dx costs as much as dW; inputs (the first layer's data) rarely need it.
      const D = kernelView(dy);
      let dx: Tensor | null = null;
      let dW: Tensor | null = null;
      let db: Tensor | null = null;
      if (wantDx) {
        dx = empty(xs.shape, 'float32', backend);
        backend.matmul(D, kernelView(ws), kernelView(dx));
      }
      if (wantDw) {
        dW = empty(ws.shape, 'float32', backend);
        backend.matmul(D, kernelView(xs), kernelView(dW), { transposeA: true });
      }
      if (wantDb) {
        db = empty([features], 'float32', backend);
        const dbView = kernelView(db);
        if (rows > 0) backend.reduce('sum', D, [0], { ...dbView, shape: [1, features], strides: [features, dbView.strides[0]!] });
      }
      return [dx, dW, db];
    },
  });
}
