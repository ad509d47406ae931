// The quantised layers on the backend's shared wasm memory (quantized-wasm.ts): a resident int8 or
// float16 linear at B 1 stages zero bytes (weights read in place, or from the packed-weight cache
// once packed), bit for bit what host-array buffers give; the cache is the matmul's and sees
// writes to the weight; large products split over the pool give the one-thread dots bitwise.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float16Words, int8Words, mulberry32 } from '@recur/backend';
import type { KernelContext } from './check.js';
import { Matmul } from './matmul.js';
import { CpuMemory, residentOffset } from './memory.js';
import { quantizedKernels } from './quantized.js';
import { threadedDots } from './quantized-wasm.js';
import type { CpuView } from './test-helpers.js';
import { KIND_FLOAT16_DOTS, KIND_INT8_DOTS } from './thread-protocol.js';
import { ThreadPool, poolStats } from './thread-pool.js';
import { WasmRuntime } from './wasm-runtime.js';

/** Quantised kernels over buffers resident in a shared runtime's memory, or host arrays. */
function rig(resident: boolean) {
  const runtime = WasmRuntime.create({ shared: true })!;
  const memory = resident ? new CpuMemory(() => runtime) : new CpuMemory();
  const context: KernelContext = { memory, codegen: true, wasm: () => runtime, pool: () => null };
  const matmul = new Matmul();
  const kernels = quantizedKernels(context, () => matmul.cache(context));
  const view = (shape: number[], values: Float32Array | Int32Array): CpuView => {
    const buffer = memory.alloc(values.length, values instanceof Float32Array ? 'float32' : 'int32');
    memory.write(buffer, values as Float32Array<ArrayBuffer>);
    return { buffer, dtype: buffer.dtype, shape, strides: shape.length === 2 ? [shape[1]!, 1] : [1], offset: 0 };
  };
  const read = (v: CpuView): number[] => Array.from(memory.readSync(v.buffer) as Float32Array);
  return { runtime, memory, context, matmul, kernels, view, read };
}

type Rig = ReturnType<typeof rig>;

/** `calls` calls of a B-row layer (K inputs, N outputs) accumulating into out; bytes staged from the third call on. */
function layer(r: Rig, dtype: 'int8' | 'float16', B: number, K: number, N: number, calls: number) {
  const random = mulberry32(K * 13 + N);
  const words = dtype === 'int8' ? int8Words(K) : float16Words(K);
  const bits = Int32Array.from({ length: N * words }, () => Math.floor(random() * 2 ** 31) & (dtype === 'int8' ? -1 : 0x3bff3bff));
  const x = r.view(
    [B, K],
    Float32Array.from({ length: B * K }, () => random() - 0.5),
  );
  const w = r.view([N, words], bits);
  const scales = r.view(
    [N],
    Float32Array.from({ length: N }, () => 0.01 + random() * 0.01),
  );
  const out = r.view([B, N], new Float32Array(B * N));
  let staged = 0;
  const start = r.runtime.stats.stagedBytes;
  for (let call = 0; call < calls; call++) {
    const before = r.runtime.stats.stagedBytes;
    if (dtype === 'int8') r.kernels.int8Linear!(x, w, scales, out, call > 0);
    else r.kernels.float16Linear!(x, w, out, call > 0);
    if (call >= 2) staged += r.runtime.stats.stagedBytes - before;
  }
  return { out: r.read(out), staged, total: r.runtime.stats.stagedBytes - start, x, w, scales };
}

describe('resident quantised linear layers', () => {
  it.each([
    ['int8', 1, 64, 4096],
    ['int8', 1, 1024, 515],
    ['int8', 1, 37, 33],
    ['float16', 1, 64, 4096],
    ['float16', 1, 1024, 515],
    ['float16', 1, 37, 33],
    ['int8', 3, 40, 9],
    ['float16', 3, 40, 9],
  ] as const)(
    '%s at B %i, K %i, N %i: zero bytes staged once the weight is in place or cached, bit for bit the staged results',
    (dtype, B, K, N) => {
      const resident = layer(rig(true), dtype, B, K, N, 5);
      const host = layer(rig(false), dtype, B, K, N, 5);
      expect(residentOffset(resident.w.buffer)).not.toBeNull();
      expect(residentOffset(host.w.buffer)).toBeNull();
      // int8 quantises x into scratch by its own arithmetic; nothing of x, W or out is copied. A
      // float16 x whose rows are not whole groups of 8 is copied next to its zero padding.
      expect(resident.staged).toBe(dtype === 'float16' && K % 8 !== 0 ? 3 * B * K * 4 : 0);
      expect(host.total).toBeGreaterThan(0);
      if (dtype === 'float16') expect(host.staged).toBeGreaterThan(0);
      expect(resident.out).toEqual(host.out);
    },
  );

  it.each(['int8', 'float16'] as const)(
    '%s stages nothing from the first call when the rows are whole groups (read in place, no cache entry)',
    (dtype) => {
      const r = rig(true);
      expect(layer(r, dtype, 1, 1024, 512, 3).total).toBe(0);
      expect(r.matmul.cache(r.context).stats.packs + r.matmul.cache(r.context).stats.hits).toBe(0);
    },
  );

  it.each(['int8', 'float16'] as const)(
    '%s: a weight written after it was cached is packed again (the matmul cache, its versions)',
    (dtype) => {
      const r = rig(true);
      const cache = r.matmul.cache(r.context);
      // K 37: rows are not whole groups, so the weight lives in the cache.
      const first = layer(r, dtype, 2, 37, 21, 4);
      expect(cache.stats.packs).toBe(1);
      expect(cache.stats.hits).toBe(2);
      const random = mulberry32(5);
      const words = first.w.shape[1]!;
      r.memory.write(
        first.w.buffer,
        Int32Array.from({ length: 21 * words }, () => Math.floor(random() * 2 ** 31) & (dtype === 'int8' ? -1 : 0x3bff3bff)),
      );
      const run = (target: Rig, w: CpuView): number[] => {
        const out = target.view([2, 21], new Float32Array(42));
        if (dtype === 'int8') target.kernels.int8Linear!(first.x, w, first.scales, out, false);
        else target.kernels.float16Linear!(first.x, w, out, false);
        return target.read(out);
      };
      const after = run(r, first.w);
      expect(cache.stats.packs).toBe(2);
      // The same weights in a fresh rig (host arrays, nothing cached) give the same bits.
      const fresh = rig(false);
      const copy = fresh.view([21, words], r.memory.readSync(first.w.buffer) as Int32Array);
      const x = fresh.view([2, 37], r.memory.readSync(first.x.buffer) as Float32Array);
      const scales = fresh.view([21], r.memory.readSync(first.scales.buffer) as Float32Array);
      const out = fresh.view([2, 21], new Float32Array(42));
      if (dtype === 'int8') fresh.kernels.int8Linear!(x, copy, scales, out, false);
      else fresh.kernels.float16Linear!(x, copy, out, false);
      expect(after).toEqual(fresh.read(out));
      expect(after).not.toEqual(first.out);
    },
  );
});

const runtime = WasmRuntime.create({ shared: true });
const usable = runtime !== null && runtime.shared && ThreadPool.supported();
const pool = usable ? new ThreadPool(3, () => runtime) : null;

beforeAll(async () => {
  const limit = Date.now() + 30_000;
  while (pool && pool.ready() < pool.threads - 1) {
    if (Date.now() > limit) throw new Error(`workers not ready: ${JSON.stringify(poolStats())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});
afterAll(() => pool?.dispose());

describe.skipIf(!usable)('threaded quantised dots', () => {
  it.each([
    [KIND_INT8_DOTS, 4096, 64],
    [KIND_INT8_DOTS, 1031, 3],
    [KIND_FLOAT16_DOTS, 4096, 128],
    [KIND_FLOAT16_DOTS, 777, 5],
  ] as const)('kind %i, %i rows of %i groups: equal to one call bit for bit, and the workers took tasks', (kind, rows, groups) => {
    const wasm = runtime!;
    const random = mulberry32(rows + groups);
    const pitch = groups * 16;
    // Bytes: x (groups of 16 int16 or 8 float32: 2·pitch), W (rows · pitch), dots (rows floats).
    const [x, w, out] = [0, 2 * pitch, 2 * pitch + rows * pitch];
    const heap = wasm.heap(out / 4 + rows)!;
    const bytes = new Uint8Array(heap.buffer, 0, out);
    for (let i = 0; i < out; i++) bytes[i] = Math.floor(random() * 256);
    if (kind === KIND_FLOAT16_DOTS) {
      // Finite halves only (exponent below 31), x finite floats.
      const halves = new Uint16Array(heap.buffer, w, (rows * pitch) / 2);
      for (let i = 0; i < halves.length; i++) halves[i] = halves[i]! & 0xbbff;
      for (let i = 0; i < pitch / 2; i++) heap[i] = random() - 0.5;
    }
    const kernel = kind === KIND_INT8_DOTS ? wasm.kernels.int8Dots : wasm.kernels.float16Dots;
    kernel(x, w, pitch, rows, groups, out);
    const single = Array.from(heap.subarray(out / 4, out / 4 + rows));
    expect(single.every(Number.isFinite)).toBe(true);
    const before = pool!.workerTasks();
    for (let run = 0; run < 200 && pool!.workerTasks() === before; run++) {
      heap.fill(0, out / 4, out / 4 + rows);
      threadedDots(pool!, kind, x, w, pitch, rows, groups, out);
      expect(Array.from(heap.subarray(out / 4, out / 4 + rows))).toEqual(single);
    }
    expect(pool!.workerTasks()).toBeGreaterThan(before);
  });
});
