// The input projection of a layer whose step sees b_ih + b_hh: x·W_ihᵀ + (b_ih + b_hh) as one
// autograd node. The forward writes every row of y as b_ih + b_hh (one broadcast add) and the GEMM
// accumulates x·W_ihᵀ on top — the same float32 sums as add(b_ih, b_hh) then linear, without the
// bias sum's own tensor and op per call (a streaming step pays for each). x [N, I], W [G·H, I].

import { empty, kernelOp, kernelView, type Tensor } from '@recur/tensor';

/** x·Wᵀ + (biasIh + biasHh) → [N, G·H]; both biases get Σ_rows dy. */
export function projectInput(x: Tensor, weight: Tensor, biasIh: Tensor, biasHh: Tensor): Tensor {
  const rows = x.shape[0]!;
  const features = weight.shape[0]!;
  return kernelOp('linear', [x, weight, biasIh, biasHh], {
    forward: ({ backend }) => {
      const y = empty([rows, features], 'float32', backend);
      const Y = kernelView(y);
      const rowsOf = (bias: Tensor) => {
        const view = kernelView(bias);
        return { ...view, shape: [rows, features], strides: [0, view.strides[0]!] };
      };
      if (rows > 0) backend.binary('add', rowsOf(biasIh), rowsOf(biasHh), Y);
      backend.matmul(kernelView(x), kernelView(weight), Y, { transposeB: true, accumulate: true });
      return { output: y, saved: [x, weight] as const };
    },
    backward: (dy, [xs, ws], { backend, needsInputGrad: [wantDx, wantDw, wantDbIh, wantDbHh] }) => {
      const D = kernelView(dy);
      let dx: Tensor | null = null;
      let dW: Tensor | null = null;
      if (wantDx) {
        dx = empty(xs.shape, 'float32', backend);
        backend.matmul(D, kernelView(ws), kernelView(dx));
      }
      if (wantDw) {
        dW = empty(ws.shape, 'float32', backend);
        backend.matmul(D, kernelView(xs), kernelView(dW), { transposeA: true });
      }
      const biasGrad = (wanted: boolean | undefined): Tensor | null => {
        if (!wanted) return null;
        const db = empty([features], 'float32', backend);
        const view = kernelView(db);
        if (rows > 0) backend.reduce('sum', D, [0], { ...view, shape: [1, features], strides: [features, view.strides[0]!] });
        return db;
      };
      return [dx, dW, biasGrad(wantDbIh), biasGrad(wantDbHh)];
    },
  });
}
