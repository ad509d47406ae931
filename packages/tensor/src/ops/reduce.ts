// Reductions over axes with keepDim, and their VJPs: sum, mean, max, min, logSumExp, argmax,
// argmin. `g` is the upstream gradient; it is broadcast back over the reduced axes.

import {
  DTypeError,
  IndexError,
  ShapeError,
  checkOptions,
  expectBool,
  expectIntegerList,
  fmtShape,
  sizeOf,
  type ReduceOp,
} from '@recur/backend';
import { expectTensor } from '../args.js';
import { Tensor } from '../tensor.js';
import { allocTensor, commonBackend, normAxes, normAxis, sameShape, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { noGrad, scope } from '../scope.js';
import { add, cast, div, eq, exp, log, mul, sub, where } from './elementwise.js';
import { expand, reshape } from './views.js';

export interface ReduceOptions {
  /** Axis or axes to reduce; default all. Negative axes count from the end. */
  readonly axis?: number | readonly number[];
  readonly keepDim?: boolean;
}

export interface ArgOptions {
  /** The axis to search; default: over the flattened tensor. */
  readonly axis?: number;
  readonly keepDim?: boolean;
}

/** The checked options of reduction `op` over tensor x (plain-JS callers may pass anything). */
function reduceOptions<T extends ReduceOptions | ArgOptions>(op: string, x: Tensor, options: T | undefined): T {
  expectTensor(op, 'x', x);
  const checked = checkOptions(op, options, ['axis', 'keepDim']);
  if (checked.keepDim !== undefined) expectBool(op, 'keepDim', checked.keepDim);
  return checked;
}

const keptShape = (shape: readonly number[], axes: readonly number[]): number[] => shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** Run a reduce kernel; the result keeps the reduced axes with size 1. */
function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[], dtype = x.dtype): Tensor {
  const backend = commonBackend(op, x);
  const out = allocTensor(keptShape(x.shape, axes), dtype, backend);
  backend.reduce(op, viewOf(x), axes, viewOf(out));
  return out;
}

function dropAxes(t: Tensor, axes: readonly number[], keepDim: boolean): Tensor {
  if (keepDim || axes.length === 0) return t;
  const shape = t.shape.filter((_, i) => !axes.includes(i));
  const view = reshape(t, shape);
  t.dispose();
  return view;
}

/** Broadcast a gradient of the reduced result back to the input's shape. */
function spread(g: Tensor, inputShape: readonly number[], axes: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(inputShape, axes)), inputShape);
}

function numeric(x: Tensor): Tensor {
  if (x.dtype === 'bool') return cast(x, 'int32');
  return x;
}

export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  options = reduceOptions('sum', x, options);
  const axes = normAxes('sum', options.axis, x.rank);
  return scope(() => {
    const y = dropAxes(reduceKernel('sum', numeric(x), axes), axes, options.keepDim ?? false);
    if (needsGrad(x)) {
      const shape = x.shape;
      attach(y, 'sum', [x], { vjp: (g) => [spread(g, shape, axes)] });
    }
    return y;
  });
}

export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  options = reduceOptions('mean', x, options);
  const axes = normAxes('mean', options.axis, x.rank);
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return scope(() => div(sum(x.dtype === 'float32' ? x : cast(x, 'float32'), options), count));
}

function extreme(op: 'max' | 'min', x: Tensor, options: ReduceOptions): Tensor {
  options = reduceOptions(op, x, options);
  const axes = normAxes(op, options.axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new ShapeError(`${op}: cannot reduce the empty axis ${a} of shape ${fmtShape(x.shape)}`);
  }
  return scope(() => {
    const kept = reduceKernel(op, numeric(x), axes);
    const y = dropAxes(kept, axes, options.keepDim ?? false);
    if (!needsGrad(x)) return y;
    const shape = x.shape;
    // Ties share the gradient evenly, as PyTorch's amax/amin and full max()/min() do.
    return attach(y, op, [x], {
      save: { x, y },
      vjp: (g, { x: xs, y: ys }) => {
        const mask = cast(eq(xs, spread(ys, shape, axes)), 'float32');
        const count = sum(mask, { axis: axes, keepDim: true });
        return [mul(spread(g, shape, axes), div(mask, count))];
      },
    });
  });
}

export const max = (x: Tensor, options: ReduceOptions = {}): Tensor => extreme('max', x, options);
export const min = (x: Tensor, options: ReduceOptions = {}): Tensor => extreme('min', x, options);

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, options: ArgOptions): Tensor {
  options = reduceOptions(op, x, options);
  if (x.dtype === 'bool') throw new DTypeError(`${op}: expected a float32 or int32 tensor; got bool`);
  if (options.axis === undefined) {
    if (x.size === 0) throw new ShapeError(`${op}: cannot search an empty tensor of shape ${fmtShape(x.shape)}`);
    const flat = reshape(x, [x.size]);
    const out = reduceKernel(op, flat, [0], 'int32');
    flat.dispose();
    return options.keepDim
      ? reshapeOwned(
          out,
          x.shape.map(() => 1),
        )
      : reshapeOwned(out, []);
  }
  const axis = normAxis(op, options.axis, x.rank);
  if (x.rank > 0 && x.shape[axis] === 0) {
    throw new IndexError(`${op}: cannot search the empty axis ${axis} of shape ${fmtShape(x.shape)}`);
  }
  const axes = x.rank === 0 ? [] : [axis];
  return dropAxes(reduceKernel(op, x, axes, 'int32'), axes, options.keepDim ?? false);
}

function reshapeOwned(t: Tensor, shape: readonly number[]): Tensor {
  const view = reshape(t, shape);
  t.dispose();
  return view;
}

export const argmax = (x: Tensor, options: ArgOptions = {}): Tensor => argExtreme('argmax', x, options);
export const argmin = (x: Tensor, options: ArgOptions = {}): Tensor => argExtreme('argmin', x, options);

/** log Σ exp(x) over axes, stable for large |x|: the maximum is subtracted first. */
export function logSumExp(x: Tensor, options: ReduceOptions = {}): Tensor {
  options = reduceOptions('logSumExp', x, options);
  const axes = normAxes('logSumExp', options.axis, x.rank);
  return scope(() => logSumExpBody(x, axes, options.keepDim ?? false));
}

function logSumExpBody(x: Tensor, axes: readonly number[], keepDim: boolean): Tensor {
  const shift = noGrad(() => {
    const m = reduceKernel('max', x, axes);
    // An all -∞ (or +∞) slice would give ∞ - ∞; shift by 0 there instead.
    return where(eq(sub(m, m), 0), m, 0);
  });
  const shifted = sub(x, shift);
  const total = log(sum(exp(shifted), { axis: axes, keepDim: true }));
  const y = add(total, shift);
  return keepDim
    ? y
    : reshape(
        y,
        x.shape.filter((_, i) => !axes.includes(i)),
      );
}

/** Sum a broadcast gradient back down to `shape` (the VJP of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  expectTensor('sumToShape', 'g', g);
  expectIntegerList('sumToShape', 'shape', shape);
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = sum(g, { axis: axes, keepDim: true });
  if (sizeOf(summed.shape) !== sizeOf(shape)) {
    throw new ShapeError(`sumToShape: gradient of shape ${fmtShape(g.shape)} cannot reduce to ${fmtShape(shape)}`);
  }
  return reshape(summed, shape);
}
