// The int8 and float16 linear kernels at W9's shapes (one LSTM step's two products at B 1, I 64,
// H 1024: x·W_ihᵀ then h·W_hhᵀ accumulated into the gates, 4H = 4096 outputs), and at B 8, through
// the backend. With `--baseline DIR` (another checkout's packages/backend-cpu/src, or a module
// exporting its createCpuBackend) both run interleaved, round after round, and the report gives
// each one's median and the ratio. Threads need the script bundled without tsx's keepNames (its
// `__name` calls break the workers' source): esbuild --bundle --conditions=@recur/source.
//
// With `--split` it times the dots of W_hh (4096 rows of 1024 int8 / float16 inputs) one call on
// this thread against the same split over a pool of `--threads` threads (default 2), forced.
//
//   node --conditions=@recur/source --import tsx bench/quantized.ts [rounds] [--baseline DIR] [--threads N] [--split]

import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { float16Words, int8Words, type BackendV1, type View } from '@recur/backend';
import { createCpuBackend as current, type CpuBuffer } from '../src/index.js';
import { threadedDots } from '../src/quantized-wasm.js';
import { KIND_FLOAT16_DOTS, KIND_INT8_DOTS } from '../src/thread-protocol.js';
import { ThreadPool } from '../src/thread-pool.js';
import { WasmRuntime } from '../src/wasm-runtime.js';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const rounds = Number(argv.find((arg, i) => !arg.startsWith('--') && !argv[i - 1]?.startsWith('--')) ?? 7);
const threads = Number(option('--threads') ?? 1);
const baselineDir = option('--baseline');

type Factory = typeof current;
type Backend = BackendV1<CpuBuffer>;

function view(buffer: CpuBuffer, shape: number[]): View<CpuBuffer> {
  return { buffer, dtype: buffer.dtype, shape, strides: shape.length === 2 ? [shape[1]!, 1] : [1], offset: 0 };
}

let seed = 7;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;

/** One step's two products (x·W_ihᵀ, then h·W_hhᵀ accumulated) at batch `B`, weights `dtype`. */
function step(backend: Backend, dtype: 'int8' | 'float16', B: number, I: number, H: number): () => void {
  const upload = (data: Float32Array | Int32Array, shape: number[]): View<CpuBuffer> => {
    const buffer = backend.alloc(data.length, data instanceof Float32Array ? 'float32' : 'int32');
    backend.write(buffer, data as Float32Array<ArrayBuffer>);
    return view(buffer, shape);
  };
  const words = dtype === 'int8' ? int8Words : float16Words;
  const weight = (K: number): View<CpuBuffer> =>
    upload(
      Int32Array.from({ length: 4 * H * words(K) }, () => Math.floor(random() * 2 ** 31) & (dtype === 'int8' ? -1 : 0x3bff3bff)),
      [4 * H, words(K)],
    );
  const x = upload(Float32Array.from({ length: B * I }, random), [B, I]);
  const h = upload(Float32Array.from({ length: B * H }, random), [B, H]);
  const [wIh, wHh] = [weight(I), weight(H)];
  const scales = [
    upload(
      Float32Array.from({ length: 4 * H }, () => 0.01),
      [4 * H],
    ),
    upload(
      Float32Array.from({ length: 4 * H }, () => 0.01),
      [4 * H],
    ),
  ];
  const gates = view(backend.alloc(B * 4 * H, 'float32'), [B, 4 * H]);
  const q = backend.quantized!;
  return dtype === 'int8'
    ? () => {
        q.int8Linear!(x, wIh, scales[0]!, gates, false);
        q.int8Linear!(h, wHh, scales[1]!, gates, true);
      }
    : () => {
        q.float16Linear!(x, wIh, gates, false);
        q.float16Linear!(h, wHh, gates, true);
      };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const factories: [string, Factory][] = [['current', current]];
  if (baselineDir) {
    const path = /\.[cm]?[jt]s$/.test(baselineDir) ? resolve(baselineDir) : resolve(baselineDir, 'index.ts');
    const module = (await import(pathToFileURL(path).href)) as { createCpuBackend: Factory };
    factories.unshift(['baseline', module.createCpuBackend]);
  }
  const cases: ['int8' | 'float16', number][] = [
    ['int8', 1],
    ['float16', 1],
    ['int8', 8],
  ];
  const runs = cases.flatMap(([dtype, B]) =>
    factories.map(([name, factory]) => ({ name, dtype, B, run: step(factory({ threads }), dtype, B, 64, 1024), times: [] as number[] })),
  );
  const load = loadavg()[0]!.toFixed(1);
  for (let round = 0; round < rounds; round++) {
    for (const entry of runs) {
      const iterations = entry.B === 1 ? 200 : 25;
      entry.run();
      const start = performance.now();
      for (let i = 0; i < iterations; i++) entry.run();
      entry.times.push((performance.now() - start) / iterations);
    }
  }
  console.log(`rounds ${rounds}, threads ${threads}, load ${load} → ${loadavg()[0]!.toFixed(1)}`);
  for (const [dtype, B] of cases) {
    const mine = runs.filter((r) => r.dtype === dtype && r.B === B);
    const line = mine.map((r) => `${r.name} ${median(r.times).toFixed(3)} ms (min ${Math.min(...r.times).toFixed(3)})`).join('  ');
    // The median of the rounds' own ratios: each round ran both back to back, under the same load.
    const ratios = mine.length === 2 ? mine[1]!.times.map((t, i) => t / mine[0]!.times[i]!) : [];
    const ratio =
      ratios.length > 0 ? `  current/baseline ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})` : '';
    console.log(`${dtype} B${B} I64 H1024 step: ${line}${ratio}`);
  }
}

/** One call against the forced split, interleaved, for both kinds. */
async function split(): Promise<void> {
  const runtime = WasmRuntime.create({ shared: true })!;
  const pool = new ThreadPool(Math.max(2, threads), () => runtime);
  while (pool.ready() < pool.threads - 1) await new Promise((done) => setTimeout(done, 10));
  const [rows, groups16] = [4096, 64];
  const load = loadavg()[0]!.toFixed(1);
  for (const [name, kind, groups] of [
    ['int8', KIND_INT8_DOTS, groups16],
    ['float16', KIND_FLOAT16_DOTS, groups16 * 2],
  ] as const) {
    const pitch = groups * 16;
    const [x, w, out] = [0, 2 * pitch, 2 * pitch + rows * pitch];
    const heap = runtime.heap(out / 4 + rows)!;
    // Small finite values for both kinds (int8 bytes, float16 halves below 1).
    new Uint8Array(heap.buffer, 0, out).fill(0x11);
    const kernel = kind === KIND_INT8_DOTS ? runtime.kernels.int8Dots : runtime.kernels.float16Dots;
    const ways = [
      { way: 'one thread', run: () => kernel(x, w, pitch, rows, groups, out), times: [] as number[] },
      { way: `split over ${pool.threads}`, run: () => threadedDots(pool, kind, x, w, pitch, rows, groups, out), times: [] as number[] },
    ];
    for (let round = 0; round < rounds; round++) {
      for (const entry of ways) {
        entry.run();
        const start = performance.now();
        for (let i = 0; i < 100; i++) entry.run();
        entry.times.push((performance.now() - start) / 100);
      }
    }
    const ratios = ways[1]!.times.map((t, i) => t / ways[0]!.times[i]!);
    console.log(
      `${name} dots ${rows}×${groups * (kind === KIND_INT8_DOTS ? 16 : 8)}: ` +
        ways.map((e) => `${e.way} ${median(e.times).toFixed(3)} ms (min ${Math.min(...e.times).toFixed(3)})`).join('  ') +
        `  split/one ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
    );
  }
  console.log(`load ${load} → ${loadavg()[0]!.toFixed(1)}`);
  pool.dispose();
}

if (argv.includes('--split')) await split();
else await main();
