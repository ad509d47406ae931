// The int8 and float16 linear layers on the backend's own wasm runtime (wasm-int8-kernel.ts,
// wasm-float16-kernel.ts): out[m, n] (+)= Σ_k x[m, k]·W[n, k], M rows of x, K inputs, N rows of W.
// The kernels read W's rows at a pitch of whole 16-byte groups: a resident weight whose rows are
// exactly that long is read in place; any other comes from the packed-weight cache (packed-cache.ts,
// the float matmul's: same versions, same eviction), or is staged for this call. float16 reads a
// resident x and writes a resident out in place; int8 quantises each x row to int16 in scratch
// (its own arithmetic, not a copy) and scales the dots back in float64. Large products split
// over the thread pool by rows of W, each task the same kernel on whole rows: bitwise equal.

import type { View } from '@recur/backend';
import { residentOffset, type CpuBuffer } from './memory.js';
import type { PackedCache } from './packed-cache.js';
import { SplitChoice } from './split-choice.js';
import { KIND_FLOAT16_DOTS, KIND_INT8_DOTS } from './thread-protocol.js';
import type { ThreadPool } from './thread-pool.js';
import { BINARY_MODE } from './wasm-binary-kernel.js';
import { gemvPool } from './wasm-gemv-threads.js';
import type { WasmRuntime } from './wasm-runtime.js';

type CpuView = View<CpuBuffer>;

/** What the layers run on: the runtime, its packed-weight cache (null: none) and the pool. */
export interface QuantizedTarget {
  readonly runtime: WasmRuntime;
  readonly cache: PackedCache | null;
  readonly pool: ThreadPool | null;
}

/** A checked linear layer (quantized.ts): views, their arrays, and M, K, N. */
export interface LinearProblem {
  readonly x: CpuView;
  readonly weight: CpuView;
  readonly out: CpuView;
  readonly xs: Float32Array;
  readonly packed: Int32Array;
  readonly o: Float32Array;
  readonly rowsX: number;
  readonly inputs: number;
  readonly rows: number;
  readonly wordsPerRow: number;
  readonly accumulate: boolean;
}

const roundUp4 = (value: number): number => Math.ceil(value / 4) * 4;
// Tasks of a split product at most (as wasm-gemv-threads.ts): a few per thread.
const MAX_TASKS = 8;
const choices = { [KIND_INT8_DOTS]: new WeakMap<ThreadPool, SplitChoice>(), [KIND_FLOAT16_DOTS]: new WeakMap<ThreadPool, SplitChoice>() };

/**
 * The scratch of one call (float index `base`): dots (N floats), then x's row (`xFloats`), then
 * W staged (when neither in place nor cached), and W's byte address. Null when memory cannot grow.
 */
function layout(target: QuantizedTarget, p: LinearProblem, kind: string, pitch: number, xFloats: number) {
  const { runtime, cache } = target;
  const { weight, packed, rows, wordsPerRow } = p;
  const rowBytes = wordsPerRow * 4;
  const resident = residentOffset(weight.buffer);
  const fill = (heap: Float32Array, at: number): void => {
    const to = new Uint8Array(heap.buffer, at * 4, rows * pitch);
    const from = new Uint8Array(packed.buffer, packed.byteOffset + weight.offset * 4, rows * rowBytes);
    for (let n = 0; n < rows; n++) {
      to.set(from.subarray(n * rowBytes, (n + 1) * rowBytes), n * pitch);
      to.fill(0, n * pitch + rowBytes, (n + 1) * pitch);
    }
    runtime.stats.stagedBytes += rows * rowBytes;
  };
  let weightAt: number | null = resident !== null && rowBytes === pitch ? resident + weight.offset * 4 : null;
  if (weightAt === null && cache) {
    const cached = cache.find(runtime, weight.buffer, `${kind}|${weight.offset}|${rows}|${pitch}`, (rows * pitch) / 4, fill);
    if (cached !== null) weightAt = cached * 4;
  }
  const dots = roundUp4(rows);
  const base = runtime.scratch(dots + xFloats + (weightAt === null ? (rows * pitch) / 4 : 0));
  if (base === null) return null;
  const heap = runtime.view;
  if (weightAt === null) {
    weightAt = (base + dots + xFloats) * 4;
    fill(heap, base + dots + xFloats);
  }
  return { heap, dotsAt: base * 4, xAt: (base + dots) * 4, weightAt };
}

/** dots[n] for every row of W (`kind`'s kernel), on this thread or split over the pool, whichever split-choice finds faster. */
function dots(
  target: QuantizedTarget,
  kind: typeof KIND_INT8_DOTS | typeof KIND_FLOAT16_DOTS,
  x: number,
  w: number,
  pitch: number,
  rows: number,
  groups: number,
  out: number,
): void {
  const { runtime } = target;
  const kernel = kind === KIND_INT8_DOTS ? runtime.kernels.int8Dots : runtime.kernels.float16Dots;
  const single = (): void => kernel(x, w, pitch, rows, groups, out);
  // Multiply-adds: 16 int8 or 8 float16 weights per group.
  const work = rows * groups * (kind === KIND_INT8_DOTS ? 16 : 8);
  const pool = gemvPool(target.pool, runtime, work);
  if (!pool) return single();
  let choice = choices[kind].get(pool);
  if (!choice) choices[kind].set(pool, (choice = new SplitChoice()));
  choice.run(1, work, (split) => {
    if (split) threadedDots(pool, kind, x, w, pitch, rows, groups, out);
    else single();
    return true;
  });
}

/** The dots of W's rows split into row ranges over the pool's threads (the calling thread takes tasks too). */
export function threadedDots(
  pool: ThreadPool,
  kind: typeof KIND_INT8_DOTS | typeof KIND_FLOAT16_DOTS,
  x: number,
  w: number,
  pitch: number,
  rows: number,
  groups: number,
  out: number,
): void {
  const tasks = Math.min(MAX_TASKS, 2 * pool.threads);
  const job = { kind, atA: x / 4, atB: w / 4, atC: out / 4, rowsPad: 1, taskRows: 1, colsPad: rows, K: groups, kcMax: groups, pitch };
  pool.run({ ...job, taskCols: roundUp4(Math.ceil(rows / tasks)) }, () => {});
}

/**
 * out (+)= x·(q·scales)ᵀ with x quantised per row to int16 (scale max|x_m|/32767, rounded to
 * nearest) for the integer dot products; false when wasm memory cannot grow (nothing written).
 */
export function wasmInt8Linear(target: QuantizedTarget, p: LinearProblem, s: Float32Array, scalesOffset: number): boolean {
  const { xs, o, rowsX, inputs, rows, accumulate } = p;
  const groups = Math.ceil(inputs / 16);
  const pitch = groups * 16;
  const room = layout(target, p, 'int8', pitch, pitch / 2);
  if (!room) return false;
  const { heap, dotsAt, xAt, weightAt } = room;
  const xq = new Int16Array(heap.buffer, xAt, pitch);
  xq.fill(0, inputs);
  const at = dotsAt / 4;
  for (let m = 0; m < rowsX; m++) {
    const base = p.x.offset + m * inputs;
    let largest = 0;
    for (let k = 0; k < inputs; k++) largest = Math.max(largest, Math.abs(xs[base + k]!));
    const row = p.out.offset + m * rows;
    if (largest === 0 || !Number.isFinite(largest)) {
      // A zero row adds nothing; a non-finite one cannot be quantised: its products are NaN.
      const fill = largest === 0 ? 0 : NaN;
      for (let n = 0; n < rows; n++) o[row + n] = accumulate ? o[row + n]! + fill : fill;
      continue;
    }
    const step = largest / 32767;
    for (let k = 0; k < inputs; k++) xq[k] = Math.round(xs[base + k]! / step);
    dots(target, KIND_INT8_DOTS, xAt, weightAt, pitch, rows, groups, dotsAt);
    for (let n = 0; n < rows; n++) {
      const value = heap[at + n]! * (s[scalesOffset + n]! * step);
      o[row + n] = accumulate ? o[row + n]! + value : value;
    }
  }
  return true;
}

/** out (+)= x·Wᵀ in float32, W float16; false when wasm memory cannot grow (nothing written). */
export function wasmFloat16Linear(target: QuantizedTarget, p: LinearProblem): boolean {
  const { x, out, xs, o, rowsX, inputs, rows, accumulate } = p;
  const { runtime } = target;
  const groups = Math.ceil(inputs / 8);
  const pitch = groups * 16;
  const room = layout(target, p, 'float16', pitch, groups * 8);
  if (!room) return false;
  const { heap, dotsAt, xAt, weightAt } = room;
  // x in place where its rows need no zero padding and out cannot overwrite it; out in place
  // where it shares no buffer with the operands.
  const xResident = inputs % 8 === 0 && x.buffer !== out.buffer ? residentOffset(x.buffer) : null;
  const outResident = out.buffer !== x.buffer && out.buffer !== p.weight.buffer ? residentOffset(out.buffer) : null;
  if (xResident === null) heap.fill(0, xAt / 4 + inputs, xAt / 4 + groups * 8);
  for (let m = 0; m < rowsX; m++) {
    let xRow = xAt;
    if (xResident !== null) xRow = xResident + (x.offset + m * inputs) * 4;
    else {
      heap.set(xs.subarray(x.offset + m * inputs, x.offset + (m + 1) * inputs), xAt / 4);
      runtime.stats.stagedBytes += inputs * 4;
    }
    const row = out.offset + m * rows;
    if (outResident !== null && !accumulate) {
      dots(target, KIND_FLOAT16_DOTS, xRow, weightAt, pitch, rows, groups, outResident + row * 4);
      continue;
    }
    dots(target, KIND_FLOAT16_DOTS, xRow, weightAt, pitch, rows, groups, dotsAt);
    if (outResident !== null) {
      // float32 adds in wasm: the very sums of the float64 add and float32 store below.
      const to = outResident + row * 4;
      runtime.kernels.addRows(to, dotsAt, to, 1, rows, 0, 0, 0, BINARY_MODE.dense);
      continue;
    }
    const sums = heap.subarray(dotsAt / 4, dotsAt / 4 + rows);
    if (accumulate) for (let n = 0; n < rows; n++) o[row + n] = o[row + n]! + sums[n]!;
    else o.set(sums, row);
    runtime.stats.stagedBytes += rows * 4;
  }
  return true;
}
