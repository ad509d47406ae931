// Single-threaded versus threaded wasm sgemm on the S1 shapes and the RNN-shaped products, run
// interleaved (the machine may be busy: each round times every configuration back to back) and
// reported as the best and median GFLOP/s over rounds, with the load average before and after.
// Through the backend (what users get, the crossover applied), then with `--sweep` the split
// forced on and off over sizes around the crossover (THREAD_WORK in wasm-gemm-threads.ts).
//
//   node --conditions=@recur/source --import tsx bench/threads.ts [rounds] [threads,...] [--sweep]
//
// M×K · K×N: A is M×K, B is K×N, C is M×N; a GEMM is 2·M·N·K floating-point operations.

import { loadavg } from 'node:os';
import { createCpuBackend, type CpuBuffer } from '../src/index.js';
import type { BackendV1, View } from '@recur/backend';
import type { GemmProblem } from '../src/gemm.js';
import { ThreadPool } from '../src/thread-pool.js';
import { blockedGemm } from '../src/wasm-gemm.js';
import { threadedGemm } from '../src/wasm-gemm-threads.js';
import { WasmRuntime } from '../src/wasm-runtime.js';

const SHAPES: [string, number, number, number][] = [
  ['S1 512³', 512, 512, 512],
  ['S1 32×320·320×1024', 32, 320, 1024],
  ['step 32×256·256×1024', 32, 256, 1024],
  ['step 64×512·512×2048', 64, 512, 2048],
  ['proj 4096×64·64×1024', 4096, 64, 1024],
  ['16×256·256×256', 16, 256, 256],
  ['64×256·256×256', 64, 256, 256],
  ['32×128·128×512', 32, 128, 512],
  ['64×256·256×1024', 64, 256, 1024],
  ['128×256·256×1024', 128, 256, 1024],
];

const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const rounds = Number(args[0] ?? 5);
const threadCounts = (args[1] ?? '1,2').split(',').map(Number);
const sweep = process.argv.includes('--sweep');

function view(buffer: CpuBuffer, rows: number, cols: number): View<CpuBuffer> {
  return { buffer, dtype: 'float32', shape: [rows, cols], strides: [cols, 1], offset: 0 };
}

function setup(backend: BackendV1<CpuBuffer>, M: number, K: number, N: number) {
  const a = backend.alloc(M * K, 'float32');
  const b = backend.alloc(K * N, 'float32');
  const c = backend.alloc(M * N, 'float32');
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  backend.write(a, Float32Array.from({ length: M * K }, random));
  backend.write(b, Float32Array.from({ length: K * N }, random));
  return { run: () => backend.matmul(view(a, M, K), view(b, K, N), view(c, M, N)), c };
}

/** Milliseconds per product: repeats for at least ~60 ms after a warm-up. */
function time(run: () => void, flops: number): number {
  const reps = Math.max(3, Math.ceil(1.5e9 / flops));
  run();
  const start = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - start) / reps;
}

const backends = threadCounts.map((threads) => createCpuBackend({ threads }));
// Let the workers start (they do on the first large product) before timing.
for (const backend of backends) setup(backend, 512, 512, 512).run();
await new Promise((resolve) => setTimeout(resolve, 300));

console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; ${rounds} rounds, threads ${threadCounts.join(' vs ')}`,
);
for (const [name, M, K, N] of SHAPES) {
  const flops = 2 * M * N * K;
  const cases = backends.map((backend) => setup(backend, M, K, N));
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) cases.forEach((c, k) => samples[k]!.push(flops / time(c.run, flops) / 1e6));
  const results = cases.map((c, k) => backends[k]!.readSync!(c.c.valueOf() as CpuBuffer) as Float32Array);
  const same = results.every((r) => r.every((x, i) => Object.is(x, results[0]![i])));
  const stats = samples.map((s) => {
    const sorted = [...s].sort((x, y) => x - y);
    return `${sorted[sorted.length - 1]!.toFixed(1)} best / ${sorted[sorted.length >> 1]!.toFixed(1)} median`;
  });
  console.log(
    `${name.padEnd(24)} ${(flops / 1e6).toFixed(1).padStart(7)} MFLOP  ${stats.map((s, k) => `T=${threadCounts[k]}: ${s}`).join('   ')}  ${same ? 'bitwise equal' : 'DIFFER'}`,
  );
}
for (const backend of backends) backend.dispose!();

/** A contiguous M×K · K×N problem on fresh arrays. */
function problem(M: number, K: number, N: number): GemmProblem {
  const fill = (size: number) => Float32Array.from({ length: size }, () => Math.random() - 0.5);
  return {
    M,
    N,
    K,
    a: fill(M * K),
    b: fill(K * N),
    c: new Float32Array(M * N),
    rowA: Int32Array.from({ length: M }, (_, i) => i * K),
    rowC: Int32Array.from({ length: M }, (_, i) => i * N),
    colB: Int32Array.from({ length: N }, (_, j) => j),
    colC: Int32Array.from({ length: N }, (_, j) => j),
    strideAK: 1,
    strideBK: N,
    accumulate: false,
  };
}

if (sweep) {
  // The split forced on and off, to place the crossover: µs per product and the speed-up.
  const threads = Math.max(...threadCounts);
  // One thread on an unshared runtime (as the backend runs it) versus the pool on its shared one.
  const runtime = WasmRuntime.create()!;
  const pool = new ThreadPool(threads, () => WasmRuntime.create({ shared: true, fusedMultiplyAdd: runtime.fusedMultiplyAdd }));
  while (pool.ready() < threads - 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const sizes: [number, number, number][] = [
    [16, 64, 256],
    [32, 64, 256],
    [32, 128, 256],
    [32, 128, 512],
    [32, 256, 512],
    [64, 256, 512],
    [32, 256, 1024],
    [64, 256, 1024],
    [64, 512, 1024],
    [128, 512, 1024],
    [64, 512, 2048],
    [256, 256, 256],
    [512, 512, 512],
  ];
  console.log(`\nforced split, ${threads} threads vs 1, best of ${rounds} rounds:`);
  for (const [M, K, N] of sizes) {
    const p = problem(M, K, N);
    const flops = 2 * M * N * K;
    let [alone, split] = [Infinity, Infinity];
    for (let r = 0; r < rounds; r++) {
      alone = Math.min(
        alone,
        time(() => blockedGemm(runtime, p), flops),
      );
      split = Math.min(
        split,
        time(() => threadedGemm(pool, p), flops),
      );
    }
    const madds = M * N * K;
    console.log(
      `${`${M}×${K}·${K}×${N}`.padEnd(16)} ${(madds / 2 ** 20).toFixed(2).padStart(6)} Mi madd (${(madds / threads / 2 ** 20).toFixed(2)} per thread)  ` +
        `1 thread ${(alone * 1000).toFixed(0).padStart(6)} µs ${(flops / alone / 1e6).toFixed(1).padStart(5)} GFLOP/s   ` +
        `${threads} threads ${(split * 1000).toFixed(0).padStart(6)} µs ${(flops / split / 1e6).toFixed(1).padStart(5)} GFLOP/s   ×${(alone / split).toFixed(2)}`,
    );
  }
  pool.dispose();
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
