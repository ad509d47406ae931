// The `threads` option in a real browser (headless Chromium, vitest browser mode), on a page served
// cross-origin isolated by vitest.browser.config.ts: the backend starts Web Workers from a Blob URL
// over a shared WebAssembly.Memory, the workers take tiles of large matmuls while the main thread
// (which may not block) spins for their last ones, results equal `threads: 1` bitwise, and dispose
// ends the workers. Without isolation (no crossOriginIsolated) everything stays on one thread.
// M×K · K×N: A is M×K, B is K×N, out is M×N.

import { describe, expect, it } from 'vitest';
import type { MatmulOptions } from '@recur/backend';
import { cpuThreads, createCpuBackend } from './backend.js';
import type { GemmProblem } from './gemm.js';
import { makeView, type Backend, type CpuView } from './test-helpers.js';
import { ThreadPool, poolStats } from './thread-pool.js';
import { blockedGemm } from './wasm-gemm.js';
import { THREAD_WORK, threadedGemm } from './wasm-gemm-threads.js';
import { WasmRuntime, wasmSimdAvailable } from './wasm-runtime.js';
import { mulberry32 } from '@recur/backend';

const page = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; document?: unknown };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms for up to 20 s. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(poolStats())}`);
    await sleep(10);
  }
}

/** The same view (layout and values) on another backend. */
function copyTo(from: Backend, to: Backend, view: CpuView): CpuView {
  const buffer = to.alloc(view.buffer.size, view.dtype);
  to.write(buffer, from.readSync!(view.buffer));
  return { ...view, buffer };
}

/** The first element where two float32 arrays differ bit for bit, or -1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  const [u, v] = [new Uint32Array(x.buffer, x.byteOffset, x.length), new Uint32Array(y.buffer, y.byteOffset, y.length)];
  if (u.length !== v.length) return 0;
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
}

// Every test fails (none skips) when the page is not what the suite is about.
describe('cross-origin isolated page', () => {
  it('is a browser page, isolated, with shared memory, Web Workers and wasm SIMD', () => {
    expect(typeof page.document, 'not a browser page').toBe('object');
    expect(page.crossOriginIsolated, 'the page is not cross-origin isolated (COOP/COEP headers of vitest.browser.config.ts)').toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
    expect(typeof page.Worker).toBe('function');
    expect(wasmSimdAvailable()).toBe(true);
    expect(ThreadPool.supported()).toBe(true);
    expect(cpuThreads({ threads: 3 })).toBe(3);
  });
});

describe('threaded backend in the browser', () => {
  it('starts Web Workers that take tiles, equals threads: 1 bitwise, and dispose ends them', async () => {
    const one = createCpuBackend({ threads: 1 });
    const three = createCpuBackend({ threads: 3 });
    const random = mulberry32(31);
    const { started, live } = poolStats();
    const view = (shape: number[]) => makeView(three, random, 'float32', shape, { contiguous: true });
    // The first large product starts the workers and runs alone; they get ready in the background.
    three.matmul(view([256, 256]), view([256, 256]), view([256, 256]));
    expect(poolStats().started).toBe(started + 2);
    expect(poolStats().live).toBe(live + 2);
    await eventually(() => poolStats().ready >= 2, 'two Web Workers are ready');
    const tasksBefore = poolStats().workerTasks;

    // Each product is at least THREAD_WORK multiply-adds and the first of its size class (work's
    // power of two, M < 128 or not), so it is split (split-choice.ts splits a class's first two).
    const cases: { a: number[]; b: number[]; out: number[]; options: MatmulOptions; shareB?: boolean }[] = [
      { a: [64, 700], b: [700, 300], out: [64, 300], options: {} },
      { a: [300, 200], b: [300, 513], out: [200, 513], options: { transposeA: true, accumulate: true } },
      { a: [33, 512], b: [1030, 512], out: [33, 1030], options: { transposeB: true } },
      { a: [3, 40, 600], b: [3, 600, 700], out: [3, 40, 700], options: { accumulate: true }, shareB: true }, // folds into M
      { a: [2, 100, 320], b: [2, 320, 200], out: [2, 100, 200], options: {} }, // loops per batch
    ];
    for (const c of cases) {
      // Random strided layouts (permuted, stepped, padded), the same on both backends.
      const a = makeView(three, random, 'float32', c.a);
      let b = makeView(three, random, 'float32', c.b);
      if (c.shareB) b = { ...b, strides: b.strides.map((stride, d) => (d === 0 ? 0 : stride)) };
      const out = makeView(three, random, 'float32', c.out);
      const [a1, b1, out1] = [copyTo(three, one, a), copyTo(three, one, b), copyTo(three, one, out)];
      three.matmul(a, b, out, c.options);
      one.matmul(a1, b1, out1, c.options);
      const at = firstDifference(three.readSync!(out.buffer) as Float32Array, one.readSync!(out1.buffer) as Float32Array);
      expect(at, `${JSON.stringify(c)}: element ${at} differs`).toBe(-1);
    }
    // The workers took tiles. The page's thread claims tiles too, so a machine busier than its
    // cores may keep both workers off a core for these products: run more (each checked; split
    // while splits pay, split-choice.ts) until a worker took a tile, bounded by count.
    for (let run = 0; run < 500 && poolStats().workerTasks === tasksBefore; run++) {
      const [a, b, out] = [view([64, 700]), view([700, 300]), view([64, 300])];
      const [a1, b1, out1] = [copyTo(three, one, a), copyTo(three, one, b), copyTo(three, one, out)];
      three.matmul(a, b, out);
      one.matmul(a1, b1, out1);
      expect(firstDifference(three.readSync!(out.buffer) as Float32Array, one.readSync!(out1.buffer) as Float32Array)).toBe(-1);
      for (const buffer of [a, b, out]) three.free(buffer.buffer);
      for (const buffer of [a1, b1, out1]) one.free(buffer.buffer);
    }
    expect(poolStats().workerTasks).toBeGreaterThan(tasksBefore);
    // `threads: 1` started none.
    expect(poolStats().started).toBe(started + 2);
    one.dispose!();
    three.dispose!();
    // A Web Worker reports no exit: terminate() ends it, and the pool counts it gone then.
    expect(poolStats().live).toBe(live);
    expect(poolStats().ready).toBe(0);
  });

  it('splits jobs across three workers and the spinning main thread, bitwise equal (forced split)', async () => {
    const single = WasmRuntime.create();
    const shared = WasmRuntime.create({ shared: true, fusedMultiplyAdd: single?.fusedMultiplyAdd });
    expect(shared?.shared).toBe(true);
    expect(shared!.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const pool = new ThreadPool(4, () => shared);
    try {
      pool.ready();
      await eventually(() => pool.readyNow() === 3, 'three Web Workers are ready');
      const random = mulberry32(32);
      const fill = (size: number): Float32Array => Float32Array.from({ length: size }, () => random() * 2 - 1);
      const before = pool.workerTasks();
      const sizes: (readonly [number, number, number, boolean])[] = [
        [65, 513, 769, false],
        [200, 40, 1200, true],
        [7, 2100, 33, false],
        [256, 1024, 300, true],
      ];
      // Small and odd sizes too: threadedGemm splits whatever it is given. The page's thread claims
      // tiles too, so on a machine busier than its cores the workers may take none of these: then
      // more of the first size (each checked) until one took a tile, bounded by count.
      for (let i = 0; i < sizes.length || (i < 200 && pool.workerTasks() === before); i++) {
        const [M, N, K, transposeA] = sizes[i] ?? sizes[0]!;
        const a = fill(M * K);
        const b = fill(K * N);
        const problem: GemmProblem = {
          M,
          N,
          K,
          a,
          b,
          c: fill(M * N),
          rowA: Int32Array.from({ length: M }, (_, i) => (transposeA ? i : i * K)),
          colB: Int32Array.from({ length: N }, (_, j) => j),
          strideAK: transposeA ? M : 1,
          strideBK: N,
          rowC: Int32Array.from({ length: M }, (_, i) => i * N),
          colC: Int32Array.from({ length: N }, (_, j) => j),
          accumulate: true,
        };
        const alone = { ...problem, c: problem.c.slice() };
        expect(threadedGemm(pool, problem)).toBe(true);
        expect(blockedGemm(single!, alone)).toBe(true);
        const at = firstDifference(problem.c, alone.c);
        expect(at, `${M}×${K}·${K}×${N}: element ${at} differs`).toBe(-1);
      }
      expect(pool.workerTasks()).toBeGreaterThan(before);
    } finally {
      pool.dispose();
    }
    expect(pool.readyNow()).toBe(0);
  });

  it('starts the workers only once the calling thread yields to its event loop (a task, not a microtask)', async () => {
    const backend = createCpuBackend({ threads: 2 });
    const random = mulberry32(35);
    const view = (shape: number[]) => makeView(backend, random, 'float32', shape, { contiguous: true });
    const [a, b, out] = [view([128, 512]), view([512, 512]), view([128, 512])];
    const tasks = poolStats().workerTasks;
    // Unlike Node's worker_threads, Chromium creates a Web Worker's thread only from the creating
    // thread's event loop: a loop that never gives it a task runs every product alone.
    // (Should this fail, Chromium starts workers on its own now: drop the README's remark.)
    backend.matmul(a, b, out);
    const until = performance.now() + 150;
    while (performance.now() < until) {
      backend.matmul(a, b, out);
      await Promise.resolve();
    }
    expect(poolStats().ready, 'workers got ready without an event-loop turn').toBe(0);
    expect(poolStats().workerTasks).toBe(tasks);
    // A few timers later it is ready; the next products are split (a size class's first two, then
    // while splits pay: split-choice.ts). The page's thread claims tiles too, so on a machine busier
    // than its cores the worker may take none of the first two: run on until it took one, bounded by count.
    await eventually(() => poolStats().ready === 1, 'the Web Worker is ready');
    for (let run = 0; run < 500 && poolStats().workerTasks === tasks; run++) backend.matmul(a, b, out);
    expect(poolStats().workerTasks).toBeGreaterThan(tasks);
    backend.dispose!();
  });

  it('dispose ends Web Workers that are still starting', () => {
    const backend = createCpuBackend({ threads: 2 });
    const random = mulberry32(33);
    const { live } = poolStats();
    const view = (shape: number[]) => makeView(backend, random, 'float32', shape, { contiguous: true });
    backend.matmul(view([256, 256]), view([256, 256]), view([256, 256]));
    expect(poolStats().live).toBe(live + 1);
    backend.dispose!();
    expect(poolStats().live).toBe(live);
  });
});

describe('page that is not cross-origin isolated', () => {
  it('runs everything on one thread: no pool, no worker started', () => {
    // The same page with crossOriginIsolated false (what the backend checks before any Web Worker).
    const own = Object.getOwnPropertyDescriptor(globalThis, 'crossOriginIsolated');
    Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true, writable: true });
    try {
      expect(page.crossOriginIsolated).toBe(false);
      expect(ThreadPool.supported()).toBe(false);
      expect(cpuThreads({ threads: 4 })).toBe(1);
      const { started } = poolStats();
      const backend = createCpuBackend({ threads: 4 });
      const random = mulberry32(34);
      const view = (shape: number[]) => makeView(backend, random, 'float32', shape, { contiguous: true });
      const [M, N, K] = [128, 512, 256];
      expect(M * N * K).toBeGreaterThanOrEqual(THREAD_WORK);
      for (let k = 0; k < 3; k++) backend.matmul(view([M, K]), view([K, N]), view([M, N]));
      expect(poolStats().started).toBe(started);
      backend.dispose!();
    } finally {
      if (own) Object.defineProperty(globalThis, 'crossOriginIsolated', own);
      else delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    }
    expect(page.crossOriginIsolated).toBe(true);
  });
});
