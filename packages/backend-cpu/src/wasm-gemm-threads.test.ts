// The threaded sgemm against the single-threaded one, bitwise (same k blocks, same order of
// additions): odd sizes across the MR/NR tile, MC/NC/KC blocks and the job budget, strided and
// transposed operands through the offset tables, accumulate; then the pool itself: a job whose
// kernel traps throws a typed error without hanging, and the pool works afterwards; and the
// worker program's browser branch (self.onmessage) in a Node worker dressed as a Web Worker.
// M×K · K×N: A is M×K, B is K×N, C is M×N.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, mulberry32 } from '@recur/backend';
import type { GemmProblem } from './gemm.js';
import { ThreadPool } from './thread-pool.js';
import { CONTROL_WORDS, GEN, QUIT, READY } from './thread-protocol.js';
import { WORKER_SOURCE } from './worker-program.js';
import { blockedGemm } from './wasm-gemm.js';
import { threadedGemm } from './wasm-gemm-threads.js';
import { WasmRuntime } from './wasm-runtime.js';

const single = WasmRuntime.create();
const shared = WasmRuntime.create({ shared: true });
const usable = single !== null && shared !== null && shared.shared && ThreadPool.supported();
// Three workers on two cores: tasks land on every thread in some order, whatever the scheduler does.
const pool = usable ? new ThreadPool(4, () => shared) : null;

/** Until every worker is ready (they start in the background). */
async function workersReady(target: ThreadPool): Promise<void> {
  const until = Date.now() + 30_000;
  while (target.ready() < target.threads - 1) {
    if (Date.now() > until) throw new Error(`only ${target.ready()} of ${target.threads - 1} workers became ready`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  if (pool) await workersReady(pool);
});
afterAll(() => pool?.dispose());

interface Layout {
  transposeA: boolean;
  transposeB: boolean;
  /** C's column stride (1 or 2) and extra row pitch. */
  stepC: number;
  padC: number;
  accumulate: boolean;
}

/** A problem over random padded operands; `c` starts random (it matters when accumulating). */
function problem(random: () => number, M: number, N: number, K: number, layout: Layout): GemmProblem {
  const fill = (size: number): Float32Array => Float32Array.from({ length: size }, () => random() * 2 - 1);
  const pad = 3;
  // A row-major with pitch K + pad, or stored transposed (k-major) with pitch M + pad.
  const a = fill(1 + (layout.transposeA ? K * (M + pad) : M * (K + pad)));
  const rowA = Int32Array.from({ length: M }, (_, i) => 1 + (layout.transposeA ? i : i * (K + pad)));
  const b = fill(2 + (layout.transposeB ? N * (K + pad) : K * (N + pad)));
  const colB = Int32Array.from({ length: N }, (_, j) => 2 + (layout.transposeB ? j * (K + pad) : j));
  const pitchC = N * layout.stepC + layout.padC;
  const c = fill(M * pitchC);
  return {
    M,
    N,
    K,
    a,
    b,
    c,
    rowA,
    colB,
    strideAK: layout.transposeA ? M + pad : 1,
    strideBK: layout.transposeB ? 1 : N + pad,
    rowC: Int32Array.from({ length: M }, (_, i) => i * pitchC),
    colC: Int32Array.from({ length: N }, (_, j) => j * layout.stepC),
    accumulate: layout.accumulate,
  };
}

/** The first element where two float32 arrays differ bit for bit, or -1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  const [u, v] = [new Uint32Array(x.buffer, x.byteOffset, x.length), new Uint32Array(y.buffer, y.byteOffset, y.length)];
  if (u.length !== v.length) return 0;
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
}

function expectSame(M: number, N: number, K: number, layout: Layout, random: () => number): void {
  const threaded = problem(random, M, N, K, layout);
  const alone = { ...threaded, c: threaded.c.slice() };
  expect(threadedGemm(pool!, threaded)).toBe(true);
  expect(blockedGemm(single!, alone)).toBe(true);
  const at = firstDifference(threaded.c, alone.c);
  expect(at, `${M}×${K}·${K}×${N} ${JSON.stringify(layout)}: element ${at} differs`).toBe(-1);
}

describe.skipIf(!usable)('threaded wasm sgemm', () => {
  it('runs the same FMA variant on both runtimes (or bitwise equality means nothing)', () => {
    expect(shared!.fusedMultiplyAdd).toBe(single!.fusedMultiplyAdd);
  });

  it('equals one thread bitwise across the tile and block boundaries, every layout', () => {
    const random = mulberry32(11);
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 7, 5],
      [4, 8, 384],
      [5, 9, 385],
      [32, 1024, 320],
      [63, 511, 17],
      [64, 512, 64],
      [65, 513, 769],
      [130, 1030, 100],
      [200, 40, 1200],
      [7, 2100, 33],
    ];
    const before = pool!.workerTasks();
    for (const [M, N, K] of shapes) {
      for (let variant = 0; variant < 4; variant++) {
        const layout = {
          transposeA: (variant & 1) === 1,
          transposeB: (variant & 2) === 2,
          stepC: random() < 0.5 ? 1 : 2,
          padC: Math.floor(random() * 3),
          accumulate: random() < 0.5,
        };
        expectSame(M, N, K, layout, random);
      }
    }
    // The workers took part. The calling thread claims tasks too, so a machine busier than its
    // cores may keep every woken worker off a core for a whole job: run more jobs (each checked)
    // until one took a task, bounded by count.
    for (let run = 0; run < 200 && pool!.workerTasks() === before; run++) {
      expectSame(65, 513, 769, { transposeA: false, transposeB: false, stepC: 1, padC: 0, accumulate: run % 2 === 0 }, random);
    }
    expect(pool!.workerTasks()).toBeGreaterThan(before);
  });

  it('splits problems larger than one job into row and column ranges', () => {
    const random = mulberry32(12);
    const layout = { transposeA: false, transposeB: false, stepC: 1, padC: 0, accumulate: true };
    expectSame(16_500, 12, 5, layout, random); // more rows than one job takes
    expectSame(6, 4_200, 3, layout, random); // more columns than one job takes
    expectSame(9, 600, 14_000, { ...layout, transposeA: true }, random); // B alone over half the budget
  });

  it('throws BackendError when the kernel traps, without hanging, and works afterwards', () => {
    const bytes = shared!.memory.buffer.byteLength;
    // C staging past the end of memory: every task traps, on whichever thread claims it.
    const outside = { atA: 0, atB: 0, atC: bytes / 4 + 1024, rowsPad: 256, colsPad: 256, K: 8, kcMax: 8, taskRows: 16, taskCols: 16 };
    // Only the later rows past the end: some tasks finish, others trap.
    const partly = { ...outside, atC: bytes / 4 - 100 * 256, rowsPad: 256 };
    for (let round = 0; round < 20; round++) {
      for (const job of [outside, partly]) {
        expect(() => pool!.run(job, () => {})).toThrow(BackendError);
      }
    }
    // A packing step that throws (while workers wait for its slice) is reported the same way.
    const fine = { ...outside, atC: 0, rowsPad: 64, colsPad: 64, taskRows: 8, taskCols: 8 };
    const broken = (slice: number): void => {
      if (slice === 3) throw new Error('no room');
    };
    expect(() => pool!.run(fine, () => {}, broken)).toThrow(new BackendError('matmul: threaded product failed: no room'));
    const random = mulberry32(13);
    expectSame(40, 300, 50, { transposeA: false, transposeB: true, stepC: 1, padC: 1, accumulate: false }, random);
  });

  it('reports every tile of a job exactly once', () => {
    shared!.heap(1 << 20);
    const job = { atA: 0, atB: 0, atC: 0, rowsPad: 100, colsPad: 72, K: 1, kcMax: 1, taskRows: 8, taskCols: 16 };
    const seen = new Map<string, number>();
    pool!.run(job, (row0, col0, rows, cols) => {
      const key = `${row0},${col0},${rows},${cols}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    });
    expect(seen.size).toBe(13 * 5);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(seen.get('96,64,4,8')).toBe(1);
  });
});

describe.skipIf(!usable)('worker program', () => {
  it('starts through the browser branch too (self.onmessage, no require)', async () => {
    const { Worker } = await import('node:worker_threads');
    // A Node worker dressed as a Web Worker: `self` delivers the message, `require` is absent.
    const source = `const { parentPort } = require('node:worker_threads');
      const self = { onmessage: null };
      parentPort.once('message', (data) => self.onmessage({ data }));
      (function (require) { ${WORKER_SOURCE} })(undefined);`;
    const worker = new Worker(source, { eval: true });
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    try {
      worker.postMessage({ module: shared!.module, memory: shared!.memory, control: control.buffer });
      const until = Date.now() + 30_000;
      while (Atomics.load(control, READY) === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(Atomics.load(control, READY)).toBe(1);
    } finally {
      Atomics.store(control, GEN, QUIT);
      Atomics.notify(control, GEN);
      await worker.terminate();
    }
  });
});
