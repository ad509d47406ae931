// Elementwise float32 add / sub / mul / div on the wasm SIMD row kernels (wasm-binary-kernel.ts):
// operands resident in wasm memory (memory.ts) run in place over up to two merged dimensions,
// each operand dense or repeated (stride 0) along a row; flat host arrays are staged a chunk at a
// time. Other dtypes, layouts, shifted overlaps and short arrays stay on the generated loops.

import { sizeOf, type AnyTypedArray, type BinaryOp, type View } from '@recur/backend';
import { residentOffset, type CpuBuffer } from './memory.js';
import { layoutOf } from './strided.js';
import { BINARY_MODE, binaryExport, WASM_BINARY_OPS, type WasmBinaryOp } from './wasm-binary-kernel.js';
import type { WasmRuntime } from './wasm-runtime.js';

type Cpu = View<CpuBuffer>;
type RowsKernel = (
  a: number,
  b: number,
  out: number,
  rows: number,
  cols: number,
  aRow: number,
  bRow: number,
  outRow: number,
  mode: number,
) => void;

// Below this many elements a call and its checks cost more than the loop they replace.
const MIN_ELEMENTS = 64;
// Floats per staged chunk and operand: three chunks stay within L2.
const CHUNK = 8192;

const isWasmBinary = (op: BinaryOp): op is WasmBinaryOp => (WASM_BINARY_OPS as readonly string[]).includes(op);

/** An input that shares out's buffer must be out itself, element for element (no shifted overlap). */
function safeAlias(input: Cpu, out: Cpu): boolean {
  if (input.buffer !== out.buffer) return true;
  return input.offset === out.offset && input.strides.every((stride, d) => stride === out.strides[d] || out.shape[d] === 1);
}

/** out = a op b on the wasm kernels; false when this op, dtype, layout or size is not theirs. */
export function wasmBinary(runtime: WasmRuntime, op: BinaryOp, a: Cpu, b: Cpu, out: Cpu, arrays: readonly AnyTypedArray[]): boolean {
  if (!isWasmBinary(op) || a.dtype !== 'float32' || b.dtype !== 'float32' || out.dtype !== 'float32') return false;
  if (sizeOf(out.shape) < MIN_ELEMENTS || !safeAlias(a, out) || !safeAlias(b, out)) return false;
  const layout = layoutOf(out.shape, [out.strides, a.strides, b.strides]);
  const rank = layout.shape.length;
  if (rank > 2) return false;
  const [outStrides, aStrides, bStrides] = layout.strides as [number[], number[], number[]];
  const inner = rank - 1;
  const [aInner, bInner] = [aStrides[inner]!, bStrides[inner]!];
  if (outStrides[inner] !== 1 || (aInner !== 1 && aInner !== 0) || (bInner !== 1 && bInner !== 0) || aInner + bInner === 0) return false;
  const mode = aInner === 0 ? BINARY_MODE.splatA : bInner === 0 ? BINARY_MODE.splatB : BINARY_MODE.dense;
  const rows = rank === 2 ? layout.shape[0]! : 1;
  const cols = layout.shape[inner]!;
  const kernel = runtime.kernels[binaryExport(op) as keyof typeof runtime.kernels] as unknown as RowsKernel;
  const [atA, atB, atOut] = [residentOffset(a.buffer), residentOffset(b.buffer), residentOffset(out.buffer)];
  const rowStep = (strides: number[]) => (rank === 2 ? strides[0]! * 4 : 0);
  if (atA !== null && atB !== null && atOut !== null) {
    kernel(
      atA + a.offset * 4,
      atB + b.offset * 4,
      atOut + out.offset * 4,
      rows,
      cols,
      rowStep(aStrides),
      rowStep(bStrides),
      rowStep(outStrides),
      mode,
    );
    return true;
  }
  // Host arrays: one flat run, staged in chunks (a splat operand as its one float).
  if (rows !== 1) return false;
  const base = runtime.scratch(3 * CHUNK);
  if (base === null) return false;
  const heap = runtime.view;
  const [target, sourceA, sourceB] = arrays as [Float32Array, Float32Array, Float32Array];
  for (let start = 0; start < cols; start += CHUNK) {
    const count = Math.min(CHUNK, cols - start);
    if (aInner === 1) heap.set(sourceA.subarray(a.offset + start, a.offset + start + count), base);
    else heap[base] = sourceA[a.offset]!;
    if (bInner === 1) heap.set(sourceB.subarray(b.offset + start, b.offset + start + count), base + CHUNK);
    else heap[base + CHUNK] = sourceB[b.offset]!;
    kernel(base * 4, (base + CHUNK) * 4, (base + 2 * CHUNK) * 4, 1, count, 0, 0, 0, mode);
    target.set(heap.subarray(base + 2 * CHUNK, base + 2 * CHUNK + count), out.offset + start);
    runtime.stats.stagedBytes += (aInner + bInner + 1) * count * 4;
  }
  return true;
}
