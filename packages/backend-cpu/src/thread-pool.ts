// Worker threads for the wasm sgemm. A pool of T − 1 workers (T threads in all, the caller's
// included) instantiates the kernel module over the runtime's shared memory and takes tile tasks
// of a packed GEMM from a queue in a SharedArrayBuffer, side by side with the calling thread.
// Operands and C live in ordinary (unshared) arrays only the caller can touch, so the caller packs
// A and B into wasm memory (B a column slice at a time, workers starting on each packed slice) and
// copies each finished tile of C out, between its own tasks; workers only multiply.
// Tasks are claimed dynamically, so a worker the OS delays leaves its share to the others, and a
// worker not yet started or woken costs nothing but its share of the speed-up.
//
// A job is a grid of tasks over a C staging area of rowsPad × colsPad floats: task t covers rows
// ic…ic+taskRows and columns jc…jc+taskCols and sums over all of K (k blocks of kcMax in order),
// so every element sees the same additions in the same order as on one thread.

import { BackendError } from '@recur/backend';
import type { WasmKernels, WasmRuntime } from './wasm-runtime.js';

/** A packed GEMM as float indices into wasm memory (see wasm-gemm-threads.ts for the layout). */
export interface TileJob {
  /** Packed A: for each k block (of kcMax, the last maybe shorter) rowsPad × kc, MR-row strips. */
  readonly atA: number;
  /** Packed B: for each k block colsPad × kc, NR-column strips. */
  readonly atB: number;
  /** C staging: rowsPad rows of colsPad floats. */
  readonly atC: number;
  readonly rowsPad: number;
  readonly colsPad: number;
  readonly K: number;
  readonly kcMax: number;
  /** Rows and columns of one task: multiples of MR and NR. */
  readonly taskRows: number;
  readonly taskCols: number;
}

/** Called on the calling thread once a task's tile of the C staging is final (padded extents). */
export type TileDone = (row0: number, col0: number, rows: number, cols: number) => void;

/**
 * Called on the calling thread to pack what the tasks of column slice `slice` (columns
 * slice·taskCols…) read, in slice order: all of A with slice 0, then that slice of B.
 */
export type SlicePack = (slice: number, col0: number, cols: number) => void;

// Control words (Int32Array over a SharedArrayBuffer). GEN is the current job's generation
// (QUIT ends the workers); TICKET is (generation << 12) | next task, claimed by compare-exchange,
// so a late worker can never take a task of a job it did not read the parameters of.
const GEN = 0;
const TICKET = 1;
const READY = 2;
const ERROR = 3;
const PARAMS = 4; // atA, atB, atC, rowsPad, colsPad, K, kcMax, taskRows, taskCols
const WORKER_TASKS = 13; // tasks the workers ran, in all (for tests and diagnostics)
const PACKED = 14; // column slices of the current job packed so far
const DONE = 16; // per task: the generation that finished it
/** Most tasks one job may have (the ticket holds the next task in 12 bits). */
export const MAX_TASKS = 2048;
const QUIT = -1;
const GEN_LIMIT = 1 << 19;
// Waits spin before they block: a futex wake-up costs tens of µs (over 100 µs in a VM whose idle
// core is halted), as long as a whole task of an RNN-step product. Workers keep spinning this long
// after a job for the next one (back-to-back products, as in a sequence loop), then sleep; waits
// for a slice being packed or a task being finished spin longer, since they end soon.
const IDLE_SPIN_MS = 0.2;
const BUSY_SPIN_MS = 2;

/**
 * The claim and the tile task as the workers run them (plain JavaScript, evaluated in the worker
 * as is); `claim` and `runTask` below are the calling thread's copies: keep them alike.
 */
const TASK_SOURCE = `
function claim(ctl, gen, count) {
  for (;;) {
    const v = Atomics.load(ctl, ${TICKET});
    if (v >>> 12 !== gen || (v & 4095) >= count) return -1;
    if (Atomics.compareExchange(ctl, ${TICKET}, v, v + 1) === v) return v & 4095;
  }
}
function waitChange(ctl, index, value, spinMs) {
  const until = performance.now() + spinMs;
  while (Atomics.load(ctl, index) === value) {
    if (performance.now() > until) Atomics.wait(ctl, index, value);
  }
}
function runTask(gemmBlock, p, t) {
  const [atA, atB, atC, rowsPad, colsPad, K, kcMax, taskRows, taskCols] = p;
  const rowTasks = Math.ceil(rowsPad / taskRows);
  const col = Math.floor(t / rowTasks);
  const ic = (t - col * rowTasks) * taskRows;
  const jc = col * taskCols;
  const mc = Math.min(taskRows, rowsPad - ic);
  const nc = Math.min(taskCols, colsPad - jc);
  for (let pc = 0; pc < K; pc += kcMax) {
    const kc = Math.min(kcMax, K - pc);
    gemmBlock((atA + rowsPad * pc + ic * kc) * 4, (atB + colsPad * pc + jc * kc) * 4, (atC + ic * colsPad + jc) * 4, mc, nc, kc, colsPad * 4, pc > 0 ? 1 : 0);
  }
}`;

/** The workers' whole program, a classic script for Node (eval) and browsers (a Blob URL). */
export const WORKER_SOURCE = `'use strict';
${TASK_SOURCE}
function start({ module, memory, control }) {
  const ctl = new Int32Array(control);
  const gemmBlock = new WebAssembly.Instance(module, { env: { memory } }).exports.gemmBlock;
  Atomics.add(ctl, ${READY}, 1);
  let seen = 0;
  for (;;) {
    waitChange(ctl, ${GEN}, seen, ${IDLE_SPIN_MS});
    const gen = Atomics.load(ctl, ${GEN});
    if (gen === ${QUIT}) return;
    seen = gen;
    // Read before claiming: a successful claim for this generation proves they were this job's.
    const p = [];
    for (let i = 0; i < 9; i++) p.push(Atomics.load(ctl, ${PARAMS} + i));
    const count = Math.ceil(p[3] / p[7]) * Math.ceil(p[4] / p[8]);
    const rowTasks = Math.ceil(p[3] / p[7]);
    for (let t = claim(ctl, gen, count); t >= 0; t = claim(ctl, gen, count)) {
      // The calling thread packs B a column slice at a time while the first tasks already run.
      const slice = Math.floor(t / rowTasks);
      for (let v = Atomics.load(ctl, ${PACKED}); v <= slice; v = Atomics.load(ctl, ${PACKED})) waitChange(ctl, ${PACKED}, v, ${BUSY_SPIN_MS});
      try {
        runTask(gemmBlock, p, t);
      } catch {
        Atomics.store(ctl, ${ERROR}, gen);
      }
      Atomics.add(ctl, ${WORKER_TASKS}, 1);
      Atomics.store(ctl, ${DONE} + t, gen);
      Atomics.notify(ctl, ${DONE} + t);
    }
  }
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
else self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;

// The calling thread's copies of the worker's claim and task (no `new Function`, which a strict
// Content-Security-Policy forbids). The bitwise-equality tests run tasks on both sides.
function claim(ctl: Int32Array, gen: number, count: number): number {
  for (;;) {
    const v = Atomics.load(ctl, TICKET);
    if (v >>> 12 !== gen || (v & 4095) >= count) return -1;
    if (Atomics.compareExchange(ctl, TICKET, v, v + 1) === v) return v & 4095;
  }
}

function runTask(gemmBlock: WasmKernels['gemmBlock'], p: readonly number[], t: number): void {
  const [atA, atB, atC, rowsPad, colsPad, K, kcMax, taskRows, taskCols] = p as [number, number, number, number, number, number, number, number, number];
  const rowTasks = Math.ceil(rowsPad / taskRows);
  const col = Math.floor(t / rowTasks);
  const ic = (t - col * rowTasks) * taskRows;
  const jc = col * taskCols;
  const mc = Math.min(taskRows, rowsPad - ic);
  const nc = Math.min(taskCols, colsPad - jc);
  for (let pc = 0; pc < K; pc += kcMax) {
    const kc = Math.min(kcMax, K - pc);
    gemmBlock((atA + rowsPad * pc + ic * kc) * 4, (atB + colsPad * pc + jc * kc) * 4, (atC + ic * colsPad + jc) * 4, mc, nc, kc, colsPad * 4, pc > 0 ? 1 : 0);
  }
}

/** A started worker, whatever the host. */
interface WorkerHandle {
  post(message: unknown): void;
  terminate(): void;
}

// For tests and diagnostics: workers started and not yet exited, started pools (weakly held).
let started = 0;
let live = 0;
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
  return { started, live, ready, workerTasks };
}

interface NodeWorker {
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  unref(): void;
  on(event: 'error' | 'exit', listener: () => void): void;
}
type NodeWorkerThreads = { Worker: new (source: string, options: { eval: true }) => NodeWorker };
type BrowserWorker = { postMessage(message: unknown): void; terminate(): void; onerror: (() => void) | null };

interface Host {
  readonly process?: { getBuiltinModule?: (id: string) => unknown };
  readonly Worker?: new (url: string) => BrowserWorker;
  readonly crossOriginIsolated?: boolean;
  readonly Blob?: new (parts: string[], options: { type: string }) => object;
  readonly URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}
const host = globalThis as Host;

/** Node's worker_threads without a static import (which browser bundles could not resolve). */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  try {
    return (host.process?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Whether a page may share memory with Web Workers: only a cross-origin isolated one. */
function browserWorkers(): boolean {
  return typeof host.Worker === 'function' && typeof host.Blob === 'function' && !!host.URL && host.crossOriginIsolated === true;
}

/**
 * A way to start workers here, or null: Node with `process.getBuiltinModule` (≥ 20.16), or a
 * cross-origin isolated page.
 */
function workerFactory(): { spawn(onFailure: () => void): WorkerHandle; release(): void } | null {
  const threads = nodeWorkerThreads();
  if (threads) {
    return {
      spawn(onFailure) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true });
        live++;
        // An idle pool must never keep the process alive.
        worker.unref();
        worker.on('error', onFailure);
        worker.on('exit', () => live--);
        return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
      },
      release() {},
    };
  }
  const { Worker, Blob, URL } = host;
  if (!browserWorkers() || !Worker || !Blob || !URL) return null;
  // A Blob URL, so no worker file has to be found next to a bundle.
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return {
    spawn(onFailure) {
      const worker = new Worker(url);
      live++;
      worker.onerror = onFailure;
      // A Web Worker reports no exit: count it gone once terminated.
      return {
        post: (message) => worker.postMessage(message),
        terminate: () => {
          worker.terminate();
          live--;
        },
      };
    },
    release: () => URL.revokeObjectURL(url),
  };
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
let blockingWait: boolean | undefined;
function canBlock(): boolean {
  if (blockingWait === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingWait = true;
    } catch {
      blockingWait = false;
    }
  }
  return blockingWait;
}

export class ThreadPool {
  /** Threads in all, the calling thread included. */
  readonly threads: number;
  readonly #makeRuntime: () => WasmRuntime | null;
  #runtime: WasmRuntime | null = null;
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * (DONE + MAX_TASKS)));
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
    return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && (nodeWorkerThreads() !== null || browserWorkers());
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
        started++;
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
    const { rowsPad, colsPad, taskRows, taskCols } = job;
    const rowTasks = Math.ceil(rowsPad / taskRows);
    const slices = Math.ceil(colsPad / taskCols);
    const count = rowTasks * slices;
    if (count > MAX_TASKS) throw new BackendError(`matmul: ${count} tasks in one job, at most ${MAX_TASKS}`);
    const ctl = this.#control;
    const gen = (this.#gen = (this.#gen % (GEN_LIMIT - 1)) + 1);
    // Close the queue under the new generation before touching the parameters: a late worker
    // still holding the previous generation can no longer claim anything with half-written ones.
    Atomics.store(ctl, TICKET, (gen << 12) | 4095);
    const params = [job.atA, job.atB, job.atC, rowsPad, colsPad, job.K, job.kcMax, taskRows, taskCols];
    params.forEach((value, i) => Atomics.store(ctl, PARAMS + i, value));
    Atomics.store(ctl, PACKED, 0);
    Atomics.store(ctl, TICKET, gen << 12);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    let failure: unknown = null;
    // How many tasks were handed out: all of them, unless a failure closed the queue early.
    let claimed = count;
    const close = (): void => {
      for (let v = Atomics.load(ctl, TICKET); (v & 4095) < count; v = Atomics.load(ctl, TICKET)) {
        if (Atomics.compareExchange(ctl, TICKET, v, (gen << 12) | count) === v) {
          claimed = v & 4095;
          break;
        }
      }
    };
    try {
      for (let s = 0; s < slices; s++) {
        pack(s, s * taskCols, Math.min(taskCols, colsPad - s * taskCols));
        Atomics.store(ctl, PACKED, s + 1);
        Atomics.notify(ctl, PACKED);
      }
    } catch (error) {
      failure = error;
      close();
      // Release workers waiting for a slice: they compute on whatever is there; it is dropped.
      Atomics.store(ctl, PACKED, slices);
      Atomics.notify(ctl, PACKED);
    }

    const finish = (t: number): void => {
      const col = Math.floor(t / rowTasks);
      const ic = (t - col * rowTasks) * taskRows;
      const jc = col * taskCols;
      done(ic, jc, Math.min(taskRows, rowsPad - ic), Math.min(taskCols, colsPad - jc));
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
    for (let t = failure === null ? claim(ctl, gen, count) : -1; t >= 0; t = claim(ctl, gen, count)) {
      try {
        runTask(runtime.kernels.gemmBlock, params, t);
      } catch (error) {
        failure = error;
        out[t] = 1;
        // Close the queue: nobody claims more; tasks already claimed still finish below.
        close();
        break;
      }
      Atomics.store(ctl, DONE + t, gen);
      finish(t);
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
    if (failure !== null) throw new BackendError(`matmul: threaded product failed: ${failure instanceof Error ? failure.message : String(failure)}`);
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
