// In-place writes for parameter updates (optimizers, initialisers, checkpoint loading):
// copy a broadcast value into a tensor's own memory. Never recorded by autograd.

import { DTypeError, GradError, ShapeError, fmtShape } from '@recur/backend';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastViewOf, commonBackend, sameShape, viewOf } from '../internal.js';
import { engine } from '../engine.js';
import { expectOperand, expectTensor } from '../args.js';

/** Overwrite `target`'s elements with `value` (broadcast to its shape). Returns target. */
export function assign(target: Tensor, value: Tensor | number): Tensor {
  expectTensor('assign', 'target', target);
  expectOperand('assign', 'value', value);
  if (engine.gradEnabled && target.requiresGrad) {
    throw new GradError('assign: in-place update of a tensor that requires grad; wrap the update in noGrad()');
  }
  const backend = commonBackend('assign', target);
  if (typeof value === 'number') {
    if (target.size > 0) backend.fill(viewOf(target), value);
    return target;
  }
  commonBackend('assign', target, value);
  if (value.dtype !== target.dtype) {
    throw new DTypeError(`assign: value is ${value.dtype}, target is ${target.dtype}`);
  }
  const shape = broadcastShapes('assign', target.shape, value.shape);
  if (!sameShape(shape, target.shape)) {
    throw new ShapeError(`assign: value of shape ${fmtShape(value.shape)} does not broadcast to ${fmtShape(target.shape)}`);
  }
  if (target.size > 0) backend.copy(broadcastViewOf(value, target.shape), viewOf(target));
  return target;
}
