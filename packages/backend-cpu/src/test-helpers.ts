// Test support (not shipped): random strided layouts over real buffers and a
// naive reader that walks a view index by index, the reference every kernel test compares with.
// A layout permutes, pads, steps and (for inputs) broadcasts each dimension independently.

import { expect } from 'vitest';
import { sizeOf, typedArrayFor, type BackendV1, type DType, type View } from '@recur/backend';
import type { CpuBuffer } from './memory.js';

export type Backend = BackendV1<CpuBuffer>;
export type CpuView = View<CpuBuffer>;

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Sizes that are not multiples of any tile, plus 0 and 1. */
export const ODD_SIZES = [0, 1, 1, 2, 3, 4, 5, 7, 17, 33];

/** A random shape of rank 0..maxRank; `allowZero` lets a dimension be 0. */
export function randomShape(random: () => number, maxRank = 4, allowZero = true): number[] {
  const rank = Math.floor(random() * (maxRank + 1));
  const sizes = allowZero ? ODD_SIZES : ODD_SIZES.filter((size) => size > 0);
  const shape = Array.from({ length: rank }, () => pick(random, sizes));
  // Keep tests fast: shrink the largest dims until the tensor is small.
  while (sizeOf(shape) > 4000) shape[shape.indexOf(Math.max(...shape))] = 3;
  return shape;
}

export interface LayoutOptions {
  /** Allow stride-0 (broadcast) dimensions: for inputs only. */
  readonly broadcast?: boolean;
  /** Force a contiguous row-major layout. */
  readonly contiguous?: boolean;
}

/** Random strides and offset for `shape`, and the buffer size they need. */
export function randomLayout(
  random: () => number,
  shape: readonly number[],
  options: LayoutOptions = {},
): { strides: number[]; offset: number; size: number } {
  const rank = shape.length;
  if (options.contiguous) {
    const strides = new Array<number>(rank);
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= shape[d]!;
    }
    return { strides, offset: 0, size: sizeOf(shape) };
  }
  const order = Array.from({ length: rank }, (_, d) => d);
  if (random() < 0.5) order.sort(() => random() - 0.5);
  const broadcast = shape.map((size) => options.broadcast === true && size > 1 && random() < 0.3);
  const step = shape.map(() => (random() < 0.25 ? 2 : 1));
  const pad = shape.map((_, d) => (!broadcast[d] && random() < 0.4 ? Math.floor(random() * 3) : 0));
  const extent = shape.map((size, d) => (broadcast[d] ? 1 : Math.max(0, size - 1) * step[d]! + 1 + pad[d]!));
  const physical = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let k = rank - 1; k >= 0; k--) {
    const d = order[k]!;
    physical[d] = stride;
    stride *= extent[d]!;
  }
  const lead = Math.floor(random() * 3);
  let offset = lead;
  shape.forEach((_, d) => (offset += Math.floor(random() * (pad[d]! + 1)) * physical[d]!));
  const strides = shape.map((_, d) => (broadcast[d] ? 0 : physical[d]! * step[d]!));
  return { strides, offset, size: lead + stride + 1 };
}

/** Random values for a dtype: floats in (-scale, scale), small ints, or 0/1. */
export function randomValue(random: () => number, dtype: DType, scale = 4): number {
  if (dtype === 'bool') return random() < 0.5 ? 0 : 1;
  if (dtype === 'int32') return Math.floor((random() * 2 - 1) * 20);
  return (random() * 2 - 1) * scale;
}

/** A fresh buffer holding a view of `shape` with a random layout; every element is random. */
export function makeView(
  backend: Backend,
  random: () => number,
  dtype: DType,
  shape: readonly number[],
  options: LayoutOptions & { values?: (random: () => number) => number } = {},
): CpuView {
  const layout = randomLayout(random, shape, options);
  const buffer = backend.alloc(layout.size, dtype);
  const data = typedArrayFor(dtype, layout.size);
  const value = options.values ?? ((r: () => number) => randomValue(r, dtype));
  for (let i = 0; i < data.length; i++) data[i] = value(random);
  backend.write(buffer, data);
  return { buffer, dtype, shape: [...shape], strides: layout.strides, offset: layout.offset };
}

/** Visit every multi-index of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], visit: (index: number[], flat: number) => void): void {
  const total = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    visit(index, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

export function elementOffset(view: CpuView, index: readonly number[]): number {
  let offset = view.offset;
  index.forEach((i, d) => (offset += i * view.strides[d]!));
  return offset;
}

/** The view's logical elements in row-major order, read index by index. */
export function readView(backend: Backend, view: CpuView): number[] {
  const data = backend.readSync!(view.buffer);
  const values: number[] = [];
  forEachIndex(view.shape, (index) => values.push(data[elementOffset(view, index)]!));
  return values;
}

/** Buffer positions the view does not cover: a kernel must leave them as they were. */
export function outsideView(view: CpuView): (data: ArrayLike<number>) => number[] {
  const inside = new Set<number>();
  forEachIndex(view.shape, (index) => inside.add(elementOffset(view, index)));
  return (data) => Array.from(data).filter((_, i) => !inside.has(i));
}

/** Compares one element: true when `actual` is acceptable for `expected`. */
export type Compare = (actual: number, expected: number, flat: number) => boolean;

/** Exact equality, NaN equal to NaN (typed-array stores never make -0 from +0 on their own). */
export const exact: Compare = (actual, expected) => actual === expected || (Number.isNaN(actual) && Number.isNaN(expected));

/**
 * Run `kernel` on `out` and check it wrote `expected` (row-major) and touched nothing else in
 * the buffer. Elements are compared in a plain loop and reported together, the first few shown.
 */
export function expectWrites(
  backend: Backend,
  out: CpuView,
  kernel: () => void,
  expected: readonly number[],
  compare: Compare = exact,
): void {
  const untouched = outsideView(out);
  const before = untouched(backend.readSync!(out.buffer));
  kernel();
  const actual = readView(backend, out);
  expect(actual.length).toBe(expected.length);
  const wrong: string[] = [];
  actual.forEach((value, flat) => {
    if (!compare(value, expected[flat]!, flat)) wrong.push(`[${flat}] got ${value}, expected ${expected[flat]}`);
  });
  expect(wrong.slice(0, 8), `${wrong.length} wrong elements of ${expected.length}`).toEqual([]);
  expect(untouched(backend.readSync!(out.buffer))).toEqual(before);
}

/** Float32 closeness: |a - e| ≤ tolerance·max(1, |e|); NaN and infinities must match exactly. */
export function close(actual: number, expected: number, tolerance = 1e-6): boolean {
  if (!Number.isFinite(expected)) return exact(actual, expected, 0);
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

/** Store a float64 reference value the way a typed array of `dtype` would. */
export function store(dtype: DType, value: number): number {
  if (dtype === 'float32') return Math.fround(value);
  if (dtype === 'int32') return value | 0;
  return value & 0xff;
}
