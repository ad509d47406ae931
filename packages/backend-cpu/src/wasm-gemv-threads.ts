// One-row products c (+)= a·B (B as cached NR-column strips, all in the runtime's memory) split
// over the thread pool's threads by columns: at batch 1 a large step (W_hh at H 1024: 16 MB) is
// bound by reading B, so two threads each stream half of it. Each task runs gemvProduct
// (wasm-sequence-kernel.ts) on whole column blocks, so every output element gets the same float32
// sums in the same order as the one-thread call: bitwise equal for any thread count.

import { SplitChoice } from './split-choice.js';
import { KIND_GEMV } from './thread-protocol.js';
import type { ThreadPool } from './thread-pool.js';
import { NR } from './wasm-gemm-kernel.js';
import { NC, roundUp } from './wasm-gemm.js';
import type { WasmRuntime } from './wasm-runtime.js';

// From this many multiply-adds (1 Mi: 4 MB of B) a split repays waking a worker (tens of µs
// when it sleeps, far less while it still spins after the previous product).
const GEMV_THREAD_WORK = 1 << 20;
// Tasks per product at most: a few per thread, so a delayed thread leaves its share to the others.
const MAX_TASKS = 8;
/** Floats of scratch a threaded product needs (a column block per task). */
export const GEMV_SCRATCH = MAX_TASKS * NC;

/** A one-row product, as float indices into the runtime's memory. */
interface GemvJob {
  /** a: k floats. */
  readonly a: number;
  /** B's strips as matmul packs them (per NC column block, per k block of kcMax). */
  readonly packed: number;
  /** c: n floats. */
  readonly c: number;
  readonly n: number;
  readonly k: number;
  readonly kcMax: number;
  /** GEMV_SCRATCH floats. */
  readonly scratch: number;
  readonly accumulate: boolean;
}

/**
 * The pool when a product of `work` multiply-adds should be split on `runtime`: the pool runs
 * over that very memory and has a worker ready (the first call starts them); else null.
 */
export function gemvPool(pool: ThreadPool | null, runtime: WasmRuntime, work: number): ThreadPool | null {
  if (!pool || work < GEMV_THREAD_WORK || pool.ready() === 0 || pool.runtime !== runtime) return null;
  return pool;
}

const choices = new WeakMap<ThreadPool, SplitChoice>();

/**
 * c (+)= a·B split over the pool's threads or by `single` (the one-thread call, same results)
 * on this thread, whichever has been faster lately for this size (split-choice.ts): on a machine
 * busier than its cores a descheduled worker holding a claimed column range costs the step
 * milliseconds, so there the split is mostly not taken.
 */
export function gemv(pool: ThreadPool, job: GemvJob, single: () => void): void {
  let choice = choices.get(pool);
  if (!choice) choices.set(pool, (choice = new SplitChoice()));
  choice.run(1, job.n * job.k, (split) => {
    if (split) threadedGemv(pool, job);
    else single();
    return true;
  });
}

/** c (+)= a·B across the pool's threads (the calling thread takes tasks too). */
export function threadedGemv(pool: ThreadPool, job: GemvJob): void {
  // Split at column blocks: with k in blocks, a block's partial sums meet in its task's scratch.
  const unit = job.k > job.kcMax ? NC : NR;
  const tasks = Math.min(MAX_TASKS, 2 * pool.threads);
  const taskCols = roundUp(Math.ceil(job.n / tasks), unit);
  pool.run(
    {
      kind: KIND_GEMV,
      atA: job.a,
      atB: job.packed,
      atC: job.c,
      rowsPad: 1,
      taskRows: 1,
      colsPad: job.n,
      taskCols,
      K: job.k,
      kcMax: job.kcMax,
      ncMax: NC,
      scratch: job.scratch,
      accumulate: job.accumulate ? 1 : 0,
    },
    () => {},
  );
}
