// The packed-weight cache and the one-row (GEMV) kernel: results bitwise equal with and without
// the cache and to gemmBlock's, and no stale packed weight after any write to its buffer
// (write, in-place kernel, an Adam step, `data`). h [M, K] · W[N, K]ᵀ as an RNN step uses it.

import { describe, expect, it } from 'vitest';
import type { MatmulOptions } from '@recur/backend';
import type { KernelContext } from './check.js';
import { fusedCells } from './fused-cells.js';
import { Matmul } from './matmul.js';
import { CpuMemory, type CpuBuffer } from './memory.js';
import { type CpuView } from './test-helpers.js';
import { WasmRuntime } from './wasm-runtime.js';
import { adamStep } from './fused-adam.js';
import { binary, copy } from './elementwise.js';
import { gather } from './gather.js';
import { reduce } from './reduce.js';
import { mulberry32 } from '@recur/backend';

type F32 = Float32Array<ArrayBuffer>;

interface Rig {
  readonly context: KernelContext;
  readonly matmul: Matmul;
  view(shape: readonly number[], values?: F32): CpuView;
  product(a: CpuView, b: CpuView, options?: MatmulOptions, init?: F32): Float32Array;
}

/** A kernel context with its own memory and wasm runtime, and a Matmul with `budget` floats of cache. */
function rig(budget?: number): Rig {
  const memory = new CpuMemory();
  const runtime = WasmRuntime.create({ fusedMultiplyAdd: false });
  expect(runtime).not.toBeNull();
  const context: KernelContext = { memory, codegen: true, wasm: () => runtime, pool: () => null };
  const matmul = new Matmul(budget);
  const view = (shape: readonly number[], values?: F32): CpuView => {
    const size = shape.reduce((x, y) => x * y, 1);
    const buffer: CpuBuffer = memory.alloc(size, 'float32');
    if (values) memory.write(buffer, values);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
    return { buffer, dtype: 'float32', shape: [...shape], strides, offset: 0 };
  };
  const product = (a: CpuView, b: CpuView, options: MatmulOptions = { transposeB: true }, init?: F32): Float32Array => {
    const M = a.shape[0]!;
    const N = options.transposeB ? b.shape[0]! : b.shape[1]!;
    const out = view([M, N], init);
    matmul.run(context, a, b, out, options);
    const result = memory.readSync(out.buffer) as Float32Array;
    memory.free(out.buffer);
    return result;
  };
  return { context, matmul, view, product };
}

function values(random: () => number, count: number): F32 {
  return Float32Array.from({ length: count }, () => random() * 2 - 1);
}

// N crosses the NC = 512 column block and is no multiple of 8; K = 800 is three k blocks.
const SHAPES = [
  { N: 1100, K: 800 },
  { N: 130, K: 37 },
  { N: 4 * 96, K: 96 },
];

describe('one-row products (gemvBlock)', () => {
  it('equal row 0 of the same product on gemmBlock, bit for bit, with and without accumulate', () => {
    const random = mulberry32(5);
    const r = rig(0);
    for (const { N, K } of SHAPES) {
      const h = values(random, K);
      const rows = new Float32Array(4 * K);
      for (let i = 0; i < 4; i++) rows.set(i === 0 ? h : values(random, K), i * K);
      const W = r.view([N, K], values(random, N * K));
      const init = values(random, 4 * N);
      for (const accumulate of [false, true]) {
        const one = r.product(r.view([1, K], h), W, { transposeB: true, accumulate }, init.slice(0, N));
        const four = r.product(r.view([4, K], rows), W, { transposeB: true, accumulate }, init);
        expect(Array.from(one)).toEqual(Array.from(four.subarray(0, N)));
      }
    }
  });
});

describe('packed-weight cache', () => {
  it('gives the results of a backend without it, bit for bit, and packs a weight once', () => {
    const random = mulberry32(11);
    for (const { N, K } of SHAPES) {
      const weights = values(random, N * K);
      const cached = rig();
      const plain = rig(0);
      const Wc = cached.view([N, K], weights);
      const Wp = plain.view([N, K], weights);
      let products = 0;
      for (let step = 0; step < 5; step++) {
        for (const M of [1, 3, 32]) {
          // Smaller products stay in TypeScript and never ask (wasm-gemm.ts WASM_WORK, and
          // WASM_VECTOR_WORK for one row).
          if (M === 1 ? M * N * K >= 1024 : M * N * K > 16384) products++;
          const h = values(random, M * K);
          const got = cached.product(cached.view([M, K], h), Wc);
          const want = plain.product(plain.view([M, K], h), Wp);
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }
      // Seen once, packed at the second sighting, then reused for every product after it.
      expect(cached.matmul.cache(cached.context).stats).toEqual({ packs: 1, hits: products - 2 });
      expect(plain.matmul.cache(plain.context).stats).toEqual({ packs: 0, hits: 0 });
    }
  });

  it('serves B without a transpose (dG·W in the backward pass) as its own entry', () => {
    const random = mulberry32(12);
    const [N, K] = [96, 384];
    const weights = values(random, K * N);
    const cached = rig();
    const plain = rig(0);
    const Wc = cached.view([K, N], weights);
    const Wp = plain.view([K, N], weights);
    for (let step = 0; step < 3; step++) {
      const g = values(random, 2 * K);
      for (const transposeB of [false, true]) {
        const [a1, a2] = transposeB ? ([[2, N], g.subarray(0, 2 * N)] as const) : ([[2, K], g] as const);
        const got = cached.product(cached.view(a1, a2), Wc, { transposeB });
        const want = plain.product(plain.view(a1, a2), Wp, { transposeB });
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
    expect(cached.matmul.cache(cached.context).stats).toEqual({ packs: 2, hits: 2 });
  });

  it('never serves a stale weight: write, an in-place kernel, an Adam step and `data` all re-pack', () => {
    const random = mulberry32(13);
    const [N, K] = [4 * 128, 128];
    const r = rig();
    const fresh = rig(0);
    const W = r.view([N, K], values(random, N * K));
    const h = values(random, K);
    const run = (): Float32Array => r.product(r.view([1, K], h), W);
    const reference = (): Float32Array => {
      const weights = r.context.memory.readSync(W.buffer) as F32;
      return fresh.product(fresh.view([1, K], h), fresh.view([N, K], weights));
    };
    const grad = r.view([N, K], values(random, N * K));
    const moments = [r.view([N, K], new Float32Array(N * K)), r.view([N, K], new Float32Array(N * K))] as const;
    const writes: Array<[string, () => void]> = [
      ['write', () => r.context.memory.write(W.buffer, values(random, N * K))],
      ['binary in place', () => binary(r.context, 'mul', W, grad, W)],
      [
        'adamStep',
        () =>
          adamStep(r.context, W, grad, moments[0], moments[1], null, {
            lr: 0.1,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weightDecay: 0,
            step: 1,
            decoupled: false,
            amsgrad: false,
            maximize: false,
          }),
      ],
      ['data', () => ((W.buffer.data as Float32Array)[7] = 3)],
    ];
    run();
    run();
    for (const [name, write] of writes) {
      const before = run();
      expect(Array.from(run()), `${name}: cached`).toEqual(Array.from(before));
      write();
      const after = run();
      expect(Array.from(after), `${name}: changed`).not.toEqual(Array.from(before));
      expect(Array.from(after), `${name}: fresh`).toEqual(Array.from(reference()));
    }
  });

  it('keeps the packed form while kernels only read the weight (copy, binary, reduce, gather)', () => {
    const random = mulberry32(15);
    const [N, K] = [4 * 128, 128];
    const r = rig();
    const W = r.view([N, K], values(random, N * K));
    const h = values(random, K);
    const run = (): Float32Array => r.product(r.view([1, K], h), W);
    const first = run();
    run();
    const stats = r.matmul.cache(r.context).stats;
    expect(stats).toEqual({ packs: 1, hits: 0 });
    const other = r.view([N, K]);
    copy(r.context, W, other);
    binary(r.context, 'add', W, W, other);
    reduce(r.context, 'sum', W, [0, 1], r.view([1, 1]));
    const rows = r.context.memory.alloc(2, 'int32');
    r.context.memory.write(rows, Int32Array.from([3, 1]));
    gather(r.context, W, { buffer: rows, dtype: 'int32', shape: [2, K], strides: [1, 0], offset: 0 }, 0, r.view([2, K]));
    expect(Array.from(run())).toEqual(Array.from(first));
    expect(stats).toEqual({ packs: 1, hits: 1 });
  });

  it('keeps working when the budget forces evictions, and when scratch outgrows the room below the blocks', () => {
    const random = mulberry32(14);
    const [N, K] = [256, 256];
    // Room for about two packed weights of 64 Ki floats.
    const r = rig(150_000);
    const plain = rig(0);
    const weights = [0, 1, 2].map(() => values(random, N * K));
    const cachedW = weights.map((w) => r.view([N, K], w));
    const plainW = weights.map((w) => plain.view([N, K], w));
    const cells = fusedCells(r.context);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) {
        const h = values(random, 2 * K);
        expect(Array.from(r.product(r.view([2, K], h), cachedW[i]!))).toEqual(Array.from(plain.product(plain.view([2, K], h), plainW[i]!)));
      }
      // Ever larger scratch requests (wide LSTM cells) go past the packed blocks, which stay put.
      if (round === 0) continue;
      const rows = 150 << round;
      expect(r.context.wasm()!.blockBytesInUse).toBeGreaterThan(0);
      const H = 512;
      const gates = r.view([rows, 4 * H], values(random, rows * 4 * H));
      const c = r.view([rows, H], values(random, rows * H));
      cells.lstmCell!(gates, c, r.view([rows, H]), r.view([rows, H]));
    }
    expect(r.matmul.cache(r.context).stats.hits).toBeGreaterThan(0);
  }, 60_000);
});
