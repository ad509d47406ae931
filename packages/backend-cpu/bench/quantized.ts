// The int8 and float16 linear kernels at W9's shapes (one LSTM step's two products at B 1, I 64,
// H 1024: x·W_ihᵀ then h·W_hhᵀ accumulated into the gates, 4H = 4096 outputs), and at B 8, through
// the backend. With `--baseline DIR` (another checkout's packages/backend-cpu/src) both run
// interleaved, round after round, and the report gives each one's median and the ratio.
//
//   node --conditions=@recur/source --import tsx bench/quantized.ts [rounds] [--baseline DIR] [--threads N]

import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { float16Words, int8Words, type BackendV1, type View } from '@recur/backend';
import { createCpuBackend as current, type CpuBuffer } from '../src/index.js';

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
    const module = (await import(pathToFileURL(resolve(baselineDir, 'index.ts')).href)) as { createCpuBackend: Factory };
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

await main();
