// Buffers resident in the backend's shared wasm memory (memory.ts): views that survive growth,
// blocks reused after free, host arrays as the fallback, kernels that run in place with no
// staging copies (an LSTM step at B 1 stages zero bytes), and results bitwise equal to staging.

import { describe, expect, it } from 'vitest';
import { mulberry32, type MatmulOptions } from '@recur/backend';
import type { KernelContext } from './check.js';
import { unary } from './elementwise.js';
import { fusedCells } from './fused-cells.js';
import { Matmul } from './matmul.js';
import { CpuMemory, residentBytes, residentOffset, type CpuBuffer } from './memory.js';
import type { CpuView } from './test-helpers.js';
import { WasmRuntime } from './wasm-runtime.js';
import { createCpuBackend } from './index.js';
import type { GemmProblem } from './gemm.js';
import { ThreadPool } from './thread-pool.js';
import { blockedGemm } from './wasm-gemm.js';
import { threadedGemm } from './wasm-gemm-threads.js';

interface Rig {
  readonly runtime: WasmRuntime;
  readonly memory: CpuMemory;
  readonly context: KernelContext;
  readonly matmul: Matmul;
  view(shape: readonly number[], values?: Float32Array<ArrayBuffer>): CpuView;
}

/** A context whose buffers are resident (shared runtime) or host arrays (`resident` false). */
function rig(resident: boolean, limitBytes?: number): Rig {
  const runtime = WasmRuntime.create({ shared: true, fusedMultiplyAdd: false })!;
  expect(runtime.shared).toBe(true);
  const memory = resident ? new CpuMemory(() => runtime, limitBytes) : new CpuMemory();
  const context: KernelContext = { memory, codegen: true, wasm: () => runtime, pool: () => null };
  const view = (shape: readonly number[], values?: Float32Array<ArrayBuffer>): CpuView => {
    const buffer = memory.alloc(
      shape.reduce((x, y) => x * y, 1),
      'float32',
    );
    if (values) memory.write(buffer, values);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
    return { buffer, dtype: 'float32', shape: [...shape], strides, offset: 0 };
  };
  return { runtime, memory, context, matmul: new Matmul(), view };
}

const values = (random: () => number, count: number): Float32Array<ArrayBuffer> =>
  Float32Array.from({ length: count }, () => random() * 2 - 1);
const read = (r: Rig, view: CpuView): number[] => Array.from(r.memory.readSync(view.buffer));

/** One LSTM step: gates = x·W_ihᵀ + h·W_hhᵀ, then the fused cell into (h', c'). */
function lstmStep(r: Rig, x: CpuView, wIh: CpuView, h: CpuView, wHh: CpuView, c: CpuView, hNext: CpuView, cNext: CpuView): void {
  const H = c.shape[1]!;
  const gates = r.view([x.shape[0]!, 4 * H]);
  const t: MatmulOptions = { transposeB: true };
  r.matmul.run(r.context, x, wIh, gates, t);
  r.matmul.run(r.context, h, wHh, gates, { ...t, accumulate: true });
  fusedCells(r.context).lstmCell!(gates, c, hNext, cNext);
  r.memory.free(gates.buffer);
}

describe('resident cpu buffers', () => {
  it('live in the wasm memory, zeroed, and keep their data and views when the memory grows', () => {
    const r = rig(true);
    const a = r.memory.alloc(5, 'float32');
    const offset = residentOffset(a)!;
    expect(offset % 16).toBe(0);
    expect(residentBytes(a)).toBe(32);
    r.memory.write(a, Float32Array.from([1, 2, 3, 4, 5]));
    const before = r.runtime.memory.buffer.byteLength;
    const big = r.memory.alloc(16 << 20, 'float32');
    expect(r.runtime.memory.buffer.byteLength).toBeGreaterThan(before);
    // The view taken before the growth still reads and writes the same bytes.
    const data = r.memory.readArray(a, 'test') as Float32Array;
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5]);
    data[0] = 9;
    expect(r.runtime.view[offset / 4]).toBe(9);
    expect(Array.from(r.memory.readSync(a))).toEqual([9, 2, 3, 4, 5]);
    // Other dtypes too, at aligned offsets; a freed block comes back zeroed to the next buffer.
    const ints = r.memory.alloc(3, 'int32');
    const bools = r.memory.alloc(3, 'bool');
    expect((residentOffset(ints)! % 16) + (residentOffset(bools)! % 16)).toBe(0);
    r.memory.free(a);
    expect(residentOffset(a)).toBeNull();
    const again = r.memory.alloc(4, 'float32');
    expect(residentOffset(again)).toBe(offset);
    expect(Array.from(r.memory.readSync(again))).toEqual([0, 0, 0, 0]);
    r.memory.free(big);
    expect(r.memory.memory()).toEqual({ numBuffers: 3, numBytes: 16 + 12 + 3 });
    // Zeroing a reused block (in wasm, whole 32-byte grains) stops at its end: the neighbour keeps its bytes.
    const left = r.memory.alloc(40, 'bool');
    const right = r.memory.alloc(40, 'bool');
    expect(residentOffset(right)).toBe(residentOffset(left)! + 64);
    r.memory.write(left, new Uint8Array(40).fill(1));
    r.memory.write(right, new Uint8Array(40).fill(7));
    r.memory.free(left);
    const reused = r.memory.alloc(33, 'bool');
    expect(residentOffset(reused)).toBe(residentOffset(right)! - 64);
    expect(Array.from(r.memory.readSync(reused))).toEqual(new Array<number>(33).fill(0));
    expect(Array.from(r.memory.readSync(right))).toEqual(new Array<number>(40).fill(7));
  });

  it('are host arrays where the memory is not shared, or past the limit; kernels give the same bits', () => {
    const random = mulberry32(9);
    const unshared = WasmRuntime.create({ fusedMultiplyAdd: false })!;
    const hostOnly = new CpuMemory(() => unshared);
    expect(residentOffset(hostOnly.alloc(8, 'float32'))).toBeNull();
    const limited = rig(true, 4096);
    const small = limited.view([1, 512]);
    const large = limited.view([1, 2048]);
    expect(residentOffset(small.buffer)).not.toBeNull();
    expect(residentOffset(large.buffer)).toBeNull();
    const host = rig(false);
    const x = values(random, 1000);
    const results = [limited, host].map((r) => {
      const input = r.view([1000], x);
      const out = r.view([1000]);
      unary(r.context, 'tanh', input, out);
      return read(r, out);
    });
    expect(results[0]).toEqual(results[1]);
  });

  it.each([256, 512])('run an LSTM step at B 1 and H %i in place: zero bytes staged, bit for bit the staged results', (H) => {
    const random = mulberry32(4);
    // H 512: K = 512 spans two k blocks, so the accumulating h·W_hhᵀ adds its sums to C in place.
    const I = 64;
    const inputs = { x: values(random, I), wIh: values(random, 4 * H * I), h: values(random, H), wHh: values(random, 4 * H * H) };
    const c = values(random, H);
    const run = (r: Rig, steps: number): { h: number[]; c: number[]; staged: number } => {
      const wIh = r.view([4 * H, I], inputs.wIh);
      const wHh = r.view([4 * H, H], inputs.wHh);
      let h = r.view([1, H], inputs.h);
      let cell = r.view([1, H], c);
      let staged = 0;
      for (let step = 0; step < steps; step++) {
        const hNext = r.view([1, H]);
        const cNext = r.view([1, H]);
        // The weights are packed into the cache at their second use; count the steps after it.
        const before = r.runtime.stats.stagedBytes;
        lstmStep(r, r.view([1, I], inputs.x), wIh, h, wHh, cell, hNext, cNext);
        if (step >= 2) staged += r.runtime.stats.stagedBytes - before;
        [h, cell] = [hNext, cNext];
      }
      return { h: read(r, h), c: read(r, cell), staged };
    };
    const resident = run(rig(true), 4);
    const staged = run(rig(false), 4);
    expect(resident.staged).toBe(0);
    expect(staged.staged).toBeGreaterThan(0);
    expect(resident.h).toEqual(staged.h);
    expect(resident.c).toEqual(staged.c);
  });

  it('give the staged results bit for bit on batched, odd-sized, accumulating and aliased products', () => {
    const random = mulberry32(21);
    const cases: [number, number, number, MatmulOptions][] = [
      [5, 37, 1100, { transposeB: true }],
      [8, 800, 16, { transposeB: true, accumulate: true }],
      [1, 800, 515, { accumulate: true }],
      [64, 96, 384, {}],
      [3, 5, 7, { transposeA: true }],
    ];
    for (const [M, K, N, options] of cases) {
      const a = values(random, M * K);
      const b = values(random, K * N);
      const init = values(random, M * N);
      const [resident, host] = [rig(true), rig(false)].map((r) => {
        const A = r.view(options.transposeA ? [K, M] : [M, K], a);
        const B = r.view(options.transposeB ? [N, K] : [K, N], b);
        const out = r.view([M, N], init);
        for (let round = 0; round < 3; round++) r.matmul.run(r.context, A, B, out, options);
        return read(r, out);
      });
      expect(resident).toEqual(host);
    }
    // out sharing A's buffer: C is staged, never written while A is read.
    const r = rig(true);
    const shared = r.view([2, 64], values(random, 128));
    const left = { ...shared, shape: [1, 64] };
    const right = { ...shared, shape: [1, 64], offset: 64 };
    const w = r.view([64, 64], values(random, 64 * 64));
    const host = rig(false);
    const hostLeft = host.view([1, 64], Float32Array.from(read(r, shared).slice(0, 64)));
    const hostOut = host.view([1, 64]);
    host.matmul.run(host.context, hostLeft, host.view([64, 64], Float32Array.from(read(r, w))), hostOut);
    r.matmul.run(r.context, left, w, right);
    expect(read(r, shared).slice(64)).toEqual(read(host, hostOut));
  });

  it.skipIf(!ThreadPool.supported())(
    'in place on one thread give the bits of the threaded (staged) product',
    async () => {
      const random = mulberry32(31);
      const poolRuntime = WasmRuntime.create({ shared: true, fusedMultiplyAdd: false });
      const pool = new ThreadPool(3, () => poolRuntime);
      try {
        const until = Date.now() + 30_000;
        while (pool.ready() < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(pool.ready()).toBe(2);
        for (const [M, K, N, accumulate] of [
          [64, 800, 520, true],
          [37, 200, 1024, false],
          [1, 1024, 4096, true],
        ] as const) {
          const r = rig(true);
          const a = r.view([M, K], values(random, M * K));
          const b = r.view([N, K], values(random, N * K));
          const init = values(random, M * N);
          const [c1, c2] = [r.view([M, N], init), r.view([M, N], init)];
          const problem = (c: CpuView): GemmProblem => ({
            M,
            N,
            K,
            a: r.memory.readArray(a.buffer, 'a') as Float32Array,
            b: r.memory.readArray(b.buffer, 'b') as Float32Array,
            c: r.memory.readArray(c.buffer, 'c') as Float32Array,
            rowA: Int32Array.from({ length: M }, (_, i) => i * K),
            colB: Int32Array.from({ length: N }, (_, j) => j * K),
            rowC: Int32Array.from({ length: M }, (_, i) => i * N),
            colC: Int32Array.from({ length: N }, (_, j) => j),
            strideAK: 1,
            strideBK: 1,
            accumulate,
            resident: {
              a: residentOffset(a.buffer),
              b: residentOffset(b.buffer),
              c: residentOffset(c.buffer),
              cSize: M * N,
              cFloats: residentBytes(c.buffer) / 4,
            },
          });
          const before = r.runtime.stats.stagedBytes;
          expect(blockedGemm(r.runtime, problem(c1))).toBe(true);
          // Only rows past the last whole MR strip (37 = 9·4 + 1: one row) are staged; one row is a GEMV.
          expect(r.runtime.stats.stagedBytes - before, `${M}×${K}·${K}×${N}`).toBe(M === 1 ? 0 : (M % 4) * N * 4);
          expect(threadedGemm(pool, problem(c2))).toBe(true);
          expect(read(r, c1), `${M}×${K}·${K}×${N}`).toEqual(read(r, c2));
        }
      } finally {
        pool.dispose();
      }
    },
    60_000,
  );

  it('are what createCpuBackend hands out, and the backend works on them after many allocations', () => {
    const backend = createCpuBackend({ threads: 1 });
    const buffers: CpuBuffer[] = [];
    for (let i = 0; i < 200; i++) buffers.push(backend.alloc(1 + ((i * 37) % 500), 'float32'));
    for (let i = 0; i < 200; i += 2) backend.free(buffers[i]!);
    const kept = buffers.filter((_, i) => i % 2 === 1);
    expect(kept.every((buffer) => residentOffset(buffer) !== null)).toBe(true);
    const x = backend.alloc(300, 'float32');
    backend.write(
      x,
      Float32Array.from({ length: 300 }, (_, i) => i / 100 - 1.5),
    );
    const out = backend.alloc(300, 'float32');
    const view = (buffer: CpuBuffer): CpuView => ({ buffer, dtype: 'float32', shape: [300], strides: [1], offset: 0 });
    backend.unary('sigmoid', view(x), view(out));
    const result = backend.readSync!(out) as Float32Array;
    for (let i = 0; i < 300; i++) expect(Math.abs(result[i]! - 1 / (1 + Math.exp(1.5 - i / 100)))).toBeLessThan(1e-6);
    backend.dispose?.();
  });
});
