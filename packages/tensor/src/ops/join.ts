// Joining and splitting: concat, stack, split, chunk, and constant padding. Split pieces are
// views; concat and pad copy into windows of a new tensor, and their VJPs slice g back.

import { DTypeError, ShapeError, ValueError, describeValue, expectIntegerList, expectNumber, fmtShape } from '@recur/backend';
import { expectTensor } from '../args.js';
import { Tensor } from '../tensor.js';
import { allocTensor, commonBackend, normAxis, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { full } from '../creation.js';
import { scope } from '../scope.js';
import { narrow, unsqueeze } from './views.js';

/** Join tensors along an existing axis; all other dimensions must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  expectTensorList('concat', tensors);
  const first = tensors[0]!;
  const a = normAxis('concat', axis, first.rank);
  for (const [k, t] of tensors.entries()) {
    if (t.dtype !== first.dtype) throw new DTypeError(`concat: tensor ${k} is ${t.dtype}, tensor 0 is ${first.dtype}`);
    const same = t.rank === first.rank && t.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!same) {
      throw new ShapeError(
        `concat: tensor ${k} has shape ${fmtShape(t.shape)}, expected ${fmtShape(first.shape.map((d, i) => (i === a ? -1 : d)))} with any size on axis ${a}`,
      );
    }
  }
  const backend = commonBackend('concat', ...tensors);
  const sizes = tensors.map((t) => t.shape[a]!);
  const shape = [...first.shape];
  shape[a] = sizes.reduce((n, d) => n + d, 0);
  const y = allocTensor(shape, first.dtype, backend);
  let start = 0;
  for (const t of tensors) {
    const window = y.viewAs(t.shape, y.strides, start * y.strides[a]!);
    if (t.size > 0) backend.copy(viewOf(t), viewOf(window));
    window.dispose();
    start += t.shape[a]!;
  }
  if (needsGrad(...tensors)) {
    const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((n, d) => n + d, 0));
    const need = tensors.map((t) => t.requiresGrad);
    attach(y, 'concat', tensors, { vjp: (g) => sizes.map((size, k) => (need[k] ? narrow(g, a, starts[k]!, size) : null)) });
  }
  return y;
}

/** A non-empty array of tensors, or a ValueError naming the first entry that is not one. */
function expectTensorList(op: string, tensors: unknown): asserts tensors is readonly Tensor[] {
  if (!Array.isArray(tensors)) throw new ValueError(`${op}: expected an array of tensors; got ${describeValue(tensors)}`);
  if (tensors.length === 0) throw new ValueError(`${op}: expected at least one tensor`);
  tensors.forEach((t, k) => expectTensor(op, `tensors[${k}]`, t));
}

/** Join tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  expectTensorList('stack', tensors);
  const first = tensors[0]!;
  for (const [k, t] of tensors.entries()) {
    if (t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(`stack: tensor ${k} has shape ${fmtShape(t.shape)}, tensor 0 has ${fmtShape(first.shape)}`);
    }
  }
  const a = normAxis('stack', axis, first.rank + 1);
  return scope(() =>
    concat(
      tensors.map((t) => unsqueeze(t, a)),
      a,
    ),
  );
}

/** Views of consecutive pieces along `axis`: of `size` each (the last may be smaller), or of the given sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  expectTensor('split', 'x', x);
  if (typeof sizeOrSections !== 'number') expectIntegerList('split', 'sizeOrSections', sizeOrSections);
  const a = normAxis('split', axis, x.rank);
  const length = x.shape[a]!;
  let sections: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) {
      throw new ValueError(`split: size must be a positive integer; got ${sizeOrSections}`);
    }
    sections = [];
    for (let s = 0; s < length; s += sizeOrSections) sections.push(Math.min(sizeOrSections, length - s));
    if (length === 0) sections.push(0);
  } else {
    sections = [...sizeOrSections];
    const total = sections.reduce((n, d) => n + d, 0);
    if (total !== length || sections.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`split: sections ${JSON.stringify(sections)} do not sum to axis ${a} of size ${length}`);
    }
  }
  let start = 0;
  return sections.map((size) => {
    const piece = narrow(x, a, start, size);
    start += size;
    return piece;
  });
}

/** `chunks` views of nearly equal size along `axis` (PyTorch's chunk: ⌈n/chunks⌉ each). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  expectTensor('chunk', 'x', x);
  if (typeof chunks !== 'number' || !Number.isInteger(chunks) || chunks <= 0) {
    throw new ValueError(`chunk: chunks must be a positive integer; got ${describeValue(chunks)}`);
  }
  const a = normAxis('chunk', axis, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[a]! / chunks)), a);
}

/**
 * Constant padding as PyTorch's F.pad: `pads` holds (before, after) pairs starting from the
 * last axis: [lastBefore, lastAfter, secondLastBefore, …]. Pads must be non-negative.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  expectTensor('pad', 'x', x);
  expectIntegerList('pad', 'pads', pads);
  expectNumber('pad', 'value', value);
  if (pads.length % 2 !== 0 || pads.length / 2 > x.rank) {
    throw new ValueError(`pad: expected an even number of pads for at most ${x.rank} axes; got ${pads.length}`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0))
    throw new ValueError(`pad: pads must be non-negative integers; got ${JSON.stringify(pads)}`);
  const before = x.shape.map(() => 0);
  const shape = [...x.shape];
  for (let k = 0; k < pads.length / 2; k++) {
    const axisIndex = x.rank - 1 - k;
    before[axisIndex] = pads[2 * k]!;
    shape[axisIndex] = shape[axisIndex]! + pads[2 * k]! + pads[2 * k + 1]!;
  }
  const backend = commonBackend('pad', x);
  const y = full(shape, value, { dtype: x.dtype, backend });
  const offset = before.reduce((n, b, i) => n + b * y.strides[i]!, 0);
  const window = y.viewAs(x.shape, y.strides, offset);
  if (x.size > 0) backend.copy(viewOf(x), viewOf(window));
  window.dispose();
  if (needsGrad(x)) {
    const xShape = x.shape;
    attach(y, 'pad', [x], {
      vjp: (g) => [g.viewAs(xShape, g.strides, g.offset + before.reduce((n, b, i) => n + b * g.strides[i]!, 0))],
    });
  }
  return y;
}
