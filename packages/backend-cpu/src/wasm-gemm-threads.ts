// sgemm split across worker threads: C[M, N] (+)= A[M, K] · B[K, N] with all of A, then B a
// column slice at a time, packed into shared wasm memory by the calling thread (the only one that
// sees them); tiles of C (up to MC rows × a column slice) are computed by all threads from a queue
// (thread-pool.ts) as soon as their slice is packed, and copied out by the calling thread. k is blocked exactly as in wasm-gemm.ts,
// so each element gets the same float32 sums in the same order as on one thread: bitwise equal.
//
// Memory layout (floats, from the runtime's scratch): the packing stage, then packed A (per k block: rowsPad × kc, MR-row
// strips), packed B (per k block: colsPad × kc, NR-column strips), then C staging rowsPad × colsPad.

import { BackendError } from '@recur/backend';
import type { GemmProblem } from './gemm.js';
import { MR, NR } from './wasm-gemm-kernel.js';
import { copyOut, kBlock, roundUp, unitColumns, wasmGemm, MC, NC } from './wasm-gemm.js';
import { SplitChoice } from './split-choice.js';
import { STAGE_FLOATS, packBlock, type Operand } from './wasm-pack.js';
import type { ThreadPool } from './thread-pool.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Below this many multiply-adds (6 Mi ≈ 12.6 MFLOP, about 0.4 ms on one core) one thread wins,
// whatever the thread count: a split has a fixed cost (waking workers, more so in a VM, and
// packing all of B before the last slices can start) that only a product this large repays.
// Measured with bench/threads.ts on 2 and 4 cores: 4 Mi is even (×0.93 on 2 threads, ×1.17 on 4),
// 8 Mi gains ×1.1–1.2 on 2 threads and ×1.6 on 4.
export const THREAD_WORK = 6 << 20;
// One job packs at most this much (64 MiB); larger problems go as several jobs of row and
// column ranges, each packing its own part.
const BUDGET_FLOATS = 1 << 24;
// Column slices per job are at most 8 (so a job stays under MAX_TASKS with 256 row blocks).
const MAX_COLUMNS = 8 * NC;
const MAX_ROWS = 256 * MC;
// Tasks per thread to aim for: a few, so a thread the OS delays leaves its share to the others.
const TASKS_PER_THREAD = 4;
// packBlock stages at most STAGE_FLOATS floats per chunk: pack at most this many lines at once.
const PACK_LINES = 512;

/** Lines first…first+count of `operand`, k0…k0+kc, as strips of `width` at float index `target`. */
function packLines(
  runtime: WasmRuntime,
  heap: Float32Array,
  target: number,
  operand: Operand,
  first: number,
  count: number,
  k0: number,
  kc: number,
  width: 4 | 8,
  stage: number,
): void {
  for (let from = 0; from < count; from += PACK_LINES) {
    packBlock(runtime, heap, target + from * kc, stage, operand, first + from, Math.min(PACK_LINES, count - from), k0, kc, width);
  }
}

/** One job over rows and columns that fit the budget. False when wasm memory cannot grow enough. */
function runJob(runtime: WasmRuntime, pool: ThreadPool, p: GemmProblem): boolean {
  const { M, N, K } = p;
  const kcMax = kBlock(K);
  const rowsPad = roundUp(M, MR);
  const colsPad = roundUp(N, NR);
  // The scratch room may lie above resident blocks when the pool shares the backend's memory.
  const stage = runtime.scratch(STAGE_FLOATS + (rowsPad + colsPad) * K + rowsPad * colsPad);
  if (stage === null) return false;
  const heap = runtime.view;
  const atA = stage + STAGE_FLOATS;
  const atB = atA + rowsPad * K;
  const atC = atB + colsPad * K;
  const a: Operand = { source: p.a, lines: p.rowA, strideK: p.strideAK };
  const b: Operand = { source: p.b, lines: p.colB, strideK: p.strideBK };
  // Row blocks of MC (the A block stays in L2 across a task's B strips); column slices so that
  // there are a few tasks per thread even when M is a single block (the RNN step's 32 rows).
  const taskRows = Math.min(MC, rowsPad);
  const rowTasks = Math.ceil(rowsPad / taskRows);
  const colTasks = Math.min(8, Math.max(Math.ceil(colsPad / NC), Math.ceil((TASKS_PER_THREAD * pool.threads) / rowTasks)));
  const taskCols = roundUp(Math.ceil(colsPad / colTasks), NR);
  const job = { atA, atB, atC, rowsPad, colsPad, K, kcMax, taskRows, taskCols };
  const copy = (row0: number, col0: number, rows: number, cols: number): void => {
    const mc = Math.min(rows, M - row0);
    const nc = Math.min(cols, N - col0);
    if (mc > 0 && nc > 0) copyOut(p, heap, atC + row0 * colsPad + col0, colsPad, row0, mc, col0, nc, unitColumns(p.colC, col0, nc));
  };
  // All of A before the first slice, then B a column slice at a time (workers start on each).
  const pack = (slice: number, col0: number, cols: number): void => {
    const n = Math.min(cols, N - col0);
    for (let pc = 0; pc < K; pc += kcMax) {
      const kc = Math.min(kcMax, K - pc);
      if (slice === 0) packLines(runtime, heap, atA + rowsPad * pc, a, 0, M, pc, kc, MR, stage);
      packLines(runtime, heap, atB + colsPad * pc + col0 * kc, b, col0, n, pc, kc, NR, stage);
    }
  };
  pool.run(job, copy, pack);
  return true;
}

const choices = new WeakMap<ThreadPool, SplitChoice>();

/**
 * C (+)= A·B on the wasm kernel, across `pool`'s threads (on its shared-memory runtime) when the
 * product is big enough to repay that, some workers are ready (the first call starts them) and
 * splits have been paying here lately (split-choice.ts), otherwise on this thread and `runtime`.
 */
export function wasmGemmThreaded(runtime: WasmRuntime, pool: ThreadPool | null, p: GemmProblem): void {
  const work = p.M * p.N * p.K;
  if (!pool || work < THREAD_WORK || pool.ready() === 0) {
    wasmGemm(runtime, p);
    return;
  }
  let choice = choices.get(pool);
  if (!choice) choices.set(pool, (choice = new SplitChoice()));
  choice.run(p.M, work, (split) => {
    if (split) return threadedGemm(pool, p);
    wasmGemm(runtime, p);
    return true;
  });
}

/**
 * C (+)= A·B across the pool's threads, in jobs of at most BUDGET_FLOATS packed floats. False
 * (with C untouched) when the pool has not started or its memory cannot hold even one job; the
 * caller then runs it alone.
 */
export function threadedGemm(pool: ThreadPool, p: GemmProblem): boolean {
  const runtime = pool.runtime;
  if (!runtime) return false;
  const { M, N, K } = p;
  // Columns first: B's packed part must leave room for rows of A and C.
  let columns = Math.min(N, MAX_COLUMNS);
  if (roundUp(columns, NR) * K > BUDGET_FLOATS / 2) columns = Math.max(NC, Math.floor(BUDGET_FLOATS / 2 / K / NC) * NC);
  const colsPad = roundUp(columns, NR);
  let rows = Math.min(M, MAX_ROWS);
  const room = BUDGET_FLOATS - colsPad * K;
  if (roundUp(rows, MR) * (K + colsPad) > room) rows = Math.max(MC, Math.floor(room / (K + colsPad) / MC) * MC);
  for (let j0 = 0; j0 < N; j0 += columns) {
    const n = Math.min(columns, N - j0);
    for (let i0 = 0; i0 < M; i0 += rows) {
      const m = Math.min(rows, M - i0);
      const part: GemmProblem = {
        ...p,
        M: m,
        N: n,
        rowA: p.rowA.subarray(i0, i0 + m),
        rowC: p.rowC.subarray(i0, i0 + m),
        colB: p.colB.subarray(j0, j0 + n),
        colC: p.colC.subarray(j0, j0 + n),
      };
      // Only the first job can fail for room (later ones are no larger): nothing written yet.
      if (!runJob(runtime, pool, part)) {
        if (i0 === 0 && j0 === 0) return false;
        throw new BackendError('matmul: wasm memory could not hold a job no larger than the first');
      }
    }
  }
  return true;
}
