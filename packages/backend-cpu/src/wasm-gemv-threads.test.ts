// The threaded one-row product against one gemvProduct call, bitwise (each column block is one
// task's, its sums in the same order): k in blocks (split at NC columns) and in one block (split at
// NR strips), accumulating or not; then the whole-sequence LSTM walk of a threaded backend (its
// steps' h·W_hhᵀ split over the workers, in the backend's own memory) against a one-thread backend.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contiguousStrides, mulberry32, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';
import { ThreadPool, poolStats } from './thread-pool.js';
import { kBlock } from './wasm-gemm.js';
import { GEMV_SCRATCH, threadedGemv } from './wasm-gemv-threads.js';
import { WasmRuntime } from './wasm-runtime.js';

const runtime = WasmRuntime.create({ shared: true });
const usable = runtime !== null && runtime.shared && ThreadPool.supported();
const pool = usable ? new ThreadPool(3, () => runtime) : null;

async function until(done: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > limit) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(poolStats())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  if (pool) await until(() => pool.ready() === pool.threads - 1, 'the workers are ready');
});
afterAll(() => pool?.dispose());

type Exports = { gemvProduct(...args: number[]): void };

describe.skipIf(!usable)('threadedGemv', () => {
  it.each([
    [4096, 1024, false],
    [2048, 512, true],
    [1032, 300, false],
    [1032, 300, true],
  ])(
    'n %i k %i accumulate %s: equals one gemvProduct bit for bit, and the workers took tasks',
    (n, k, accumulate) => {
      const wasm = runtime!;
      const random = mulberry32(n + k);
      const [a, packed, c, scratch] = [0, k, k + n * k, k + n * k + n];
      const floats = scratch + GEMV_SCRATCH;
      const heap = wasm.heap(floats)!;
      for (let i = 0; i < scratch; i++) heap[i] = 2 * random() - 1;
      const start = heap.slice(c, c + n);
      const kcMax = kBlock(k);
      (wasm.kernels as unknown as Exports).gemvProduct(a * 4, packed * 4, c * 4, n, k, kcMax, 512, scratch * 4, accumulate ? 1 : 0);
      const single = heap.slice(c, c + n);
      heap.set(start, c);
      expect(single.some((v, i) => v !== start[i])).toBe(true);
      // A sleeping worker may wake after the calling thread took every task: run until one took some.
      const before = pool!.workerTasks();
      for (let run = 0; run < 200 && pool!.workerTasks() === before; run++) {
        heap.set(start, c);
        threadedGemv(pool!, { a, packed, c, n, k, kcMax, scratch, accumulate });
        expect(Array.from(heap.subarray(c, c + n))).toEqual(Array.from(single));
      }
      expect(pool!.workerTasks()).toBeGreaterThan(before);
    },
    60_000,
  );
});

describe.skipIf(!usable)('recurrentSequence on a threaded backend', () => {
  type Cpu = View<CpuBuffer>;
  type Backend = ReturnType<typeof createCpuBackend>;
  /**
   * An LSTM walk at H 512 (a split step) on `backend`, its inputs made once: each call runs the
   * walk again over them (the same W_hh, as training steps do) and gives Y and the activations.
   */
  function walker(backend: Backend): () => Float32Array[] {
    const seed = mulberry32(5);
    const tensor = (shape: number[], scale = 1): Cpu => {
      const size = shape.reduce((x, y) => x * y, 1);
      const buffer = backend.alloc(size, 'float32');
      backend.write(
        buffer,
        Float32Array.from({ length: size }, () => scale * (2 * seed() - 1)),
      );
      return { buffer, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
    };
    const [T, H] = [3, 512];
    const Y = tensor([T, 2 * H], 0);
    const act = tensor([T, 4 * H], 0);
    const args = {
      cell: 'lstm' as const,
      batchSizes: new Int32Array(T).fill(1),
      reverse: false,
      gates: tensor([T, 4 * H]),
      initial: [tensor([1, H]), tensor([1, H])],
      weightHh: tensor([4 * H, H], 0.1),
      biasHh: null,
      states: [0, H].map((offset): Cpu => ({ ...Y, shape: [T, H], offset })),
      recurrent: null,
      activations: act,
    };
    return () => {
      // Outputs cleared first, so no walk can pass on what the one before wrote.
      for (const out of [Y, act]) backend.write(out.buffer, new Float32Array(out.buffer.size));
      expect(backend.fused!.recurrentSequence!(args)).toBe(true);
      return [Y, act].map((v) => (backend.readSync!(v.buffer) as Float32Array).slice());
    };
  }

  /** The first element (output, index) where `got` differs from `want` in any bit, or null. */
  function firstDifference(got: Float32Array[], want: Float32Array[]): [number, number] | null {
    for (let o = 0; o < want.length; o++) {
      const i = want[o]!.findIndex((v, j) => !Object.is(v, got[o]![j]));
      if (i >= 0 || got[o]!.length !== want[o]!.length) return [o, i];
    }
    return null;
  }

  it('H 512: outputs equal the one-thread backend bit for bit once workers take the steps', async () => {
    const one = createCpuBackend({ threads: 1 });
    const single = walker(one)();
    one.dispose?.();
    expect(single[0]!.some((v) => v !== 0)).toBe(true);
    // This file's own pool has its workers ready: this backend's worker is the one beyond them.
    const readyBefore = poolStats().ready;
    const backend = createCpuBackend({ threads: 2 });
    const walk = walker(backend);
    // The first walk starts the workers (and runs alone); later ones split a step when the
    // backend's split choice (split-choice.ts) takes the split and the worker, once woken, gets a
    // core before the calling thread has claimed every task. On a machine busier than its cores
    // both are rare (the choice then splits one product in 64), so walk until a worker took part,
    // checking every walk, bounded by count (under a load of 20 on 2 cores it took up to 45 walks).
    expect(firstDifference(walk(), single)).toBeNull();
    await until(() => poolStats().ready > readyBefore, "the backend's worker is ready");
    const before = poolStats().workerTasks;
    for (let run = 0; run < 5000 && poolStats().workerTasks === before; run++) expect(firstDifference(walk(), single)).toBeNull();
    expect(poolStats().workerTasks).toBeGreaterThan(before);
    backend.dispose?.();
  }, 120_000);
});
