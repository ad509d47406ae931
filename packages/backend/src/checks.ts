// Argument checks every backend runs before a kernel touches memory, as pure functions over
// views and shapes: views inside their buffer, dtypes, equal shapes, axes, the shapes of a
// matmul and a reduction, and operands that must not overlap. Messages name the kernel and say
// what was expected versus what came. Each costs O(rank) (disjointness O(operands²)).
// M, N, K: rows of out, columns of out, the shared dimension of a matmul.

import type { MatmulOptions } from './backend.js';
import type { DType } from './dtype.js';
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from './errors.js';
import type { BackendBuffer, View } from './view.js';

/** The first and last element a view reaches in its buffer (equal offsets for rank 0). */
export function viewReach(view: View): [number, number] {
  let low = view.offset;
  let high = view.offset;
  for (let d = 0; d < view.shape.length; d++) {
    const reach = (view.shape[d]! - 1) * view.strides[d]!;
    if (reach < 0) low += reach;
    else high += reach;
  }
  return [low, high];
}

/**
 * `view` as kernel `op` receives operand `name`: its dtype is its buffer's, shape and strides
 * have one rank, sizes are whole and non-negative, and a non-empty view stays within the
 * buffer's `length` elements.
 */
export function checkView(op: string, name: string, view: View, length: number): void {
  if (view.dtype !== view.buffer.dtype) {
    throw new DTypeError(`${op}: ${name} view is ${view.dtype} but its buffer is ${view.buffer.dtype}`);
  }
  const { shape, strides, offset } = view;
  if (shape.length !== strides.length) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(shape)} but strides ${fmtShape(strides)}`);
  }
  let empty = false;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0) throw new ShapeError(`${op}: ${name} has invalid shape ${fmtShape(shape)}`);
    if (size === 0) empty = true;
  }
  if (empty) return;
  const [low, high] = viewReach(view);
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high >= length) {
    throw new IndexError(
      `${op}: ${name} view ${fmtShape(shape)} strides ${fmtShape(strides)} offset ${offset} ` +
        `reaches elements [${low}, ${high}] outside its buffer of ${length}`,
    );
  }
}

export function expectDType(op: string, name: string, actual: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(actual)) throw new DTypeError(`${op}: ${name} must be ${allowed.join(' or ')}, got ${actual}`);
}

export function expectSameDType(op: string, what: string, a: DType, b: DType): void {
  if (a !== b) throw new DTypeError(`${op}: ${what} dtypes differ: ${a} vs ${b}`);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

export function expectSameShape(op: string, what: string, a: readonly number[], b: readonly number[]): void {
  if (!sameShape(a, b)) throw new ShapeError(`${op}: ${what} shapes differ: ${fmtShape(a)} vs ${fmtShape(b)}`);
}

/** An axis in [0, rank); the tensor core normalises negative axes before calling. */
export function expectAxis(op: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new IndexError(`${op}: axis ${axis} out of range for rank ${rank}`);
}

/** Which axes of x a reduction folds, after checking them and out's shape (x's, reduced axes 1). */
export function reducedAxes(op: string, xShape: readonly number[], axes: readonly number[], outShape: readonly number[]): boolean[] {
  const reduced = new Array<boolean>(xShape.length).fill(false);
  for (const axis of axes) {
    expectAxis(op, axis, xShape.length);
    if (reduced[axis]) throw new ValueError(`${op}: axis ${axis} repeated in ${fmtShape(axes)}`);
    reduced[axis] = true;
  }
  const expected = xShape.map((size, d) => (reduced[d] ? 1 : size));
  if (!sameShape(outShape, expected)) {
    throw new ShapeError(`${op}: out shape ${fmtShape(outShape)}, expected ${fmtShape(expected)} for x ${fmtShape(xShape)}`);
  }
  return reduced;
}

/**
 * A reduction's axes of x split in two, in x's order: the kept axes (their sizes, x's strides and
 * out's strides), over which the outputs run, and the reduced axes (sizes, x's strides), which
 * each output folds. Every backend's reduce kernel walks these two layouts.
 */
export interface ReduceSplit {
  readonly keptShape: number[];
  readonly keptX: number[];
  readonly keptOut: number[];
  readonly reducedShape: number[];
  readonly reducedX: number[];
}

/** Splits x's axes by `reduced` (from `reducedAxes`); out has x's rank, its reduced axes of size 1. */
export function splitReduceAxes(
  x: { readonly shape: readonly number[]; readonly strides: readonly number[] },
  outStrides: readonly number[],
  reduced: readonly boolean[],
): ReduceSplit {
  const split: ReduceSplit = { keptShape: [], keptX: [], keptOut: [], reducedShape: [], reducedX: [] };
  x.shape.forEach((size, d) => {
    if (reduced[d]) {
      split.reducedShape.push(size);
      split.reducedX.push(x.strides[d]!);
    } else {
      split.keptShape.push(size);
      split.keptX.push(x.strides[d]!);
      split.keptOut.push(outStrides[d]!);
    }
  });
  return split;
}

/** The sizes of a checked matmul and which axis of a and b plays which part. */
export interface MatmulDims {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** out's leading dimensions, which a's and b's must equal (broadcast already applied). */
  readonly batchShape: readonly number[];
  readonly rowAxisA: number;
  readonly kAxisA: number;
  readonly kAxisB: number;
  readonly colAxisB: number;
}

function flags(options: MatmulOptions): string {
  const set = [options.transposeA ? 'transposeA' : '', options.transposeB ? 'transposeB' : ''].filter(Boolean);
  return set.length > 0 ? ` (${set.join(', ')})` : '';
}

/** The dims of out (+)= op(a)·op(b), or a ShapeError saying which shapes disagree. */
export function matmulDims(a: View, b: View, out: View, options: MatmulOptions = {}): MatmulDims {
  const rank = out.shape.length;
  if (rank < 2 || a.shape.length !== rank || b.shape.length !== rank) {
    throw new ShapeError(`matmul: a ${fmtShape(a.shape)}, b ${fmtShape(b.shape)} and out ${fmtShape(out.shape)} need one rank ≥ 2`);
  }
  const [rowAxisA, kAxisA] = options.transposeA ? [rank - 1, rank - 2] : [rank - 2, rank - 1];
  const [kAxisB, colAxisB] = options.transposeB ? [rank - 1, rank - 2] : [rank - 2, rank - 1];
  const M = a.shape[rowAxisA]!;
  const K = a.shape[kAxisA]!;
  const N = b.shape[colAxisB]!;
  if (b.shape[kAxisB] !== K) {
    throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)}` + flags(options));
  }
  const batchShape = out.shape.slice(0, rank - 2);
  for (const [name, view] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (view.shape.slice(0, rank - 2).some((size, d) => size !== batchShape[d])) {
      throw new ShapeError(`matmul: ${name} batch ${fmtShape(view.shape.slice(0, rank - 2))} differs from out's ${fmtShape(batchShape)}`);
    }
  }
  if (out.shape[rank - 2] !== M || out.shape[rank - 1] !== N) {
    throw new ShapeError(
      `matmul: out ${fmtShape(out.shape)}, expected [...,${M},${N}] for a ${fmtShape(a.shape)} · b ${fmtShape(b.shape)}`,
    );
  }
  return { M, N, K, batchShape, rowAxisA, kAxisA, kAxisB, colAxisB };
}

/** No two of the named views share an element of one buffer (kernels that update in place). */
export function expectDisjoint<B extends BackendBuffer>(op: string, named: readonly (readonly [string, View<B>])[]): void {
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      const [nameA, a] = named[i]!;
      const [nameB, b] = named[j]!;
      if (a.buffer !== b.buffer) continue;
      const [lowA, highA] = viewReach(a);
      const [lowB, highB] = viewReach(b);
      if (lowA <= highB && lowB <= highA) {
        throw new ValueError(`${op}: ${nameA} and ${nameB} overlap in one buffer; every operand needs its own memory`);
      }
    }
  }
}
