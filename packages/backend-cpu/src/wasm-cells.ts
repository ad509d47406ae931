// The fused LSTM / GRU cells on the wasm SIMD kernels: operands resident in wasm memory as dense
// rows (memory.ts) are used in place; the others are staged into it (one `set` per row, or per
// block when contiguous), the kernel runs, and staged results go back.
// B batch rows, H hidden, W = H rounded up to 4 (the padded lanes compute on stale values unseen).

import type { Matrix } from './fused-cells.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** A matrix staged at float index `at` with `segments` gate blocks of W per row (1 for states). */
interface Staged {
  readonly at: number;
  readonly segments: number;
}

/** Copies `cols` columns from `col0` of every row of `m` to or from the heap (pitch in floats). */
function transfer(heap: Float32Array, at: number, pitch: number, m: Matrix, rows: number, col0: number, cols: number, into: boolean): void {
  const { data, row, col } = m;
  const start = m.offset + col0 * col;
  if (col === 1 && row === cols && pitch === cols) {
    if (into) heap.set(data.subarray(start, start + rows * cols), at);
    else data.set(heap.subarray(at, at + rows * cols), start);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const source = start + r * row;
    const target = at + r * pitch;
    if (col === 1) {
      if (into) heap.set(data.subarray(source, source + cols), target);
      else data.set(heap.subarray(target, target + cols), source);
    } else if (into) {
      for (let j = 0; j < cols; j++) heap[target + j] = data[source + j * col]!;
    } else {
      for (let j = 0; j < cols; j++) data[source + j * col] = heap[target + j]!;
    }
  }
}

function move(
  runtime: WasmRuntime,
  heap: Float32Array,
  matrix: Matrix,
  staged: Staged,
  rows: number,
  hidden: number,
  width: number,
  into: boolean,
): void {
  const { at, segments } = staged;
  runtime.stats.stagedBytes += rows * segments * hidden * 4;
  const pitch = segments * width;
  // Without padding a row's gate segments are adjacent on both sides and move as one.
  if (width === hidden) transfer(heap, at, pitch, matrix, rows, 0, segments * hidden, into);
  else for (let k = 0; k < segments; k++) transfer(heap, at + k * width, pitch, matrix, rows, k * hidden, hidden, into);
}

type Kernel = 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward';

/**
 * The byte address where the kernel can use `matrix` in place: resident, rows of `segments`
 * gate blocks dense and unpadded (W = H), and no buffer shared between inputs and outputs (the
 * kernel may write one while it reads the other); else null and it is staged.
 */
function inPlace(matrix: Matrix, segments: number, rows: number, hidden: number, width: number, apart: boolean): number | null {
  if (!apart || width !== hidden || matrix.resident === null || matrix.resident === undefined) return null;
  return matrix.col === 1 && (rows === 1 || matrix.row === segments * hidden) ? matrix.resident : null;
}

/**
 * Runs `kernel` over the inputs and outputs (in the kernel's argument order; a null output is
 * computed into scratch and dropped), in place where they allow it, staged otherwise. False when
 * wasm memory cannot hold the staged ones.
 */
function run(
  runtime: WasmRuntime,
  kernel: Kernel,
  rows: number,
  hidden: number,
  inputs: readonly [Matrix, number][],
  outputs: readonly [Matrix | null, number][],
): boolean {
  if (rows === 0 || hidden === 0) return true;
  const width = Math.ceil(hidden / 4) * 4;
  const outputBuffers = new Set(outputs.map(([matrix]) => matrix?.buffer));
  const apart = inputs.every(([matrix]) => matrix.buffer !== undefined && !outputBuffers.has(matrix.buffer));
  let size = 0;
  const place = ([matrix, segments]: readonly [Matrix | null, number]): Staged | number => {
    const direct = matrix && inPlace(matrix, segments, rows, hidden, width, apart);
    if (typeof direct === 'number') return direct;
    const at = size;
    size += rows * segments * width;
    return { at, segments };
  };
  const placed = [...inputs, ...outputs].map(place);
  const base = runtime.scratch(size);
  if (base === null) return false;
  const heap = runtime.view;
  const staged = (k: number): Staged | null => {
    const where = placed[k]!;
    return typeof where === 'number' ? null : { at: base + where.at, segments: where.segments };
  };
  inputs.forEach(([matrix], k) => {
    const s = staged(k);
    if (s) move(runtime, heap, matrix, s, rows, hidden, width, true);
  });
  const pointers = placed.map((where, k) => (typeof where === 'number' ? where : staged(k)!.at * 4));
  (runtime.kernels[kernel] as (...args: number[]) => void)(...pointers, rows, width);
  outputs.forEach(([matrix], k) => {
    const s = staged(inputs.length + k);
    if (matrix && s) move(runtime, heap, matrix, s, rows, hidden, width, false);
  });
  return true;
}

export function wasmLstmCell(
  runtime: WasmRuntime,
  rows: number,
  hidden: number,
  gates: Matrix,
  c: Matrix,
  h: Matrix,
  cNext: Matrix,
  act: Matrix | null,
): boolean {
  return run(
    runtime,
    'lstmForward',
    rows,
    hidden,
    [
      [gates, 4],
      [c, 1],
    ],
    [
      [h, 1],
      [cNext, 1],
      [act, 4],
    ],
  );
}

export function wasmLstmCellBackward(
  runtime: WasmRuntime,
  rows: number,
  hidden: number,
  act: Matrix,
  c: Matrix,
  cNext: Matrix,
  dh: Matrix,
  dcNext: Matrix,
  dGates: Matrix,
  dc: Matrix,
): boolean {
  return run(
    runtime,
    'lstmBackward',
    rows,
    hidden,
    [
      [act, 4],
      [c, 1],
      [cNext, 1],
      [dh, 1],
      [dcNext, 1],
    ],
    [
      [dGates, 4],
      [dc, 1],
    ],
  );
}

export function wasmGruCell(
  runtime: WasmRuntime,
  rows: number,
  hidden: number,
  gx: Matrix,
  gh: Matrix,
  h: Matrix,
  hNext: Matrix,
  act: Matrix | null,
): boolean {
  return run(
    runtime,
    'gruForward',
    rows,
    hidden,
    [
      [gx, 3],
      [gh, 3],
      [h, 1],
    ],
    [
      [hNext, 1],
      [act, 3],
    ],
  );
}

export function wasmGruCellBackward(
  runtime: WasmRuntime,
  rows: number,
  hidden: number,
  act: Matrix,
  gh: Matrix,
  h: Matrix,
  dhNext: Matrix,
  dgx: Matrix,
  dgh: Matrix,
  dh: Matrix,
): boolean {
  return run(
    runtime,
    'gruBackward',
    rows,
    hidden,
    [
      [act, 3],
      [gh, 3],
      [h, 1],
      [dhNext, 1],
    ],
    [
      [dgx, 3],
      [dgh, 3],
      [dh, 1],
    ],
  );
}
