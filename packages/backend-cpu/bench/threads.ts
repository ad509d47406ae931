// Single-threaded versus threaded wasm sgemm on the S1 shapes and the RNN-shaped products, run
// interleaved (the machine may be busy: each round times every configuration back to back) and
// reported as the best and median GFLOP/s over rounds, with the load average before and after.
//
//   node --conditions=source --import tsx bench/threads.ts [rounds] [threads,...]
//
// M×K · K×N: A is M×K, B is K×N, C is M×N; a GEMM is 2·M·N·K floating-point operations.

import { loadavg } from 'node:os';
import { createCpuBackend, type CpuBuffer } from '../src/index.js';
import type { BackendV1, View } from '@recur/backend';

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

const rounds = Number(process.argv[2] ?? 5);
const threadCounts = (process.argv[3] ?? '1,2').split(',').map(Number);

function view(buffer: CpuBuffer, rows: number, cols: number): View<CpuBuffer> {
  return { buffer, dtype: 'float32', shape: [rows, cols], strides: [cols, 1], offset: 0 };
}

function setup(backend: BackendV1<CpuBuffer>, M: number, K: number, N: number) {
  const a = backend.alloc(M * K, 'float32');
  const b = backend.alloc(K * N, 'float32');
  const c = backend.alloc(M * N, 'float32');
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
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

console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${rounds} rounds, threads ${threadCounts.join(' vs ')}`);
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
  console.log(`${name.padEnd(24)} ${(flops / 1e6).toFixed(1).padStart(7)} MFLOP  ${stats.map((s, k) => `T=${threadCounts[k]}: ${s}`).join('   ')}  ${same ? 'bitwise equal' : 'DIFFER'}`);
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const backend of backends) backend.dispose();
