// The affine map y = x·Wᵀ + b over rows as one autograd node: b is copied into every row of y
// and the GEMM accumulates x·Wᵀ on top, so no separate broadcast add runs over [N, out]. The
// backward is dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy. x [N, in], W [out, in], b [out].

import { attach, backendOf, empty, kernelView, matmul, needsGrad, save, type Tensor } from '@recur/tensor';

/** x·Wᵀ + b for a 2-D x; without b this is a plain matmul. */
export function affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (!bias) return matmul(x, weight.T);
  const backend = backendOf('affine', x, weight, bias);
  const rows = x.shape[0]!;
  const features = weight.shape[0]!;
  const y = empty([rows, features], 'float32', backend);
  const Y = kernelView(y);
  const B = kernelView(bias);
  if (rows > 0) backend.copy({ ...B, shape: [rows, features], strides: [0, B.strides[0]!] }, Y);
  backend.matmul(kernelView(x), kernelView(weight), Y, { transposeB: true, accumulate: true });
  if (!needsGrad(x, weight, bias)) return y;
  // dx costs as much as dW; inputs (the first layer's data) rarely need it.
  const wantDx = x.requiresGrad;
  const saved = [save(x), save(weight)] as const;
  attach(y, 'affine', [x, weight, bias], (dy) => {
    const [xs, ws] = saved;
    const dx = wantDx ? empty(xs.shape, 'float32', backend) : null;
    const dW = empty(ws.shape, 'float32', backend);
    const db = empty([features], 'float32', backend);
    const D = kernelView(dy);
    if (dx) backend.matmul(D, kernelView(ws), kernelView(dx));
    backend.matmul(D, kernelView(xs), kernelView(dW), { transposeA: true });
    const dbView = kernelView(db);
    if (rows > 0) backend.reduce('sum', D, [0], { ...dbView, shape: [1, features], strides: [features, dbView.strides[0]!] });
    return [dx, dW, db];
  }, [...saved]);
  return y;
}
