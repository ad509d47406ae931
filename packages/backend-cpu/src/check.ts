// What every kernel gets from its backend instance, and the view check it runs first: a live
// buffer of this instance, then @recur/backend's checks (dtype, shape, inside the buffer), whose
// expect* helpers are re-exported here for the kernels.

import { checkView, type AnyTypedArray, type View } from '@recur/backend';
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

/**
 * The typed array behind `view`, after checking that the view fits its live buffer. Counts as a
 * write to the buffer (its version changes), which is always safe; see `inputArray`.
 */
export function viewArray(context: KernelContext, op: string, name: string, view: View<CpuBuffer>): AnyTypedArray {
  const array = context.memory.array(view.buffer, op);
  checkView(op, name, view, array.length);
  return array;
}

/**
 * As `viewArray` for an operand the kernel only reads, so caches keyed on the buffer's version
 * (packed-cache.ts) stay valid. A kernel whose output may alias this buffer must not use it.
 */
export function inputArray(context: KernelContext, op: string, name: string, view: View<CpuBuffer>): AnyTypedArray {
  const array = context.memory.readArray(view.buffer, op);
  checkView(op, name, view, array.length);
  return array;
}

export { expectAxis, expectDType, expectSameDType, expectSameShape } from '@recur/backend';
