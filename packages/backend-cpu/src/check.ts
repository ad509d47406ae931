// Cheap argument checks shared by the kernels: live buffers, dtypes, equal shapes and views that
// stay inside their buffer. Each costs O(rank), so every kernel call runs them; messages name the
// kernel and say what was expected versus what came.

import { DTypeError, IndexError, ShapeError, fmtShape, type AnyTypedArray, type DType, type View } from '@recur/backend';
import type { CpuBuffer, CpuMemory } from './memory.js';
import type { ThreadPool } from './thread-pool.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** What every kernel needs from its backend instance. */
export interface KernelContext {
  readonly memory: CpuMemory;
  /** Generate specialised loops with `new Function` (false: closure loops, as under strict CSP). */
  readonly codegen: boolean;
  /** The instance's wasm SIMD kernels, made on first use; null for the TypeScript path. */
  readonly wasm: () => WasmRuntime | null;
  /** The worker threads for large matmuls, once `wasm()` made a shared runtime; else null. */
  readonly pool: () => ThreadPool | null;
}

/** The typed array behind `view`, after checking that the view fits its live buffer. */
export function viewArray(context: KernelContext, op: string, name: string, view: View<CpuBuffer>): AnyTypedArray {
  const array = context.memory.array(view.buffer, op);
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
  if (!empty && (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high >= array.length)) {
    throw new IndexError(
      `${op}: ${name} view ${fmtShape(shape)} strides ${fmtShape(strides)} offset ${offset} ` +
        `reaches elements [${low}, ${high}] outside its buffer of ${array.length}`,
    );
  }
  return array;
}

export function expectDType(op: string, name: string, actual: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(actual)) {
    throw new DTypeError(`${op}: ${name} must be ${allowed.join(' or ')}, got ${actual}`);
  }
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
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new IndexError(`${op}: axis ${axis} out of range for rank ${rank}`);
  }
}
