// Strided layouts for operands of the backend under test: where each logical element of a view
// lives in a larger buffer. Kernels must give the same values for every layout of the same
// logical tensor, and must not touch buffer elements outside an output view.

import { contiguousStrides, sizeOf } from '@recur/backend';
import type { Rng } from './prng.js';

/**
 * contiguous: row-major at offset 0, buffer exactly the view. offset: row-major, with padding
 * before and after. permuted: the axes stored in another order (a transposed tensor). sliced:
 * every axis stepped and started inside a larger buffer. broadcast: some axes of stride 0.
 * scalar: every stride 0 (a scalar expanded to the shape). Only the first four are valid outputs.
 */
export type LayoutKind = 'contiguous' | 'offset' | 'permuted' | 'sliced' | 'broadcast' | 'scalar';

export const OUTPUT_LAYOUTS: readonly LayoutKind[] = ['contiguous', 'offset', 'permuted', 'sliced'];

/** (input, output) layout pairs for one-input kernels: every input and output kind appears. */
export const UNARY_PLANS: readonly (readonly [LayoutKind, LayoutKind])[] = [
  ['contiguous', 'contiguous'],
  ['offset', 'sliced'],
  ['permuted', 'offset'],
  ['sliced', 'permuted'],
  ['broadcast', 'contiguous'],
  ['scalar', 'sliced'],
];

/** A layout kind, or broadcast along the given axes exactly (matmul batch dimensions). */
export type LayoutRequest = LayoutKind | { readonly kind: 'broadcast'; readonly axes: readonly number[] };

export interface Layout {
  readonly bufferSize: number;
  readonly strides: readonly number[];
  readonly offset: number;
}

export function layoutName(request: LayoutRequest): string {
  return typeof request === 'string' ? request : `broadcast[${request.axes.join(',')}]`;
}

export function makeLayout(request: LayoutRequest, shape: readonly number[], rng: Rng): Layout {
  if (typeof request !== 'string') return broadcastLayout(shape, request.axes, rng);
  const lead = rng.int(1, 7);
  const tail = rng.int(0, 5);
  const size = sizeOf(shape);
  switch (request) {
    case 'contiguous':
      return { bufferSize: size, strides: contiguousStrides(shape), offset: 0 };
    case 'offset':
      return { bufferSize: lead + size + tail, strides: contiguousStrides(shape), offset: lead };
    case 'permuted':
      return permutedLayout(shape, lead, tail, rng);
    case 'sliced':
      return slicedLayout(shape, lead, tail, rng);
    case 'broadcast': {
      const axes = shape.map((_, axis) => axis).filter(() => rng.next() < 0.5);
      if (axes.length === 0 && shape.length > 0) axes.push(rng.int(0, shape.length - 1));
      return broadcastLayout(shape, axes, rng);
    }
    case 'scalar':
      return { bufferSize: lead + 1 + tail, strides: shape.map(() => 0), offset: lead };
  }
}

function permutedLayout(shape: readonly number[], lead: number, tail: number, rng: Rng): Layout {
  let order = rng.permutation(shape.length);
  // An identity order would only repeat the offset layout; reversing gives a true transpose.
  if (order.every((axis, i) => axis === i)) order = order.reverse();
  const stored = order.map((axis) => shape[axis]!);
  const storedStrides = contiguousStrides(stored);
  const strides = new Array<number>(shape.length);
  order.forEach((axis, i) => (strides[axis] = storedStrides[i]!));
  return { bufferSize: lead + sizeOf(shape) + tail, strides, offset: lead };
}

function slicedLayout(shape: readonly number[], lead: number, tail: number, rng: Rng): Layout {
  const steps = shape.map(() => rng.int(1, 3));
  const starts = shape.map(() => rng.int(0, 2));
  const extents = shape.map((d, i) => starts[i]! + Math.max(d - 1, 0) * steps[i]! + 1 + rng.int(0, 2));
  const parentStrides = contiguousStrides(extents);
  let offset = lead;
  shape.forEach((_, i) => (offset += starts[i]! * parentStrides[i]!));
  return {
    bufferSize: lead + sizeOf(extents) + tail,
    strides: parentStrides.map((s, i) => s * steps[i]!),
    offset,
  };
}

function broadcastLayout(shape: readonly number[], axes: readonly number[], rng: Rng): Layout {
  const stored = shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
  const base = makeLayout(rng.pick(['offset', 'permuted', 'sliced'] as const), stored, rng);
  return { ...base, strides: base.strides.map((s, axis) => (axes.includes(axis) ? 0 : s)) };
}

/** Buffer index of every logical element of the view, in row-major order. */
export function viewIndices(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const size = sizeOf(shape);
  const indices = new Int32Array(size);
  if (size === 0) return indices;
  const rank = shape.length;
  const position = new Array<number>(rank).fill(0);
  let index = offset;
  for (let i = 0; i < size; i++) {
    indices[i] = index;
    for (let axis = rank - 1; axis >= 0; axis--) {
      position[axis]!++;
      index += strides[axis]!;
      if (position[axis]! < shape[axis]!) break;
      index -= strides[axis]! * shape[axis]!;
      position[axis] = 0;
    }
  }
  return indices;
}
