// Cheap argument checks every kernel runs before recording work, mirroring the CPU backend's:
// live buffers of this backend, view dtypes, equal shapes and views inside their buffer. Messages
// name the kernel and say what was expected versus what came.

import { DTypeError, IndexError, ShapeError, fmtShape, isContiguous, sizeOf, type DType, type View } from '@recur/backend';
import type { GpuBufferHandle, GpuMemory, WebGPUBuffer } from './memory.js';

export type GpuView = View<WebGPUBuffer>;

/** The live handle behind `view`, after checking that the view fits inside it. */
export function viewHandle(memory: GpuMemory, op: string, name: string, view: GpuView): GpuBufferHandle {
  const handle = memory.own(view.buffer, op);
  if (view.dtype !== view.buffer.dtype) {
    throw new DTypeError(`${op}: ${name} view is ${view.dtype} but its buffer is ${view.buffer.dtype}`);
  }
  const { shape, strides, offset } = view;
  if (shape.length !== strides.length) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(shape)} but strides ${fmtShape(strides)}`);
  }
  let low = offset;
  let high = offset;
  let empty = false;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (!Number.isInteger(size) || size < 0) throw new ShapeError(`${op}: ${name} has invalid shape ${fmtShape(shape)}`);
    if (size === 0) empty = true;
    const reach = (size - 1) * strides[d]!;
    if (reach < 0) low += reach;
    else high += reach;
  }
  if (!empty && (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high >= view.buffer.size)) {
    throw new IndexError(
      `${op}: ${name} view ${fmtShape(shape)} strides ${fmtShape(strides)} offset ${offset} ` +
        `reaches elements [${low}, ${high}] outside its buffer of ${view.buffer.size}`,
    );
  }
  return handle;
}

export function expectDType(op: string, name: string, actual: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(actual)) throw new DTypeError(`${op}: ${name} must be ${allowed.join(' or ')}, got ${actual}`);
}

export function expectSameDType(op: string, what: string, a: DType, b: DType): void {
  if (a !== b) throw new DTypeError(`${op}: ${what} dtypes differ: ${a} vs ${b}`);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, d) => size === b[d]);
}

export function expectSameShape(op: string, what: string, a: readonly number[], b: readonly number[]): void {
  if (!sameShape(a, b)) throw new ShapeError(`${op}: ${what} shapes differ: ${fmtShape(a)} vs ${fmtShape(b)}`);
}

/** An axis in [0, rank); the tensor core normalises negative axes before calling. */
export function expectAxis(op: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new IndexError(`${op}: axis ${axis} out of range for rank ${rank}`);
}

/**
 * Whether `view` is its whole buffer in row-major order. A kernel writing every element of such
 * an output never shows the buffer's old contents, so a recycled buffer need not be zeroed first.
 */
export function coversBuffer(view: GpuView): boolean {
  return view.offset === 0 && sizeOf(view.shape) === view.buffer.size && isContiguous(view.shape, view.strides);
}
