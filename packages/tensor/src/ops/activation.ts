// softmax and logSoftmax along one axis, stable for inputs as large as ±1e4: the maximum is
// subtracted first (x - max is exact in float32), never a rounded log-sum-exp of ~1e4. VJPs: softmax dx = y·(g - Σ g·y); logSoftmax dx = g - softmax·Σ g.

import { DTypeError } from '@recur/backend';
import { Tensor } from '../tensor.js';
import { normAxis } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { noGrad, scope } from '../scope.js';
import { div, eq, exp, log, mul, sub, where } from './elementwise.js';
import { max, sum } from './reduce.js';
import { expectTensor } from '../args.js';

function checkFloat(op: string, x: Tensor): void {
  expectTensor(op, 'x', x);
  if (x.dtype !== 'float32') throw new DTypeError(`${op}: expected a float32 tensor; got ${x.dtype}`);
}

/** x minus its maximum along `axis` (0 where a slice is all ±∞, to avoid ∞ - ∞). */
function shiftByMax(x: Tensor, axis: number): Tensor {
  const m = max(x, { axis, keepDim: true });
  return sub(x, where(eq(sub(m, m), 0), m, 0));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', x);
  const a = normAxis('logSoftmax', axis, x.rank);
  return scope(() => {
    const y = noGrad(() => {
      const shifted = shiftByMax(x, a);
      return sub(shifted, log(sum(exp(shifted), { axis: a, keepDim: true })));
    });
    if (!needsGrad(x)) return y;
    return attach(y, 'logSoftmax', [x], {
      save: { y },
      vjp: (g, { y: ys }) => [sub(g, mul(exp(ys), sum(g, { axis: a, keepDim: true })))],
    });
  });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', x);
  const a = normAxis('softmax', axis, x.rank);
  return scope(() => {
    const y = noGrad(() => {
      const e = exp(shiftByMax(x, a));
      return div(e, sum(e, { axis: a, keepDim: true }));
    });
    if (!needsGrad(x)) return y;
    return attach(y, 'softmax', [x], {
      save: { y },
      vjp: (g, { y: ys }) => [mul(ys, sub(g, sum(mul(g, ys), { axis: a, keepDim: true })))],
    });
  });
}
