// Matrix products with PyTorch's matmul rules: 1-D operands are promoted (and the added axis
// removed), batch dimensions broadcast. A [..., M, K] · B [..., K, N] → [..., M, N];
// the VJP is dA = g·Bᵀ and dB = Aᵀ·g, summed over broadcast batch dimensions.

import { DTypeError, ShapeError, fmtShape } from '@recur/backend';
import { Tensor } from '../tensor.js';
import { allocTensor, broadcastShapes, broadcastViewOf, commonBackend, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { scope } from '../scope.js';
import { reshape, transpose } from './views.js';
import { sumToShape } from './reduce.js';
import { expectTensor } from '../args.js';

/** The matrix product of two ≥2-D float32 tensors with broadcast batch dims (no autograd). */
function matmulKernel(a: Tensor, b: Tensor): Tensor {
  const backend = commonBackend('matmul', a, b);
  const m = a.shape[a.rank - 2]!;
  const n = b.shape[b.rank - 1]!;
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = allocTensor([...batch, m, n], 'float32', backend);
  backend.matmul(
    broadcastViewOf(a, [...batch, m, a.shape[a.rank - 1]!]),
    broadcastViewOf(b, [...batch, b.shape[b.rank - 2]!, n]),
    viewOf(out),
  );
  return out;
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', 'a', a);
  expectTensor('matmul', 'b', b);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new DTypeError(`matmul: expected float32 operands; got ${a.dtype} · ${b.dtype}`);
  }
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: both operands need at least one dimension; got ${fmtShape(a.shape)} · ${fmtShape(b.shape)}`);
  }
  const ka = a.shape[a.rank - 1]!;
  const kb = b.shape[Math.max(0, b.rank - 2)]!;
  if (ka !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)}`);
  }
  return scope(() => {
    const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
    let y = matmulKernel(a2, b2);
    if (needsGrad(a2, b2)) {
      const needA = a2.requiresGrad;
      const needB = b2.requiresGrad;
      attach(y, 'matmul', [a2, b2], {
        save: { a: a2, b: b2 },
        vjp: (g, { a: as, b: bs }) => [
          needA ? sumToShape(matmul(g, transpose(bs)), as.shape) : null,
          needB ? sumToShape(matmul(transpose(as), g), bs.shape) : null,
        ],
      });
    }
    // Remove the axes that promotion added.
    if (a.rank === 1) y = reshape(y, [...y.shape.slice(0, -2), y.shape[y.rank - 1]!]);
    if (b.rank === 1) y = reshape(y, y.shape.slice(0, -1));
    return y;
  });
}
