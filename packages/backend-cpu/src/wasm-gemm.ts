// sgemm on the wasm SIMD macro-kernel: C[M, N] (+)= A[M, K] · B[K, N] for the same offset-table
// problems as gemm.ts. Goto-style blocking: B is packed into a KC×NC panel of NR-column strips,
// A into MC×KC blocks of MR-row strips, both inside wasm memory; each block product lands in a
// C staging area there and leaves through C's offset tables, so any strides and folded batches work.

import { gemm, type GemmProblem } from './gemm.js';
import { BINARY_MODE } from './wasm-binary-kernel.js';
import { MR, NR } from './wasm-gemm-kernel.js';
import { STAGE_FLOATS, packBlock, type Operand } from './wasm-pack.js';
import type { WasmRuntime } from './wasm-runtime.js';

// KC·NR floats of a B strip stay in L1 while the MC×KC block of A streams from L2. K is split
// into equal blocks of at most KC, so K = 320 runs as one block rather than 256 + 64.
const KC = 384;
export const MC = 64;
export const NC = 512;
// Below this many multiply-adds the TypeScript kernels win: packing and calls dominate.
const WASM_WORK = 16384;

export const roundUp = (value: number, step: number): number => Math.ceil(value / step) * step;

/** The k block: K split into equal blocks of at most KC. */
export const kBlock = (K: number): number => Math.ceil(K / Math.ceil(K / KC));

/** Whether C's columns jc…jc+nc sit one element apart, so a row leaves with one `set`. */
export function unitColumns(colC: Int32Array, jc: number, nc: number): boolean {
  for (let s = 1; s < nc; s++) if (colC[jc + s] !== colC[jc]! + s) return false;
  return true;
}

/**
 * C's rows ic…ic+mc, columns jc…jc+nc (unit-spaced) into the staging block, so the kernel adds
 * the product to them: with one k block that is C + Σ, the very sum copyOut would form.
 */
function preloadC(
  runtime: WasmRuntime,
  p: GemmProblem,
  heap: Float32Array,
  at: number,
  ldc: number,
  ic: number,
  mc: number,
  jc: number,
  nc: number,
): void {
  runtime.stats.stagedBytes += mc * nc * 4;
  for (let r = 0; r < mc; r++) {
    const from = p.rowC[ic + r]! + p.colC[jc]!;
    heap.set(p.c.subarray(from, from + nc), at + r * ldc);
  }
}

/** Rows ic…ic+mc and columns jc…jc+nc of the staged product into C (added to C when `accumulate`). */
export function copyOut(
  p: GemmProblem,
  heap: Float32Array,
  at: number,
  ldc: number,
  ic: number,
  mc: number,
  jc: number,
  nc: number,
  unit: boolean,
  accumulate = p.accumulate,
  runtime?: WasmRuntime,
): void {
  const { c, rowC, colC } = p;
  if (runtime) runtime.stats.stagedBytes += mc * nc * 4;
  for (let r = 0; r < mc; r++) {
    const row = rowC[ic + r]!;
    const from = at + r * ldc;
    if (unit && !accumulate) {
      c.set(heap.subarray(from, from + nc), row + colC[jc]!);
    } else if (unit) {
      const to = row + colC[jc]!;
      for (let s = 0; s < nc; s++) c[to + s]! += heap[from + s]!;
    } else {
      for (let s = 0; s < nc; s++) {
        const index = row + colC[jc + s]!;
        c[index] = accumulate ? c[index]! + heap[from + s]! : heap[from + s]!;
      }
    }
  }
}

// A one-row product on a weight the cache may hold runs on wasm from this size: no packing to
// repay once cached (W4's 1×32 · 32×128 step).
const WASM_VECTOR_WORK = 1024;

/** C (+)= A·B, on the wasm kernel when the problem is big enough to repay the packing. */
export function wasmGemm(runtime: WasmRuntime, p: GemmProblem): void {
  const work = p.M * p.N * p.K;
  const small = p.M === 1 && p.packedB ? work < WASM_VECTOR_WORK : work <= WASM_WORK;
  if (small || !blockedGemm(runtime, p)) gemm(p);
}

/** B's packed form as the blocked loop reads it: per NC column block, per k block, one panel. */
function packAll(
  runtime: WasmRuntime,
  heap: Float32Array,
  at: number,
  stage: number,
  b: Operand,
  N: number,
  K: number,
  kcMax: number,
): void {
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcMax)
      packBlock(runtime, heap, at + jc * K + roundUp(nc, NR) * pc, stage, b, jc, nc, pc, Math.min(kcMax, K - pc), NR);
  }
}

/**
 * Where C's columns jc…jc+nc of rows ic…ic+mc can take the kernel's stores in place: the byte
 * address of C[ic, jc] and the row pitch in bytes, or null. The rows must be evenly spaced and
 * the kernel's padding (rows to MR, columns to NR) must land on C's own block slack, past its
 * elements; the kernel overwrites, or with one k block adds to, what is there.
 */
function cInPlace(p: GemmProblem, ic: number, mc: number, jc: number, nc: number, unit: boolean, vector: boolean): [number, number] | null {
  if (p.accumulate && p.K !== kBlock(p.K)) return null;
  const rows = cRows(p, ic, mc, jc, nc, unit);
  if (!rows || (!vector && mc % MR !== 0)) return null;
  const to = p.rowC[ic]! + p.colC[jc]!;
  const ncPadded = roundUp(nc, NR);
  if (ncPadded !== nc && !(to + nc >= p.resident!.cSize && to + ncPadded <= p.resident!.cFloats)) return null;
  return rows;
}

/** The byte address of C[ic, jc] and the row pitch in bytes, when C is resident with rows ic…ic+mc evenly spaced. */
function cRows(p: GemmProblem, ic: number, mc: number, jc: number, nc: number, unit: boolean): [number, number] | null {
  const r = p.resident;
  if (!r || r.c === null || !unit) return null;
  const pitch = mc > 1 ? p.rowC[ic + 1]! - p.rowC[ic]! : 0;
  if (mc > 1 && pitch < nc) return null;
  for (let i = 2; i < mc; i++) if (p.rowC[ic + i] !== p.rowC[ic]! + i * pitch) return null;
  return [r.c + (p.rowC[ic]! + p.colC[jc]!) * 4, pitch * 4];
}

/**
 * The staged product's rows (float index `at`, pitch `ldc`) into C: added in place by wasm when C
 * is resident (f32 adds, the very sums copyOut forms), else through copyOut.
 */
function finish(
  runtime: WasmRuntime,
  p: GemmProblem,
  heap: Float32Array,
  at: number,
  ldc: number,
  ic: number,
  mc: number,
  jc: number,
  nc: number,
  unit: boolean,
  accumulate: boolean,
): void {
  const rows = accumulate ? cRows(p, ic, mc, jc, nc, unit) : null;
  if (rows) runtime.kernels.addRows(rows[0], at * 4, rows[0], mc, nc, rows[1], ldc * 4, rows[1], BINARY_MODE.dense);
  else copyOut(p, heap, at, ldc, ic, mc, jc, nc, unit, accumulate, runtime);
}

/**
 * C (+)= A·B on the wasm kernel whatever the size (K ≥ 1); false when memory cannot grow enough.
 * B comes from the packed-weight cache where the problem offers one (`packedB`); a single row of
 * A runs on gemvBlock, which gives row 0 of gemmBlock's results bit for bit. Operands resident in
 * the runtime's memory are read (A's row, packing) and written (C) in place, without staging.
 */
export function blockedGemm(runtime: WasmRuntime, p: GemmProblem): boolean {
  const { M, N, K } = p;
  const vector = M === 1;
  const resident = p.resident;
  // One C staging block when K fits one KC block; otherwise the partial sums of every row of
  // the panel must survive until the last k block.
  const kcMax = kBlock(K);
  const stagedRows = vector ? 1 : K === kcMax ? roundUp(Math.min(M, MC), MR) : roundUp(M, MR);
  const ldc = roundUp(Math.min(N, NC), NR);
  const base = runtime.scratch(roundUp(K, 4) + roundUp(Math.min(M, MC), MR) * kcMax + ldc * kcMax + STAGE_FLOATS + stagedRows * ldc);
  if (base === null) return false;
  const atA = base;
  const atB = atA + (vector ? roundUp(K, 4) : roundUp(Math.min(M, MC), MR) * kcMax);
  const atStage = atB + ldc * kcMax;
  const atC = atStage + STAGE_FLOATS;
  const a: Operand = { source: p.a, lines: p.rowA, strideK: p.strideAK, resident: resident?.a };
  const b: Operand = { source: p.b, lines: p.colB, strideK: p.strideBK, resident: resident?.b };
  let packed: number | null = null;
  // Packing may grow the memory: the view is taken after it.
  if (p.packedB) packed = p.packedB(runtime, roundUp(N, NR) * K, (into, at) => packAll(runtime, into, at, atStage, b, N, K, kcMax));
  const heap = runtime.view;
  let aPointer = atA * 4;
  if (vector) {
    const row = p.rowA[0]!;
    if (p.strideAK === 1 && resident?.a != null) aPointer = resident.a + row * 4;
    else {
      if (p.strideAK === 1) heap.set(p.a.subarray(row, row + K), atA);
      else for (let k = 0; k < K; k++) heap[atA + k] = p.a[row + k * p.strideAK]!;
      runtime.stats.stagedBytes += K * 4;
    }
  }
  const { gemmBlock, gemvBlock } = runtime.kernels;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const ncPadded = roundUp(nc, NR);
    const unit = unitColumns(p.colC, jc, nc);
    // Accumulating with one k block: the kernel adds into a copy of C (memcpy speed both ways)
    // rather than copyOut adding element by element; the sums are the same.
    const preload = p.accumulate && unit && K === kcMax;
    for (let pc = 0; pc < K; pc += kcMax) {
      const kc = Math.min(kcMax, K - pc);
      const last = pc + kc >= K;
      const add = pc > 0 || preload ? 1 : 0;
      let panel = atB;
      if (packed === null) packBlock(runtime, heap, atB, atStage, b, jc, nc, pc, kc, NR);
      else panel = packed + jc * K + ncPadded * pc;
      if (vector) {
        const direct = cInPlace(p, 0, 1, jc, nc, unit, true);
        if (direct) {
          gemvBlock(aPointer + pc * 4, panel * 4, direct[0], ncPadded, kc, add);
          continue;
        }
        if (preload) preloadC(runtime, p, heap, atC, ldc, 0, 1, jc, nc);
        gemvBlock(aPointer + pc * 4, panel * 4, atC * 4, ncPadded, kc, add);
        if (last) finish(runtime, p, heap, atC, ldc, 0, 1, jc, nc, unit, p.accumulate && !preload);
        continue;
      }
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packBlock(runtime, heap, atA, atStage, a, ic, mc, pc, kc, MR);
        // Whole MR-row strips store into a resident C in place; the last few rows (< MR) are staged.
        const full = mc - (mc % MR);
        const direct = full > 0 ? cInPlace(p, ic, full, jc, nc, unit, false) : null;
        if (direct) gemmBlock(atA * 4, panel * 4, direct[0], full, ncPadded, kc, direct[1], add);
        const first = direct ? full : 0;
        if (first === mc) continue;
        const atBlock = atC + (K === kcMax ? 0 : (ic + first) * ldc);
        if (preload) preloadC(runtime, p, heap, atBlock, ldc, ic + first, mc - first, jc, nc);
        gemmBlock((atA + first * kc) * 4, panel * 4, atBlock * 4, roundUp(mc - first, MR), ncPadded, kc, ldc * 4, add);
        if (last) finish(runtime, p, heap, atBlock, ldc, ic + first, mc - first, jc, nc, unit, p.accumulate && !preload);
      }
    }
  }
  return true;
}
