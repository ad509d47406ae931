// Worker threads for the wasm sgemm: the pool's lifecycle and a job's run on the calling thread.
// A pool of T − 1 workers (T threads in all, the caller's included) instantiates the kernel module
// over the runtime's shared memory and takes tile tasks of a packed GEMM (task-grid.ts) from a
// queue in a SharedArrayBuffer (thread-protocol.ts), side by side with the calling thread; both
// run the one tile program (worker-program.ts). Operands and C live in ordinary (unshared) arrays
// only the caller can touch, so the caller packs A and B into wasm memory (B a column slice at a
// time, workers starting on each packed slice) and copies each finished tile of C out, between its
// own tasks; workers only multiply. Tasks are claimed dynamically, so a worker the OS delays leaves
// its share to the others, and a worker not yet started or woken costs nothing but its share.

import { BackendError } from '@recur/backend';
import { taskGrid, taskTile, type TileJob } from './task-grid.js';
import {
  BUSY_SPIN_MS,
  CONTROL_WORDS,
  DONE,
  ERROR,
  GEN,
  GEN_LIMIT,
  MAX_TASKS,
  PACKED,
  QUIT,
  READY,
  WORKER_TASKS,
} from './thread-protocol.js';
import { canBlock, workerCounts, workerFactory, workersSupported, type WorkerHandle } from './worker-hosts.js';
import { program, type TaskKernels } from './worker-program.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Called on the calling thread once a task's tile of the C staging is final (padded extents). */
export type TileDone = (row0: number, col0: number, rows: number, cols: number) => void;

/**
 * Called on the calling thread to pack what the tasks of column slice `slice` (columns
 * slice·taskCols…) read, in slice order: all of A with slice 0, then that slice of B.
 */
export type SlicePack = (slice: number, col0: number, cols: number) => void;

// Started pools (weakly held), for poolStats.
const pools = new Set<WeakRef<ThreadPool>>();

/** Ends the workers of a started pool: on dispose, or once the pool (its backend) is collected. */
function stopWorkers(control: Int32Array, workers: readonly WorkerHandle[]): void {
  Atomics.store(control, GEN, QUIT);
  Atomics.notify(control, GEN);
  for (const worker of workers) worker.terminate();
}
// A backend dropped without dispose() must not leave its workers (and their memory) behind.
const reaper =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ control: Int32Array; workers: WorkerHandle[] }>(({ control, workers }) => stopWorkers(control, workers))
    : null;

/** Counts over every pool of this thread: workers started, still running, ready, and tasks they ran. */
export function poolStats(): { started: number; live: number; ready: number; workerTasks: number } {
  let ready = 0;
  let workerTasks = 0;
  for (const ref of pools) {
    const pool = ref.deref();
    if (!pool) pools.delete(ref);
    ready += pool?.readyNow() ?? 0;
    workerTasks += pool?.workerTasks() ?? 0;
  }
  return { started: workerCounts.started, live: workerCounts.live, ready, workerTasks };
}

export class ThreadPool {
  /** Threads in all, the calling thread included. */
  readonly threads: number;
  readonly #makeRuntime: () => WasmRuntime | null;
  #runtime: WasmRuntime | null = null;
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  #workers: WorkerHandle[] | null = null;
  #release = (): void => {};
  // Its own object, so a worker's error listener can flag it without holding the pool alive.
  readonly #state = { broken: false };
  #gen = 0;
  #ref: WeakRef<ThreadPool> | null = null;

  /**
   * `makeRuntime` gives the runtime over shared memory that the workers instantiate the kernels
   * over, when they are first started: kernels on shared memory run some 5–10% slower, so only
   * the threaded products use it and everything else stays on the backend's unshared runtime.
   */
  constructor(threads: number, makeRuntime: () => WasmRuntime | null) {
    this.#makeRuntime = makeRuntime;
    this.threads = threads;
  }

  /** Whether workers can run here at all (checked before making a shared runtime for them). */
  static supported(): boolean {
    return workersSupported();
  }

  /**
   * Workers ready to take tasks. The first call starts them, in the background: in Node they
   * become ready while the caller goes on alone (no event-loop turn needed), typically within
   * 100 ms; a browser creates a Web Worker only from its creator's event loop, so there they start
   * once the caller yields to it (a timer; not just a microtask), within a few tens of ms.
   */
  ready(): number {
    if (this.#state.broken) return 0;
    if (!this.#workers) this.#start();
    return Atomics.load(this.#control, READY);
  }

  /** Workers ready now, without starting any. */
  readyNow(): number {
    return this.#state.broken ? 0 : Atomics.load(this.#control, READY);
  }

  /** Tasks the workers ran so far. */
  workerTasks(): number {
    return Atomics.load(this.#control, WORKER_TASKS);
  }

  /** The shared-memory runtime the threaded products pack into and run on (once started). */
  get runtime(): WasmRuntime | null {
    return this.#runtime;
  }

  #start(): void {
    this.#workers = [];
    const factory = workerFactory();
    const runtime = factory ? this.#makeRuntime() : null;
    if (!factory || !runtime?.shared) {
      this.#state.broken = true;
      return;
    }
    this.#runtime = runtime;
    this.#ref = new WeakRef(this);
    pools.add(this.#ref);
    reaper?.register(this, { control: this.#control, workers: this.#workers }, this);
    this.#release = () => factory.release();
    // A worker that fails to start or dies stops the pool's use; its claimed task cannot hang
    // a job, since a throwing task is still marked done (see `run`).
    const state = this.#state;
    const onFailure = (): void => void (state.broken = true);
    try {
      for (let w = 1; w < this.threads; w++) {
        const worker = factory.spawn(onFailure);
        this.#workers.push(worker);
        worker.post({ module: runtime.module, memory: runtime.memory, control: this.#control.buffer });
      }
    } catch {
      this.#state.broken = true;
    }
  }

  /**
   * Runs every task of `job`, on the calling thread and the ready workers, and calls `done` for
   * each task once its tile is final, on this thread. `pack` fills each column slice's operands
   * first (workers start on a slice as soon as it is packed, so packing overlaps their work).
   * Throws BackendError when a task failed, only after every claimed task has finished, so no
   * worker still writes the staging area.
   */
  run(job: TileJob, done: TileDone, pack: SlicePack = () => {}): void {
    const runtime = this.#runtime;
    if (!runtime) throw new BackendError('matmul: the thread pool has not started');
    const grid = taskGrid(job);
    const { slices, count } = grid;
    if (count > MAX_TASKS) throw new BackendError(`matmul: ${count} tasks in one job, at most ${MAX_TASKS}`);
    const ctl = this.#control;
    const gen = (this.#gen = (this.#gen % (GEN_LIMIT - 1)) + 1);
    program.publish(ctl, gen, job);
    let failure: unknown = null;
    // How many tasks were handed out: all of them, unless a failure closed the queue early.
    let claimed = count;
    try {
      for (let s = 0; s < slices; s++) {
        const { col0, cols } = taskTile(job, grid, s * grid.rowTasks);
        pack(s, col0, cols);
        Atomics.store(ctl, PACKED, s + 1);
        Atomics.notify(ctl, PACKED);
      }
    } catch (error) {
      failure = error;
      claimed = program.close(ctl, gen, count);
      // Release workers waiting for a slice: they compute on whatever is there; it is dropped.
      Atomics.store(ctl, PACKED, slices);
      Atomics.notify(ctl, PACKED);
    }

    const finish = (t: number): void => {
      const { row0, col0, rows, cols } = taskTile(job, grid, t);
      done(row0, col0, rows, cols);
    };
    // Tasks whose tile went out; the calling thread sweeps the others' finished ones between its own.
    const out = new Uint8Array(count);
    let swept = 0;
    const sweep = (): void => {
      while (swept < count && (out[swept] === 1 || Atomics.load(ctl, DONE + swept) === gen)) {
        if (out[swept] === 0) finish(swept);
        out[swept++] = 1;
      }
    };
    for (let t = failure === null ? program.claim(ctl, gen, count) : -1; t >= 0; t = program.claim(ctl, gen, count)) {
      const tile = taskTile(job, grid, t);
      try {
        program.runAny(runtime.kernels as unknown as TaskKernels, job, tile);
      } catch (error) {
        failure = error;
        out[t] = 1;
        // Close the queue: nobody claims more; tasks already claimed still finish below.
        claimed = program.close(ctl, gen, count);
        break;
      }
      Atomics.store(ctl, DONE + t, gen);
      done(tile.row0, tile.col0, tile.rows, tile.cols);
      out[t] = 1;
      sweep();
    }
    // Every task has been claimed: wait for those claimed by workers.
    const block = canBlock();
    const until = performance.now() + BUSY_SPIN_MS;
    for (let t = 0; t < claimed; t++) {
      if (out[t] === 1) continue;
      for (let v = Atomics.load(ctl, DONE + t); v !== gen; v = Atomics.load(ctl, DONE + t)) {
        // Spin first (see BUSY_SPIN_MS); a browser's main thread may not block, so it spins on,
        // for at most one task of each worker.
        if (block && performance.now() > until) Atomics.wait(ctl, DONE + t, v, 1000);
      }
      if (failure === null) finish(t);
      out[t] = 1;
    }
    if (failure !== null)
      throw new BackendError(`matmul: threaded product failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    if (Atomics.load(ctl, ERROR) === gen) throw new BackendError('matmul: the wasm kernel failed on a worker thread');
  }

  /** Ends the workers; the pool is unusable afterwards. */
  dispose(): void {
    stopWorkers(this.#control, this.#workers ?? []);
    reaper?.unregister(this);
    this.#workers = [];
    this.#release();
    this.#state.broken = true;
    this.#runtime = null;
    if (this.#ref) pools.delete(this.#ref);
  }
}
