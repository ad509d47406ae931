// The wasm SIMD path against the TypeScript path on identical operands: matmul over the packing
// cases (runs along k, runs across lines, element-wise, partial strips, several KC / MC / NC
// blocks), transposes, accumulate, strides and folded batches; the fused LSTM / GRU cells.

import { describe, expect, it } from 'vitest';
import { sizeOf, type MatmulOptions, mulberry32 } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { wasmSimdAvailable } from './wasm-runtime.js';
import { forEachIndex, pick, randomLayout, type Backend, type CpuView, type LayoutOptions } from './test-helpers.js';

const simd = createCpuBackend({ simd: true });
const ts = createCpuBackend({ simd: false });

/** The same layout and values on both backends. */
interface Twin {
  readonly simd: CpuView;
  readonly ts: CpuView;
}

function twin(random: () => number, shape: readonly number[], options: LayoutOptions = {}, scale = 2): Twin {
  const layout = randomLayout(random, shape, options);
  const data = Float32Array.from({ length: layout.size }, () => (random() * 2 - 1) * scale);
  const make = (backend: Backend): CpuView => {
    const buffer = backend.alloc(layout.size, 'float32');
    backend.write(buffer, data);
    return { buffer, dtype: 'float32', shape: [...shape], strides: layout.strides, offset: layout.offset };
  };
  return { simd: make(simd), ts: make(ts) };
}

/** Row-major logical elements of a view. */
function logical(backend: Backend, view: CpuView): Float32Array {
  const data = backend.readSync!(view.buffer);
  const values = new Float32Array(sizeOf(view.shape));
  forEachIndex(view.shape, (index, flat) => {
    let at = view.offset;
    index.forEach((i, d) => (at += i * view.strides[d]!));
    values[flat] = data[at]!;
  });
  return values;
}

/** Largest |simd − ts| / bound(ts, flat) over the view, and whether the rest of the buffers match. */
function compare(view: Twin, bound: (expected: number, flat: number) => number): { worst: number; at: number; outsideEqual: boolean } {
  const [fast, slow] = [logical(simd, view.simd), logical(ts, view.ts)];
  let worst = 0;
  let at = -1;
  slow.forEach((expected, flat) => {
    const actual = fast[flat]!;
    if (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected))) return;
    const error = Number.isFinite(expected) ? Math.abs(actual - expected) / bound(expected, flat) : Infinity;
    if (!(error <= worst)) [worst, at] = [error, flat];
  });
  const [all, allSlow] = [simd.readSync!(view.simd.buffer), ts.readSync!(view.ts.buffer)];
  const inside = new Set<number>();
  forEachIndex(view.ts.shape, (index) => inside.add(index.reduce((offset, i, d) => offset + i * view.ts.strides[d]!, view.ts.offset)));
  const outsideEqual = Array.from(all).every((value, i) => inside.has(i) || Object.is(value, allSlow[i]));
  return { worst, at, outsideEqual };
}

/** Copies the TypeScript path's buffer of `view` into the SIMD path's, so both read the same. */
function align(view: Twin): void {
  simd.write(view.simd.buffer, ts.readSync!(view.ts.buffer));
}

interface MatmulCase {
  readonly batch: number[];
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly options: MatmulOptions;
  readonly layout?: LayoutOptions;
  /** Stride-0 batch dims on a (or b), which fold the batch into N (or M). */
  readonly shareA?: boolean;
  readonly shareB?: boolean;
}

function share(view: Twin, batchRank: number): Twin {
  const strip = (one: CpuView): CpuView => ({ ...one, strides: one.strides.map((stride, d) => (d < batchRank ? 0 : stride)) });
  return { simd: strip(view.simd), ts: strip(view.ts) };
}

/** Runs one product on both paths; the error is relative to Σ_k |a_ik·b_kj| (+ |old|). */
function matmulCase(random: () => number, c: MatmulCase): void {
  const { batch, M, N, K, options } = c;
  const layout = c.layout ?? { contiguous: true };
  let a = twin(random, [...batch, ...(options.transposeA ? [K, M] : [M, K])], layout);
  let b = twin(random, [...batch, ...(options.transposeB ? [N, K] : [K, N])], layout);
  if (c.shareA) a = share(a, batch.length);
  if (c.shareB) b = share(b, batch.length);
  const out = twin(random, [...batch, M, N], layout);
  const [valuesA, valuesB, old] = [logical(ts, a.ts), logical(ts, b.ts), logical(ts, out.ts)];
  const scale = new Float64Array(sizeOf(batch) * M * N);
  for (let p = 0; p < sizeOf(batch); p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = options.accumulate ? Math.abs(old[(p * M + i) * N + j]!) : 0;
        for (let k = 0; k < K; k++) {
          const x = valuesA[p * M * K + (options.transposeA ? k * M + i : i * K + k)]!;
          const y = valuesB[p * K * N + (options.transposeB ? j * K + k : k * N + j)]!;
          sum += Math.abs(x * y);
        }
        scale[(p * M + i) * N + j] = sum;
      }
    }
  }
  simd.matmul(a.simd, b.simd, out.simd, options);
  ts.matmul(a.ts, b.ts, out.ts, options);
  const { worst, at, outsideEqual } = compare(out, (_, flat) => Math.max(scale[flat]!, 1e-30));
  const label = `batch [${batch}] M=${M} N=${N} K=${K} ${JSON.stringify(options)} ${JSON.stringify(c.layout ?? {})}`;
  // float32 sums over a k block against float64 ones: a few units of 2⁻²⁴ of Σ|a·b|.
  expect(worst, `${label} at ${at}`).toBeLessThan(1e-6);
  expect(outsideEqual, `${label}: elements outside out changed`).toBe(true);
}

const FLAGS = [false, true];

describe('simd parity: matmul', () => {
  it('runs the wasm SIMD kernels in this engine', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('RECUR_CPU_SIMD=0 makes the TypeScript path the default; the option overrides it', () => {
    const random = mulberry32(10);
    const [a, b] = [twin(random, [40, 300], { contiguous: true }), twin(random, [300, 50], { contiguous: true })];
    const saved = process.env.RECUR_CPU_SIMD;
    const result = (backend: Backend): Float32Array => {
      const out = backend.alloc(40 * 50, 'float32');
      const view = (buffer: typeof out, shape: number[]): CpuView => ({
        buffer,
        dtype: 'float32',
        shape,
        strides: [shape[1]!, 1],
        offset: 0,
      });
      const copy = (from: CpuView): CpuView => {
        const buffer = backend.alloc(sizeOf(from.shape), 'float32');
        backend.write(buffer, ts.readSync!(from.buffer));
        return view(buffer, [...from.shape]);
      };
      backend.matmul(copy(a.ts), copy(b.ts), view(out, [40, 50]));
      return backend.readSync!(out) as Float32Array;
    };
    try {
      process.env.RECUR_CPU_SIMD = '0';
      const [byDefault, forced] = [result(createCpuBackend()), result(createCpuBackend({ simd: true }))];
      const [slow, fast] = [result(ts), result(simd)];
      // float64 against float32 sums over 300 terms: the two paths round differently.
      expect(fast).not.toEqual(slow);
      expect(byDefault).toEqual(slow);
      expect(forced).toEqual(fast);
    } finally {
      if (saved === undefined) delete process.env.RECUR_CPU_SIMD;
      else process.env.RECUR_CPU_SIMD = saved;
    }
  });

  it('every transpose and accumulate flag on shapes that take each packing path', () => {
    const random = mulberry32(11);
    // Full and partial MR / NR strips; K below and above the staging threshold and KC; several
    // MC row blocks and NC panels.
    const shapes: [number, number, number][] = [
      [4, 8, 1024],
      [5, 9, 700],
      [32, 1024, 256],
      [33, 70, 320],
      [150, 600, 40],
      [67, 520, 800],
      [8, 40, 31],
      [130, 17, 64],
    ];
    for (const [M, N, K] of shapes) {
      for (const transposeA of FLAGS) {
        for (const transposeB of FLAGS) {
          const accumulate = (M + N) % 2 === 1;
          matmulCase(random, { batch: [], M, N, K, options: { transposeA, transposeB, accumulate } });
        }
      }
    }
  });

  it('strided, padded and permuted operands and outputs', () => {
    const random = mulberry32(12);
    for (let trial = 0; trial < 24; trial++) {
      const [M, N, K] = [pick(random, [4, 13, 64, 100]), pick(random, [8, 23, 96, 130]), pick(random, [33, 64, 190, 400])];
      const options = { transposeA: random() < 0.5, transposeB: random() < 0.5, accumulate: random() < 0.5 };
      matmulCase(random, { batch: [], M, N, K, options, layout: {} });
    }
  });

  it('folded and looped batches with broadcast operands', () => {
    const random = mulberry32(13);
    for (const [shareA, shareB] of [
      [false, false],
      [false, true],
      [true, false],
    ] as [boolean, boolean][]) {
      for (const batch of [[3], [2, 3]]) {
        const options = { transposeA: random() < 0.5, transposeB: random() < 0.5, accumulate: random() < 0.5 };
        matmulCase(random, {
          batch,
          M: pick(random, [9, 40]),
          N: pick(random, [16, 45]),
          K: pick(random, [48, 130]),
          options,
          shareA,
          shareB,
        });
        matmulCase(random, { batch, M: 21, N: 37, K: 66, options, layout: {}, shareA, shareB });
      }
    }
  });

  it('infinities and NaN in the operands propagate as on the TypeScript path', () => {
    const random = mulberry32(14);
    const [M, N, K] = [12, 24, 80];
    const [a, b, out] = [twin(random, [M, K], { contiguous: true }), twin(random, [K, N], { contiguous: true }), twin(random, [M, N])];
    for (const [backend, view] of [
      [simd, a.simd],
      [ts, a.ts],
    ] as const) {
      const data = Float32Array.from(backend.readSync!(view.buffer));
      data[3 * K + 5] = Infinity;
      data[7 * K + 2] = NaN;
      backend.write(view.buffer, data);
    }
    simd.matmul(a.simd, b.simd, out.simd);
    ts.matmul(a.ts, b.ts, out.ts);
    expect(compare(out, () => K * 4).worst).toBeLessThan(1e-6);
    expect(logical(simd, out.simd).filter(Number.isNaN).length).toBe(N);
  });
});

/** Forward (with and without act) and backward of one cell on both paths. */
function cellCase(random: () => number, cell: 'lstm' | 'gru', B: number, H: number, layout: LayoutOptions, scale: number): void {
  const G = cell === 'lstm' ? 4 : 3;
  const label = `${cell} B=${B} H=${H} ${JSON.stringify(layout)} scale ${scale}`;
  const gates = (): Twin => twin(random, [B, G * H], layout, scale);
  const state = (): Twin => twin(random, [B, H], layout, scale);
  const check = (view: Twin, name: string): void => {
    // A few float32 ulps of the larger of the result and the operands (|x| < scale): float32
    // steps such as z·(h − n) against float64 ones, and the polynomial exp / tanh.
    const { worst, at, outsideEqual } = compare(view, (expected) => Math.max(1, scale, Math.abs(expected)));
    expect(worst, `${label}: ${name} at ${at}`).toBeLessThan(1e-6);
    expect(outsideEqual, `${label}: ${name} wrote outside its view`).toBe(true);
  };
  const both = (run: (backend: Backend, pick: (view: Twin) => CpuView) => void): void => {
    run(simd, (view) => view.simd);
    run(ts, (view) => view.ts);
  };
  // Each backward reads the TypeScript forward's outputs on both paths: near saturation 1 − σ
  // is a difference of nearly equal numbers, so σ an ulp apart would be far apart there.
  if (cell === 'lstm') {
    const [pre, c, h, cNext, act, hOnly, cOnly] = [gates(), state(), state(), state(), gates(), state(), state()];
    both((backend, v) => backend.fused!.lstmCell!(v(pre), v(c), v(h), v(cNext), v(act)));
    both((backend, v) => backend.fused!.lstmCell!(v(pre), v(c), v(hOnly), v(cOnly)));
    for (const [view, name] of [
      [h, 'h'],
      [cNext, 'cNext'],
      [act, 'act'],
      [hOnly, 'h without act'],
      [cOnly, 'cNext without act'],
    ] as const) {
      check(view, name);
    }
    align(act);
    align(cNext);
    const [dh, dcNext, dGates, dc] = [state(), state(), gates(), state()];
    both((backend, v) => backend.fused!.lstmCellBackward!(v(act), v(c), v(cNext), v(dh), v(dcNext), v(dGates), v(dc)));
    check(dGates, 'dGates');
    check(dc, 'dc');
  } else {
    const [gx, gh, h, hNext, act] = [gates(), gates(), state(), state(), gates()];
    both((backend, v) => backend.fused!.gruCell!(v(gx), v(gh), v(h), v(hNext), v(act)));
    check(hNext, 'hNext');
    check(act, 'act');
    align(act);
    const [dhNext, dgx, dgh, dh] = [state(), gates(), gates(), state()];
    both((backend, v) => backend.fused!.gruCellBackward!(v(act), v(gh), v(h), v(dhNext), v(dgx), v(dgh), v(dh)));
    check(dgx, 'dgx');
    check(dgh, 'dgh');
    check(dh, 'dh');
  }
}

describe('simd parity: fused cells', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: forward and backward on padded widths, strided views and large pre-activations`, () => {
      const random = mulberry32(cell === 'lstm' ? 21 : 22);
      for (const [B, H] of [
        [1, 1],
        [3, 3],
        [2, 4],
        [5, 33],
        [32, 256],
        [0, 8],
        [4, 0],
      ] as const) {
        cellCase(random, cell, B, H, { contiguous: true }, 3);
        cellCase(random, cell, B, H, {}, 3);
        cellCase(random, cell, B, H, { contiguous: true }, 40);
      }
    });
  }

  it('σ and tanh keep NaN, saturate at ±∞ and stay accurate near 0 and across the range', () => {
    const H = 64;
    const values = [
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      1e-7,
      -1e-7,
      1e-3,
      0.3,
      -0.6249,
      0.625,
      0.63,
      5,
      -9,
      20,
      -30,
      88,
      -88,
      100,
      -100,
      1e30,
      -1e30,
    ];
    const pre = Float32Array.from({ length: 4 * H }, (_, j) => values[j % values.length]! * (j % 3 === 0 ? 1 : 0.5));
    const random = mulberry32(23);
    const [gates, act] = [twin(random, [1, 4 * H], { contiguous: true }), twin(random, [1, 4 * H])];
    const [c, h, cNext] = [twin(random, [1, H], {}, 0.5), twin(random, [1, H]), twin(random, [1, H])];
    simd.write(gates.simd.buffer, pre);
    ts.write(gates.ts.buffer, pre);
    simd.fused!.lstmCell!(gates.simd, c.simd, h.simd, cNext.simd, act.simd);
    ts.fused!.lstmCell!(gates.ts, c.ts, h.ts, cNext.ts, act.ts);
    // Activations relative to their value (σ of very negative inputs down to 1e-30 absolute);
    // h and c' as in the other cases.
    const activations = compare(act, (expected) => Math.max(1e-30, Math.abs(expected)));
    expect(activations.worst, `act at ${activations.at}`).toBeLessThan(1e-6);
    for (const view of [h, cNext]) expect(compare(view, (expected) => Math.max(1, Math.abs(expected))).worst).toBeLessThan(1e-6);
  });
});
