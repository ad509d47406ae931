// Elementwise σ and tanh of a dense float32 view on the wasm SIMD maps (wasm-unary-kernel.ts):
// views resident in wasm memory (memory.ts) are mapped in place, whole vectors of four, and the
// last few floats staged; otherwise the input is staged a chunk at a time, mapped and copied out.
// Strided views, other dtypes and short arrays stay on the generated TypeScript loops.

import { sizeOf, type AnyTypedArray, type UnaryOp, type View } from '@recur/backend';
import { residentOffset, type CpuBuffer } from './memory.js';
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
  const map = runtime.kernels[unaryExport(op)];
  let start = 0;
  const from = residentOffset(x.buffer);
  const to = residentOffset(out.buffer);
  // In place needs both resident, and out either x itself or another buffer (no shifted overlap).
  if (from !== null && to !== null && (x.buffer !== out.buffer || x.offset === out.offset)) {
    start = size - (size % 4);
    map(from + x.offset * 4, to + out.offset * 4, start / 4);
    if (start === size) return true;
  }
  const base = runtime.scratch(2 * CHUNK);
  if (base === null) return false;
  const heap = runtime.view;
  for (; start < size; start += CHUNK) {
    const count = Math.min(CHUNK, size - start);
    heap.set(source.subarray(x.offset + start, x.offset + start + count), base);
    // Lanes past `count` map stale floats; they are never copied out.
    map(base * 4, (base + CHUNK) * 4, Math.ceil(count / 4));
    target.set(heap.subarray(base + CHUNK, base + CHUNK + count), out.offset + start);
    runtime.stats.stagedBytes += 2 * count * 4;
  }
  return true;
}
