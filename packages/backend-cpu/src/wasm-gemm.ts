// sgemm on the wasm SIMD macro-kernel: C[M, N] (+)= A[M, K] · B[K, N] for the same offset-table
// problems as gemm.ts. Goto-style blocking: B is packed into a KC×NC panel of NR-column strips,
// A into MC×KC blocks of MR-row strips, both inside wasm memory; each block product lands in a
// C staging area there and leaves through C's offset tables, so any strides and folded batches work.

import { gemm, type GemmProblem } from './gemm.js';
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

/** Rows ic…ic+mc and columns jc…jc+nc of the staged product into C (added to C when `accumulate`). */
/**
 * C's rows ic…ic+mc, columns jc…jc+nc (unit-spaced) into the staging block, so the kernel adds
 * the product to them: with one k block that is C + Σ, the very sum copyOut would form.
 */
function preloadC(p: GemmProblem, heap: Float32Array, at: number, ldc: number, ic: number, mc: number, jc: number, nc: number): void {
  for (let r = 0; r < mc; r++) {
    const from = p.rowC[ic + r]! + p.colC[jc]!;
    heap.set(p.c.subarray(from, from + nc), at + r * ldc);
  }
}

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
): void {
  const { c, rowC, colC } = p;
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
 * C (+)= A·B on the wasm kernel whatever the size (K ≥ 1); false when memory cannot grow enough.
 * B comes from the packed-weight cache where the problem offers one (`packedB`); a single row of
 * A runs on gemvBlock, which gives row 0 of gemmBlock's results bit for bit.
 */
export function blockedGemm(runtime: WasmRuntime, p: GemmProblem): boolean {
  const { M, N, K } = p;
  const vector = M === 1;
  // One C staging block when K fits one KC block; otherwise the partial sums of every row of
  // the panel must survive until the last k block.
  const kcMax = kBlock(K);
  const stagedRows = vector ? 1 : K === kcMax ? roundUp(Math.min(M, MC), MR) : roundUp(M, MR);
  const ldc = roundUp(Math.min(N, NC), NR);
  const atA = 0;
  const atB = atA + (vector ? roundUp(K, 4) : roundUp(Math.min(M, MC), MR) * kcMax);
  const atStage = atB + ldc * kcMax;
  const atC = atStage + STAGE_FLOATS;
  const scratch = atC + stagedRows * ldc;
  let heap = runtime.heap(scratch);
  if (!heap) return false;
  const a: Operand = { source: p.a, lines: p.rowA, strideK: p.strideAK };
  const b: Operand = { source: p.b, lines: p.colB, strideK: p.strideBK };
  let packed: number | null = null;
  if (p.packedB) {
    packed = p.packedB(runtime, roundUp(N, NR) * K, (into, at) => packAll(runtime, into, at, atStage, b, N, K, kcMax));
    // The arena may have grown (detaching the view) or moved; scratch stays where it was.
    heap = runtime.heap(scratch)!;
  }
  if (vector) {
    const row = p.rowA[0]!;
    if (p.strideAK === 1) heap.set(p.a.subarray(row, row + K), atA);
    else for (let k = 0; k < K; k++) heap[atA + k] = p.a[row + k * p.strideAK]!;
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
      let panel = atB;
      if (packed === null) packBlock(runtime, heap, atB, atStage, b, jc, nc, pc, kc, NR);
      else panel = packed + jc * K + ncPadded * pc;
      if (vector) {
        if (preload) preloadC(p, heap, atC, ldc, 0, 1, jc, nc);
        gemvBlock((atA + pc) * 4, panel * 4, atC * 4, ncPadded, kc, pc > 0 || preload ? 1 : 0);
        if (last) copyOut(p, heap, atC, ldc, 0, 1, jc, nc, unit, p.accumulate && !preload);
        continue;
      }
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packBlock(runtime, heap, atA, atStage, a, ic, mc, pc, kc, MR);
        const atBlock = atC + (K === kcMax ? 0 : ic * ldc);
        if (preload) preloadC(p, heap, atBlock, ldc, ic, mc, jc, nc);
        gemmBlock(atA * 4, panel * 4, atBlock * 4, roundUp(mc, MR), ncPadded, kc, ldc * 4, pc > 0 || preload ? 1 : 0);
        if (last) copyOut(p, heap, atBlock, ldc, ic, mc, jc, nc, unit, p.accumulate && !preload);
      }
    }
  }
  return true;
}
