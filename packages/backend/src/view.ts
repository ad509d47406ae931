// Strided views: how kernels see their operands. A view is (buffer, shape, strides, offset);
// element [i0, i1, …] lives at offset + Σ ik·strides[k] in the buffer. Stride 0 = broadcast.

import type { DType } from './dtype.js';

/** An opaque handle to backend memory; only the backend that made it can read it. */
export interface BackendBuffer {
  readonly backend: string;
  /** Number of elements (not bytes). */
  readonly size: number;
  readonly dtype: DType;
}

/** A strided window onto a buffer, in elements. */
export interface View<B extends BackendBuffer = BackendBuffer> {
  readonly buffer: B;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Number of elements of a shape (1 for a scalar, 0 if any dimension is 0). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when the view is row-major contiguous (size-1 dimensions may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * Merge adjacent dimensions that are contiguous with each other in every operand, and drop
 * size-1 dimensions, so kernels loop over as few dimensions as possible. All operands share
 * `shape`; returns the merged shape and each operand's merged strides.
 */
export function coalesceDims(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let k = 0; k < stridesList.length; k++) {
        if (outStrides[k]![last] !== stridesList[k]![d]! * size) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      outShape[last] = outShape[last]! * size;
      for (let k = 0; k < stridesList.length; k++) outStrides[k]![last] = stridesList[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < stridesList.length; k++) outStrides[k]!.push(stridesList[k]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}
