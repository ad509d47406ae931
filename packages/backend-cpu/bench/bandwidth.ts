// What one core can stream, next to what the B 1 LSTM step reads: a wasm SIMD sum over float32
// arrays of several sizes (16 MiB ≈ one H 1024 W_hh, which fits this machine's 32 MiB L3; 256 MiB
// does not), a copy (`copyWithin`, read + write), the GEMV kernel alone on packed panels, and the
// step's product h·W_hhᵀ through the backend on its cached packed weight, as weight GB/s. Medians over interleaved rounds, with the
// load average, since the machines are shared.
//
//   node --conditions=@recur/source --import tsx bench/bandwidth.ts [rounds]

import { loadavg } from 'node:os';
import { createCpuBackend } from '../src/index.js';
import { Code, I32, V128, encodeModule } from '../src/wasm-emitter.js';
import { WasmRuntime, type WasmApi } from '../src/wasm-runtime.js';

const rounds = Number(process.argv[2] ?? 9);
const MiB = 1 << 20;

/** sum(src, bytes, dst): dst ← the float32x4 sum of bytes/4 floats from src (four accumulators). */
function sumModule(): Uint8Array {
  const code = new Code(3);
  const [src, bytes, dst] = [0, 1, 2];
  const end = code.local(I32);
  const acc = [0, 1, 2, 3].map(() => code.local(V128));
  code.get(src).get(bytes).i32Add().set(end);
  for (const a of acc) code.f32x4Const(0).set(a);
  code.doWhile(
    () => {
      acc.forEach((a, q) =>
        code
          .get(a)
          .get(src)
          .v128Load(16 * q)
          .f32x4Add()
          .set(a),
      );
      code.addTo(src, 64);
    },
    () => code.get(src).get(end).i32LtU(),
  );
  code.get(dst).get(acc[0]!).get(acc[1]!).f32x4Add().get(acc[2]!).f32x4Add().get(acc[3]!).f32x4Add().v128Store();
  return encodeModule([{ name: 'sum', params: [I32, I32, I32], results: [], code }]);
}

// ES2022's lib does not declare the WebAssembly API: the runtime's typed slice of it.
const { Memory, Instance, Module } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const memory = new Memory({ initial: (520 * MiB) / 65536 });
const instance = new Instance(new Module(sumModule()), { env: { memory } });
const sum = (instance.exports as { sum: (src: number, bytes: number, dst: number) => void }).sum;
new Float32Array(memory.buffer).fill(1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** GB/s of `bytes` moved per call of `run`, at least 10 calls back to back (warm caches). */
function rate(bytes: number, run: () => void): number {
  run();
  const repeats = Math.max(10, Math.round((160 * MiB) / bytes));
  const started = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (bytes * repeats) / ((performance.now() - started) * 1e6);
}

// The W6 product at H 1024: h [1, 1024] · W_hhᵀ, W_hh [4096, 1024], through the backend (cached).
const backend = createCpuBackend({ threads: 1 });
const H = 1024;
const W = backend.alloc(4 * H * H, 'float32');
backend.write(
  W,
  Float32Array.from({ length: 4 * H * H }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5),
);
const h = backend.alloc(H, 'float32');
backend.write(
  h,
  Float32Array.from({ length: H }, (_, i) => Math.sin(i)),
);
const out = backend.alloc(4 * H, 'float32');
const view = (buffer: typeof W, shape: number[]) => ({ buffer, dtype: 'float32' as const, shape, strides: [shape[1]!, 1], offset: 0 });
const step = (): void => backend.matmul(view(h, [1, H]), view(W, [4 * H, H]), view(out, [1, 4 * H]), { transposeB: true });

// The GEMV kernel alone over 16.8 MB of packed panels in wasm memory (H 1024's W_hh: 8 column
// blocks × 3 k blocks of 512 × 342), as the cached product runs it, without the backend around it.
const runtime = WasmRuntime.create()!;
const [kc, nc, panels] = [342, 512, 24];
const kernelHeap = runtime.heap(1024 + panels * kc * nc + nc)!;
kernelHeap.fill(0.5);
const gemvAlone = (): void => {
  for (let p = 0; p < panels; p++)
    runtime.kernels.gemvBlock(0, (1024 + p * kc * nc) * 4, (1024 + panels * kc * nc) * 4, nc, kc, p % 3 ? 1 : 0);
};

const cases: [string, number, () => void][] = [
  ['wasm sum 256 MiB (DRAM)', 256 * MiB, () => sum(0, 256 * MiB, 512 * MiB)],
  ['copyWithin 64 MiB (read + write)', 128 * MiB, () => new Float32Array(memory.buffer).copyWithin(0, (64 * MiB) / 4, (128 * MiB) / 4)],
  ['wasm sum 4 MiB', 4 * MiB, () => sum(0, 4 * MiB, 512 * MiB)],
  ['wasm sum 16 MiB', 16 * MiB, () => sum(0, 16 * MiB, 512 * MiB)],
  ['gemvBlock alone, 16.8 MB of panels', 4 * panels * kc * nc, gemvAlone],
  ['W6 H1024 h·W_hhᵀ, weight bytes', 4 * 4 * H * H, step],
];
const results = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const before = loadavg();
for (let round = 0; round < rounds; round++) {
  for (const [name, bytes, run] of cases) results.get(name)!.push(rate(bytes, run));
}
const after = loadavg();
console.log(
  `load average ${before.map((x) => x.toFixed(1)).join(' ')} → ${after.map((x) => x.toFixed(1)).join(' ')}; ${rounds} rounds, GB/s median (max)`,
);
for (const [name, values] of results)
  console.log(`${name.padEnd(36)} ${median(values).toFixed(1).padStart(6)} (${Math.max(...values).toFixed(1)})`);
const seconds = (4 * 4 * H * H) / (median(results.get('W6 H1024 h·W_hhᵀ, weight bytes')!) * 1e9);
console.log(`W6 H1024 product: ${(seconds * 1e6).toFixed(0)} µs per step for ${((16 * H * H) / 1e6).toFixed(1)} MB of W_hh`);
backend.dispose?.();
