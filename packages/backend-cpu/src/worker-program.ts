// The tile protocol of the thread pool, written once for both sides: the calling thread calls
// tileProgram(PROTOCOL, TASK_GRID) as a function (no `new Function` or eval, which a strict
// Content-Security-Policy forbids), and every worker runs the same functions' source text,
// WORKER_SOURCE: Function.prototype.toString of tileProgram and of the task grid, plus a bootstrap.
// So they must capture nothing: no import, no module constant, only their parameters and
// JavaScript's globals (Atomics, Math, performance, WebAssembly); worker-program.test.ts runs the
// source in a context that has nothing else. Nor `?.` or `??`: tsup's CommonJS build rewrites them
// into calls of module-level helpers (`pnpm check:packages` starts workers from that build).

import type { Protocol } from './thread-protocol.js';
import { PROTOCOL } from './thread-protocol.js';
import type { TaskGrid, Tile, TileJob } from './task-grid.js';
import { TASK_GRID } from './task-grid.js';
import type { WasmApi, WasmKernels, WasmMemory } from './wasm-runtime.js';

/** The wasm kernel a task runs: C block (+)= A block · B block (byte addresses). */
type GemmBlock = WasmKernels['gemmBlock'];
/** A GEMV job's kernel (wasm-sequence-kernel.ts): c (+)= a·B over a column range, byte addresses. */
type GemvProduct = (
  a: number,
  packed: number,
  c: number,
  n: number,
  k: number,
  kcMax: number,
  ncMax: number,
  scratch: number,
  add: number,
) => void;
/** The quantised layers' kernel (int8Dots, float16Dots): dots of x with `rows` rows of w, `pitch` bytes apart. */
type Dots = (x: number, w: number, pitch: number, rows: number, groups: number, out: number) => void;
/** The kernels a worker's tasks call. */
export interface TaskKernels {
  readonly gemmBlock: GemmBlock;
  readonly gemvProduct: GemvProduct;
  readonly int8Dots: Dots;
  readonly float16Dots: Dots;
}

/** What a worker is sent once, to start. */
export interface WorkerStart {
  /** The compiled kernel module (a WebAssembly.Module) and the shared memory to run it over. */
  readonly module: object;
  readonly memory: WasmMemory;
  readonly control: SharedArrayBuffer;
}

/** The protocol's steps: the calling thread's (publish, claim, runTask, close) and a worker's (serve). */
export interface TileProgram {
  claim(ctl: Int32Array, gen: number, count: number): number;
  close(ctl: Int32Array, gen: number, count: number): number;
  publish(ctl: Int32Array, gen: number, job: TileJob): void;
  runTask(gemmBlock: GemmBlock, job: TileJob, tile: Tile): void;
  runAny(kernels: TaskKernels, job: TileJob, tile: Tile): void;
  serve(start: WorkerStart): void;
}

export function tileProgram(P: Protocol, grid: TaskGrid): TileProgram {
  const { GEN, TICKET, READY, ERROR, PARAMS, PARAM_NAMES, WORKER_TASKS, PACKED, DONE } = P;
  const { TASK_BITS, TASK_MASK, QUIT, IDLE_SPIN_MS, BUSY_SPIN_MS, KIND_GEMV, KIND_INT8_DOTS, KIND_FLOAT16_DOTS } = P;

  /** The next task of generation `gen` (of `count`), or −1 once there is none for it. */
  function claim(ctl: Int32Array, gen: number, count: number): number {
    for (;;) {
      const v = Atomics.load(ctl, TICKET);
      if (v >>> TASK_BITS !== gen || (v & TASK_MASK) >= count) return -1;
      if (Atomics.compareExchange(ctl, TICKET, v, v + 1) === v) return v & TASK_MASK;
    }
  }

  /** Ends the handing out of generation `gen`'s tasks; returns how many were handed out. */
  function close(ctl: Int32Array, gen: number, count: number): number {
    for (let v = Atomics.load(ctl, TICKET); (v & TASK_MASK) < count; v = Atomics.load(ctl, TICKET)) {
      if (Atomics.compareExchange(ctl, TICKET, v, (gen << TASK_BITS) | count) === v) return v & TASK_MASK;
    }
    return count;
  }

  /** Calling thread: makes `job` generation `gen`, with nothing packed yet, and wakes the workers. */
  function publish(ctl: Int32Array, gen: number, job: TileJob): void {
    // Close the queue under the new generation before touching the parameters: a late worker
    // still holding the previous generation can no longer claim anything with half-written ones.
    Atomics.store(ctl, TICKET, (gen << TASK_BITS) | TASK_MASK);
    PARAM_NAMES.forEach((name, i) => Atomics.store(ctl, PARAMS + i, job[name] || 0));
    Atomics.store(ctl, PACKED, 0);
    Atomics.store(ctl, TICKET, gen << TASK_BITS);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
  }

  /** The current job's parameters (a worker reads them before claiming: see `claim`). */
  function readJob(ctl: Int32Array): TileJob {
    const job: Record<string, number> = {};
    PARAM_NAMES.forEach((name, i) => (job[name] = Atomics.load(ctl, PARAMS + i)));
    return job as unknown as TileJob;
  }

  /** Until ctl[index] is no longer `value`: spins for `spinMs`, then blocks. */
  function waitChange(ctl: Int32Array, index: number, value: number, spinMs: number): void {
    const until = performance.now() + spinMs;
    while (Atomics.load(ctl, index) === value) {
      if (performance.now() > until) Atomics.wait(ctl, index, value);
    }
  }

  /** The task's tile of C, summed over all of K a k block (kcMax) at a time, in order. */
  function runTask(gemmBlock: GemmBlock, job: TileJob, tile: Tile): void {
    const { atA, atB, atC, rowsPad, colsPad, K, kcMax } = job;
    const { row0: ic, col0: jc, rows: mc, cols: nc } = tile;
    for (let pc = 0; pc < K; pc += kcMax) {
      const kc = Math.min(kcMax, K - pc);
      gemmBlock(
        (atA + rowsPad * pc + ic * kc) * 4,
        (atB + colsPad * pc + jc * kc) * 4,
        (atC + ic * colsPad + jc) * 4,
        mc,
        nc,
        kc,
        colsPad * 4,
        pc > 0 ? 1 : 0,
      );
    }
  }

  /**
   * A GEMV job's task: its column range (a multiple of ncMax from the start, so every column
   * block, and each lane's sums, are the ones a single gemvProduct over all columns forms).
   */
  function runGemv(gemvProduct: GemvProduct, job: TileJob, tile: Tile): void {
    const ncMax = job.ncMax || 0;
    const scratch = (job.scratch || 0) + tile.slice * ncMax;
    const c = job.atC + tile.col0;
    gemvProduct(
      job.atA * 4,
      (job.atB + tile.col0 * job.K) * 4,
      c * 4,
      tile.cols,
      job.K,
      job.kcMax,
      ncMax,
      scratch * 4,
      job.accumulate || 0,
    );
  }

  /** A quantised layer's task: the dots of its range of W's rows (each row's sum is the one-call sum). */
  function runDots(dots: Dots, job: TileJob, tile: Tile): void {
    const pitch = job.pitch || 0;
    dots(job.atA * 4, job.atB * 4 + tile.col0 * pitch, pitch, tile.cols, job.K, (job.atC + tile.col0) * 4);
  }

  /** Any kind of task. */
  function runAny(kernels: TaskKernels, job: TileJob, tile: Tile): void {
    if (job.kind === KIND_GEMV) runGemv(kernels.gemvProduct, job, tile);
    else if (job.kind === KIND_INT8_DOTS) runDots(kernels.int8Dots, job, tile);
    else if (job.kind === KIND_FLOAT16_DOTS) runDots(kernels.float16Dots, job, tile);
    else runTask(kernels.gemmBlock, job, tile);
  }

  /** A worker's life: instantiate the kernels, then take the tasks of each job until QUIT. */
  function serve({ module, memory, control }: WorkerStart): void {
    const ctl = new Int32Array(control);
    const { Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const kernels = new Instance(module, { env: { memory } }).exports as unknown as TaskKernels;
    Atomics.add(ctl, READY, 1);
    let seen = 0;
    for (;;) {
      waitChange(ctl, GEN, seen, IDLE_SPIN_MS);
      const gen = Atomics.load(ctl, GEN);
      if (gen === QUIT) return;
      seen = gen;
      // Read before claiming: a successful claim for this generation proves they were this job's.
      const job = readJob(ctl);
      const shape = grid.taskGrid(job);
      for (let t = claim(ctl, gen, shape.count); t >= 0; t = claim(ctl, gen, shape.count)) {
        const tile = grid.taskTile(job, shape, t);
        // The calling thread packs B a column slice at a time while the first tasks already run.
        for (let v = Atomics.load(ctl, PACKED); v <= tile.slice; v = Atomics.load(ctl, PACKED)) waitChange(ctl, PACKED, v, BUSY_SPIN_MS);
        try {
          runAny(kernels, job, tile);
        } catch {
          Atomics.store(ctl, ERROR, gen);
        }
        Atomics.add(ctl, WORKER_TASKS, 1);
        Atomics.store(ctl, DONE + t, gen);
        Atomics.notify(ctl, DONE + t);
      }
    }
  }

  return { claim, close, publish, runTask, runAny, serve };
}

/** The program as the calling thread runs it. */
export const program = tileProgram(PROTOCOL, TASK_GRID);

/** Source text of an object literal whose members are these closure-free functions. */
function functions(members: Record<string, (...args: never[]) => unknown>): string {
  return `{ ${Object.entries(members)
    .map(([name, fn]) => `${name}: (${fn.toString()})`)
    .join(', ')} }`;
}

/** The tile program alone, as source text: an expression, with the protocol and grid filled in. */
export const PROGRAM_SOURCE = `(${tileProgram.toString()})(${JSON.stringify(PROTOCOL)}, ${functions(TASK_GRID)})`;

/** The workers' whole program, a classic script for Node (eval) and browsers (a Blob URL). */
export const WORKER_SOURCE = `'use strict';
const program = ${PROGRAM_SOURCE};
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', program.serve);
else self.onmessage = (event) => { self.onmessage = null; program.serve(event.data); };
`;
