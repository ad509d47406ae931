// Elementwise σ and tanh of a dense float32 view on the wasm SIMD maps (wasm-unary-kernel.ts):
// the input is staged into wasm memory a chunk at a time with `set`, mapped, and copied out.
// Strided views, other dtypes and short arrays stay on the generated TypeScript loops.

import { sizeOf, type AnyTypedArray, type UnaryOp, type View } from '@recur/backend';
import type { CpuBuffer } from './memory.js';
import { isFlat, layoutOf } from './strided.js';
import { unaryExport, WASM_UNARY_OPS, type WasmUnaryOp } from './wasm-unary-kernel.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Below this many elements the staging calls cost more than Math.* saves.
const MIN_ELEMENTS = 64;
// Floats per staged chunk: input and output together stay within L2.
const CHUNK = 16384;

const isWasmUnary = (op: UnaryOp): op is WasmUnaryOp => (WASM_UNARY_OPS as readonly string[]).includes(op);

/** out = op(x) on the wasm maps; false when this op, dtype, layout or size is not theirs. */
export function wasmUnary(
  runtime: WasmRuntime,
  op: UnaryOp,
  x: View<CpuBuffer>,
  source: AnyTypedArray,
  out: View<CpuBuffer>,
  target: AnyTypedArray,
): boolean {
  if (!isWasmUnary(op) || x.dtype !== 'float32' || out.dtype !== 'float32') return false;
  const size = sizeOf(out.shape);
  if (size < MIN_ELEMENTS || !isFlat(layoutOf(out.shape, [out.strides, x.strides]))) return false;
  const heap = runtime.heap(2 * CHUNK);
  if (!heap) return false;
  const map = runtime.kernels[unaryExport(op)];
  for (let start = 0; start < size; start += CHUNK) {
    const count = Math.min(CHUNK, size - start);
    heap.set(source.subarray(x.offset + start, x.offset + start + count), 0);
    // Lanes past `count` map stale floats; they are never copied out.
    map(0, CHUNK * 4, Math.ceil(count / 4));
    target.set(heap.subarray(CHUNK, CHUNK + count), out.offset + start);
  }
  return true;
}
