// Single-precision GEMM core: C[M, N] (+)= A[M, K] · B[K, N], rows and columns addressed through
// offset tables so any strides and folded batches look alike. Goto-style: B packed into KC×NC
// panels of NR-wide strips, A into MC×KC blocks of MR-tall strips, a 4×4 (MR×NR) register tile.

import type { PackInto } from './packed-cache.js';
import type { WasmRuntime } from './wasm-runtime.js';

const MR = 4;
const NR = 4;
const KC = 512;
const MC = 64;
const NC = 512;
// Below this many multiply-adds packing costs more than it saves.
const DIRECT_WORK = 4096;

export interface GemmProblem {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly c: Float32Array;
  /** A[i, k] = a[rowA[i] + k·strideAK]. */
  readonly rowA: Int32Array;
  readonly strideAK: number;
  /** B[k, j] = b[colB[j] + k·strideBK]. */
  readonly colB: Int32Array;
  readonly strideBK: number;
  /** C[i, j] = c[rowC[i] + colC[j]]. */
  readonly rowC: Int32Array;
  readonly colC: Int32Array;
  /** Add into C instead of overwriting it. */
  readonly accumulate: boolean;
  /**
   * Where the wasm kernels may find B already packed (packed-cache.ts): the float index of its
   * `floats`-float packed form, filled by `pack` when stale, or null to pack it as usual.
   */
  readonly packedB?: (runtime: WasmRuntime, floats: number, pack: PackInto) => number | null;
  /**
   * Where a, b and c lie in the wasm runtime's memory (memory.ts): byte offsets of a[0], b[0] and
   * c[0], or null for host arrays. `c` is set only when C shares no buffer with A or B (a kernel
   * may then write it while reading them); `cFloats` is how many floats from c[0] its block holds
   * (vector stores may fill the slack past `cSize`, C's element count, but never other elements).
   */
  readonly resident?: {
    readonly a: number | null;
    readonly b: number | null;
    readonly c: number | null;
    readonly cSize: number;
    readonly cFloats: number;
  };
}

const PACK_A_SIZE = MC * KC; // 2^15
const PACK_B_SIZE = KC * NC; // 2^18

/** The packing buffers and the register-tile kernel that reads them. */
interface Kernel {
  readonly packA: Float32Array;
  readonly packB: Float32Array;
  readonly tile: Float64Array;
  /** tile = Σ over kc steps of the A strip at packA[ao..] times the B strip at packB[bo..]. */
  readonly micro: (ao: number, bo: number, kc: number) => void;
}

let shared: Kernel | undefined;

// One kernel per process, made on first use: a closure created only once lets V8 embed its
// captured arrays as constants, which drops the per-load map checks and the base and length
// reloads (about 1.3× faster than passing the arrays in). The masks bound the offsets so the
// `+ 1..3` need no overflow checks; packing never reaches past them.
function makeKernel(): Kernel {
  if (PACK_A_SIZE - MR !== 0x7ffc || PACK_B_SIZE - NR !== 0x3fffc) {
    throw new Error('gemm: the micro-kernel masks no longer match the packing sizes');
  }
  const packA = new Float32Array(PACK_A_SIZE);
  const packB = new Float32Array(PACK_B_SIZE);
  const tile = new Float64Array(MR * NR);
  const micro = (ao: number, bo: number, kc: number): void => {
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c03 = 0;
    let c10 = 0,
      c11 = 0,
      c12 = 0,
      c13 = 0;
    let c20 = 0,
      c21 = 0,
      c22 = 0,
      c23 = 0;
    let c30 = 0,
      c31 = 0,
      c32 = 0,
      c33 = 0;
    // Literals, not MR/NR: module constants are reloaded from the context on every step.
    for (let k = 0; k < kc; k++, ao += 4, bo += 4) {
      ao &= 0x7ffc; // PACK_A_SIZE - MR
      bo &= 0x3fffc; // PACK_B_SIZE - NR
      const a0 = packA[ao]!,
        a1 = packA[ao + 1]!,
        a2 = packA[ao + 2]!,
        a3 = packA[ao + 3]!;
      let b = packB[bo]!;
      c00 += a0 * b;
      c10 += a1 * b;
      c20 += a2 * b;
      c30 += a3 * b;
      b = packB[bo + 1]!;
      c01 += a0 * b;
      c11 += a1 * b;
      c21 += a2 * b;
      c31 += a3 * b;
      b = packB[bo + 2]!;
      c02 += a0 * b;
      c12 += a1 * b;
      c22 += a2 * b;
      c32 += a3 * b;
      b = packB[bo + 3]!;
      c03 += a0 * b;
      c13 += a1 * b;
      c23 += a2 * b;
      c33 += a3 * b;
    }
    tile[0] = c00;
    tile[1] = c01;
    tile[2] = c02;
    tile[3] = c03;
    tile[4] = c10;
    tile[5] = c11;
    tile[6] = c12;
    tile[7] = c13;
    tile[8] = c20;
    tile[9] = c21;
    tile[10] = c22;
    tile[11] = c23;
    tile[12] = c30;
    tile[13] = c31;
    tile[14] = c32;
    tile[15] = c33;
  };
  return { packA, packB, tile, micro };
}

/** Strips of `width` (MR or NR) lines, k-major inside a strip; lines past `count` are zeros. */
function packStrips(
  source: Float32Array,
  lines: Int32Array,
  first: number,
  count: number,
  strideK: number,
  k0: number,
  kc: number,
  target: Float32Array,
): void {
  let q = 0;
  for (let s = 0; s < count; s += 4) {
    const width = Math.min(4, count - s);
    let kk = k0 * strideK;
    if (width === 4) {
      const l0 = lines[first + s]!,
        l1 = lines[first + s + 1]!,
        l2 = lines[first + s + 2]!,
        l3 = lines[first + s + 3]!;
      for (let k = 0; k < kc; k++, kk += strideK, q += 4) {
        target[q] = source[l0 + kk]!;
        target[q + 1] = source[l1 + kk]!;
        target[q + 2] = source[l2 + kk]!;
        target[q + 3] = source[l3 + kk]!;
      }
    } else {
      for (let k = 0; k < kc; k++, kk += strideK, q += 4) {
        for (let l = 0; l < 4; l++) target[q + l] = l < width ? source[lines[first + s + l]! + kk]! : 0;
      }
    }
  }
}

function storeTile(p: GemmProblem, tile: Float64Array, i0: number, j0: number, mr: number, nr: number, add: boolean): void {
  const { c, rowC, colC } = p;
  for (let r = 0; r < mr; r++) {
    const row = rowC[i0 + r]!;
    for (let s = 0; s < nr; s++) {
      const index = row + colC[j0 + s]!;
      c[index] = add ? c[index]! + tile[r * NR + s]! : tile[r * NR + s]!;
    }
  }
}

/**
 * Dot products straight from the operands, four columns at a time so each A load serves four
 * sums: for problems too small to repay packing, and matrix-vector shapes (M = 1 at batch 1).
 */
function gemmDirect(p: GemmProblem): void {
  const { M, N, K, a, b, c, rowA, colB, rowC, colC, strideAK, strideBK, accumulate } = p;
  for (let i = 0; i < M; i++) {
    const rowStart = rowA[i]!;
    const rowOut = rowC[i]!;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let p0 = colB[j]!,
        p1 = colB[j + 1]!,
        p2 = colB[j + 2]!,
        p3 = colB[j + 3]!;
      for (let k = 0, pa = rowStart; k < K; k++, pa += strideAK) {
        const value = a[pa]!;
        s0 += value * b[p0]!;
        s1 += value * b[p1]!;
        s2 += value * b[p2]!;
        s3 += value * b[p3]!;
        p0 += strideBK;
        p1 += strideBK;
        p2 += strideBK;
        p3 += strideBK;
      }
      const q0 = rowOut + colC[j]!,
        q1 = rowOut + colC[j + 1]!,
        q2 = rowOut + colC[j + 2]!,
        q3 = rowOut + colC[j + 3]!;
      c[q0] = accumulate ? c[q0]! + s0 : s0;
      c[q1] = accumulate ? c[q1]! + s1 : s1;
      c[q2] = accumulate ? c[q2]! + s2 : s2;
      c[q3] = accumulate ? c[q3]! + s3 : s3;
    }
    for (; j < N; j++) {
      let sum = 0;
      for (let k = 0, pa = rowStart, pb = colB[j]!; k < K; k++, pa += strideAK, pb += strideBK) sum += a[pa]! * b[pb]!;
      const q = rowOut + colC[j]!;
      c[q] = accumulate ? c[q]! + sum : sum;
    }
  }
}

export function gemm(p: GemmProblem): void {
  const { M, N, K } = p;
  if (M === 0 || N === 0) return;
  if (M * N * K <= DIRECT_WORK || M < MR || N < NR) {
    gemmDirect(p);
    return;
  }
  const { packA, packB, tile, micro } = (shared ??= makeKernel());
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const add = p.accumulate || pc > 0;
      packStrips(p.b, p.colB, jc, nc, p.strideBK, pc, kc, packB);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packStrips(p.a, p.rowA, ic, mc, p.strideAK, pc, kc, packA);
        for (let js = 0; js < nc; js += NR) {
          const nr = Math.min(NR, nc - js);
          for (let is = 0; is < mc; is += MR) {
            micro(is * kc, js * kc, kc);
            storeTile(p, tile, ic + is, jc + js, Math.min(MR, mc - is), nr, add);
          }
        }
      }
    }
  }
}
