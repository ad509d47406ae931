// View ops: new shape/strides/offset over the same storage, no copy (reshape copies only when
// no strides can express it). Each VJP maps the gradient back through the inverse view;
// slicing VJPs write g into the sliced window of a zero tensor of the input's shape.

import {
  IndexError,
  ShapeError,
  ValueError,
  contiguousStrides,
  expectAxes,
  expectInteger,
  expectIntegerList,
  fmtShape,
  sizeOf,
} from '@recur/backend';
import { expectTensor } from '../args.js';
import { Tensor } from '../tensor.js';
import { allocTensor, commonBackend, normAxis, sameShape, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { WindowGrad, type Gradient } from '../window-grad.js';
import { sumToShape } from './reduce.js';

function withGrad(y: Tensor, x: Tensor, name: string, vjp: (g: Tensor) => Gradient): Tensor {
  if (needsGrad(x)) attach(y, name, [x], { vjp: (g) => [vjp(g)] });
  return y;
}

/** Replace one -1 in `shape` so the sizes match `size`, or a ShapeError. */
function resolveShape(op: string, shape: readonly number[], from: readonly number[]): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')) expectIntegerList(op, 'shape', shape);
  const size = sizeOf(from);
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1)) throw new ShapeError(`${op}: only one dimension may be -1; got ${fmtShape(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)}`);
  }
  if (free >= 0) {
    const known = out.reduce((n, d, i) => (i === free ? n : n * d), 1);
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(shape)}`);
    }
    out[free] = size / known;
  }
  if (sizeOf(out) !== size) {
    throw new ShapeError(`${op}: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(shape)}`);
  }
  return out;
}

/**
 * Strides that let a view of (shape, strides) be seen as `target` without copying, or null.
 * Walks runs of old dimensions that are contiguous with each other (as PyTorch's computeStride).
 */
function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  if (sizeOf(shape) === 0) return contiguousStrides(target);
  const out = new Array<number>(target.length);
  let viewD = target.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorElems = 1;
  let viewElems = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorElems *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorElems * chunkBase)) {
      while (viewD >= 0 && (viewElems < tensorElems || target[viewD] === 1)) {
        out[viewD] = viewElems * chunkBase;
        viewElems *= target[viewD]!;
        viewD--;
      }
      if (viewElems !== tensorElems) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorElems = 1;
        viewElems = 1;
      }
    }
  }
  if (viewD !== -1) {
    while (viewD >= 0) {
      if (target[viewD] !== 1) return null;
      out[viewD] = 1;
      viewD--;
    }
  }
  return out;
}

/** The same elements in a new shape (one dimension may be -1); copies only if it must. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', 'x', x);
  const target = resolveShape('reshape', shape, x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  const y = strides ? x.viewAs(target, strides, x.offset) : contiguousCopy(x, target);
  const from = x.shape;
  return withGrad(y, x, 'reshape', (g) => reshape(g, from));
}

/** Like reshape, but a ShapeError instead of a copy when strides cannot express it. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('view', 'x', x);
  const target = resolveShape('view', shape, x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides) {
    throw new ShapeError(
      `view: a tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(target)}; use reshape()`,
    );
  }
  const from = x.shape;
  return withGrad(x.viewAs(target, strides, x.offset), x, 'view', (g) => reshape(g, from));
}

function contiguousCopy(x: Tensor, shape: readonly number[]): Tensor {
  const backend = commonBackend('contiguous', x);
  const y = allocTensor(x.shape, x.dtype, backend);
  backend.copy(viewOf(x), viewOf(y));
  if (sameShape(shape, x.shape)) return y;
  const out = y.viewAs(shape, contiguousStrides(shape), 0);
  y.dispose();
  return out;
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  expectTensor('permute', 'x', x);
  expectIntegerList('permute', 'axes', axes);
  const norm = axes.map((a) => normAxis('permute', a, x.rank));
  if (norm.length !== x.rank || new Set(norm).size !== norm.length) {
    throw new IndexError(`permute: expected a permutation of ${x.rank} axes; got ${JSON.stringify(axes)}`);
  }
  const y = x.viewAs(
    norm.map((a) => x.shape[a]!),
    norm.map((a) => x.strides[a]!),
    x.offset,
  );
  const inverse = new Array<number>(norm.length);
  norm.forEach((a, i) => (inverse[a] = i));
  return withGrad(y, x, 'permute', (g) => permute(g, inverse));
}

export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  expectTensor('transpose', 'x', x);
  expectInteger('transpose', 'axis0', axis0);
  expectInteger('transpose', 'axis1', axis1);
  if (x.rank < 2)
    return permute(
      x,
      x.shape.map((_, i) => i),
    );
  const a = normAxis('transpose', axis0, x.rank);
  const b = normAxis('transpose', axis1, x.rank);
  const axes = x.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

/** Broadcast to `shape` without copying (-1 keeps a dimension); size-1 dims get stride 0. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('expand', 'x', x);
  expectIntegerList('expand', 'shape', shape);
  const shift = shape.length - x.rank;
  if (shift < 0) throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= shift ? x.shape[i - shift]! : d));
  const strides = target.map((d, i) => {
    if (i < shift) return 0;
    const own = x.shape[i - shift]!;
    if (own === d) return x.strides[i - shift]!;
    if (own === 1) return 0;
    throw new ShapeError(`expand: dimension ${i - shift} of size ${own} cannot expand to ${d} (${fmtShape(x.shape)} → ${fmtShape(shape)})`);
  });
  const from = x.shape;
  return withGrad(x.viewAs(target, strides, x.offset), x, 'expand', (g) => sumToShape(g, from));
}

/** The VJP of a window view: g, to be added into that window of the input's gradient. */
function embed(g: Tensor, inputShape: readonly number[], window: (t: Tensor) => Tensor): WindowGrad {
  return new WindowGrad(g, inputShape, window);
}

function stepView(x: Tensor, axis: number, start: number, length: number, step: number): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[axis] = length;
  strides[axis] = x.strides[axis]! * step;
  return x.viewAs(shape, strides, x.offset + (length > 0 ? start * x.strides[axis]! : 0));
}

/** Elements start … start+length-1 along `axis` (a view). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  expectTensor('narrow', 'x', x);
  expectInteger('narrow', 'start', start);
  expectInteger('narrow', 'length', length);
  const a = normAxis('narrow', axis, x.rank);
  const size = x.shape[a]!;
  if (start < 0) start += size;
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > size) {
    throw new IndexError(`narrow: start ${start} and length ${length} exceed axis ${a} of size ${size} (shape ${fmtShape(x.shape)})`);
  }
  const from = x.shape;
  return withGrad(stepView(x, a, start, length, 1), x, 'narrow', (g) => embed(g, from, (t) => stepView(t, a, start, length, 1)));
}

/** Python-style slice start:end:step along `axis` (negative bounds count from the end; step > 0). */
export function slice(x: Tensor, axis: number, start = 0, end = Infinity, step = 1): Tensor {
  expectTensor('slice', 'x', x);
  expectInteger('slice', 'start', start);
  if (end !== Infinity) expectInteger('slice', 'end', end);
  const a = normAxis('slice', axis, x.rank);
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer; got ${step}`);
  const size = x.shape[a]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const lo = clampIndex(start);
  const hi = Math.max(lo, clampIndex(end));
  const length = Math.ceil((hi - lo) / step);
  const from = x.shape;
  return withGrad(stepView(x, a, lo, length, step), x, 'slice', (g) => embed(g, from, (t) => stepView(t, a, lo, length, step)));
}

function selectView(x: Tensor, axis: number, index: number): Tensor {
  return x.viewAs(
    x.shape.filter((_, i) => i !== axis),
    x.strides.filter((_, i) => i !== axis),
    x.offset + index * x.strides[axis]!,
  );
}

/** The slice at `index` along `axis`, with that axis removed (a view). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  expectTensor('select', 'x', x);
  expectInteger('select', 'index', index);
  const a = normAxis('select', axis, x.rank);
  const size = x.shape[a]!;
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new IndexError(`select: index ${index} out of range for axis ${a} of size ${size} (shape ${fmtShape(x.shape)})`);
  }
  const from = x.shape;
  return withGrad(selectView(x, a, i), x, 'select', (g) => embed(g, from, (t) => selectView(t, a, i)));
}

export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  expectTensor('squeeze', 'x', x);
  if (axis !== undefined) expectAxes('squeeze', 'axis', axis);
  const axes =
    axis === undefined ? x.shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((a) => normAxis('squeeze', a, x.rank));
  return reshape(
    x,
    x.shape.filter((d, i) => !(d === 1 && axes.includes(i))),
  );
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  expectTensor('unsqueeze', 'x', x);
  const a = normAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  expectTensor('flatten', 'x', x);
  expectInteger('flatten', 'startAxis', startAxis);
  expectInteger('flatten', 'endAxis', endAxis);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startAxis, x.rank);
  const e = normAxis('flatten', endAxis, x.rank);
  if (s > e) throw new IndexError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = x.shape.slice(s, e + 1).reduce((n, d) => n * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** A contiguous tensor with x's values (a new view handle when x already is contiguous). */
export function contiguous(x: Tensor): Tensor {
  expectTensor('contiguous', 'x', x);
  return x.isContiguous ? reshape(x, x.shape) : clone(x);
}

/** A contiguous copy that keeps the gradient path. */
export function clone(x: Tensor): Tensor {
  expectTensor('clone', 'x', x);
  return withGrad(contiguousCopy(x, x.shape), x, 'clone', (g) => g);
}
