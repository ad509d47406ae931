// reduce: sum/prod/max/min over any axes and argmax/argmin over one, as tfjs reductions with
// kept dimensions. bool operands are reduced as int32 (tfjs has no bool max); an empty reduced
// axis gives the op's identity as the out dtype stores it (sum 0, prod 1, max −∞, min +∞).
// On GPU engines argmax/argmin break ties themselves (precise.ts): tfjs's may pick any tied index.

import { REDUCE_DTYPES, REDUCE_OPS, ValueError, reducedAxes, sizeOf, typedArrayFor, type ReduceOp, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { checked, expectDType, writeOut, type KernelContext } from './context.js';
import type { TfjsBuffer } from './memory.js';
import { firstArgExtreme } from './precise.js';
import { load } from './views.js';

type TfjsView = View<TfjsBuffer>;

function reduceTensor(op: ReduceOp, x: tf.Tensor, axes: number[], gpu: boolean): tf.Tensor {
  const input = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  switch (op) {
    case 'sum':
      return tf.sum(input, axes, true);
    case 'prod':
      return tf.prod(input, axes, true);
    case 'max':
      return tf.max(input, axes, true);
    case 'min':
      return tf.min(input, axes, true);
    case 'argmax':
      return gpu ? firstArgExtreme(input, axes[0]!, 'max') : tf.expandDims(tf.argMax(input, axes[0]), axes[0]);
    case 'argmin':
      return gpu ? firstArgExtreme(input, axes[0]!, 'min') : tf.expandDims(tf.argMin(input, axes[0]), axes[0]);
  }
}

export function reduce(context: KernelContext, op: ReduceOp, x: TfjsView, axes: readonly number[], out: TfjsView): void {
  const name = `reduce(${op})`;
  if (REDUCE_DTYPES[op] === undefined) throw new ValueError(`reduce: unknown op '${String(op)}'`);
  checked(context, name, 'out', out);
  checked(context, name, 'x', x);
  expectDType(name, 'x', x.dtype, REDUCE_DTYPES[op]);
  const isArg = op === 'argmax' || op === 'argmin';
  expectDType(name, 'out', out.dtype, [isArg ? 'int32' : x.dtype]);
  const reduced = reducedAxes(name, x.shape, axes, out.shape);
  const folded = sizeOf(x.shape.filter((_, d) => reduced[d]));
  if (isArg && (axes.length !== 1 || folded === 0)) {
    throw new ValueError(`${name}: needs exactly one non-empty axis; got axes [${axes.join(',')}] of shape [${x.shape.join(',')}]`);
  }
  if (sizeOf(out.shape) === 0) return;
  if (folded === 0) {
    const identity = typedArrayFor(out.dtype, 1);
    identity[0] = REDUCE_OPS[op as keyof typeof REDUCE_OPS].init;
    writeOut(context, out, () => tf.fill(out.shape as number[], identity[0]!, out.dtype));
    return;
  }
  const axisList = x.shape.map((_, d) => d).filter((d) => reduced[d]);
  writeOut(context, out, () =>
    axisList.length === 0
      ? load(context.cache, x)
      : reduceTensor(op, load(context.cache, x), axisList, context.engine === 'webgl' || context.engine === 'webgpu'),
  );
}
