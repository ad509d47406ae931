// matmul against a float64 triple loop: odd sizes around the 4×4 tile and the KC/MC/NC blocks,
// transposes, accumulate, strided and broadcast operands, batch folding, K = 0, M or N = 0.

import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, type MatmulOptions, mulberry32 } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { elementOffset, expectWrites, forEachIndex, makeView, pick, type CpuView, type LayoutOptions } from './test-helpers.js';

const backend = createCpuBackend();

/** Expected out values (row-major) and, per element, Σ|a·b| + |old| to scale the tolerance. */
function reference(a: CpuView, b: CpuView, out: CpuView, options: MatmulOptions): { values: number[]; scale: number[] } {
  const [dataA, dataB, dataC] = [a, b, out].map((view) => backend.readSync!(view.buffer));
  const rank = out.shape.length;
  const K = options.transposeA ? a.shape[rank - 2]! : a.shape[rank - 1]!;
  const values: number[] = [];
  const scale: number[] = [];
  forEachIndex(out.shape, (index) => {
    const batch = index.slice(0, rank - 2);
    const [i, j] = [index[rank - 2]!, index[rank - 1]!];
    let sum = 0;
    let magnitude = 0;
    for (let k = 0; k < K; k++) {
      const valueA = dataA![elementOffset(a, [...batch, ...(options.transposeA ? [k, i] : [i, k])])]!;
      const valueB = dataB![elementOffset(b, [...batch, ...(options.transposeB ? [j, k] : [k, j])])]!;
      sum += valueA * valueB;
      magnitude += Math.abs(valueA * valueB);
    }
    const old = dataC![elementOffset(out, index)]!;
    values.push(options.accumulate ? old + sum : sum);
    scale.push(magnitude + (options.accumulate ? Math.abs(old) : 0));
  });
  return { values, scale };
}

interface Case {
  batch: number[];
  M: number;
  N: number;
  K: number;
  options: MatmulOptions;
  layoutA?: LayoutOptions;
  layoutB?: LayoutOptions;
  layoutOut?: LayoutOptions;
  /** Batch dims of a or b forced to stride 0. */
  shareA?: boolean;
  shareB?: boolean;
}

function share(view: CpuView, batchRank: number): CpuView {
  return { ...view, strides: view.strides.map((stride, d) => (d < batchRank ? 0 : stride)) };
}

function check(random: () => number, c: Case): void {
  const { batch, M, N, K, options } = c;
  const shapeA = [...batch, ...(options.transposeA ? [K, M] : [M, K])];
  const shapeB = [...batch, ...(options.transposeB ? [N, K] : [K, N])];
  let a = makeView(backend, random, 'float32', shapeA, c.layoutA);
  let b = makeView(backend, random, 'float32', shapeB, c.layoutB);
  if (c.shareA) a = share(a, batch.length);
  if (c.shareB) b = share(b, batch.length);
  const out = makeView(backend, random, 'float32', [...batch, M, N], c.layoutOut);
  const { values, scale } = reference(a, b, out, options);
  expectWrites(
    backend,
    out,
    () => backend.matmul(a, b, out, options),
    values,
    (actual, want, flat) => Math.abs(actual - want) <= 2e-6 * scale[flat]! + 1e-7 * Math.abs(want),
  );
}

const SIZES = [0, 1, 2, 3, 4, 5, 8, 17, 33];
const FLAGS = [false, true];

describe('matmul', () => {
  it('matches the reference for every transpose and accumulate flag on odd sizes', () => {
    const random = mulberry32(1);
    for (const transposeA of FLAGS) {
      for (const transposeB of FLAGS) {
        for (const accumulate of FLAGS) {
          for (let trial = 0; trial < 12; trial++) {
            const [M, N, K] = [pick(random, SIZES), pick(random, SIZES), pick(random, SIZES)];
            check(random, {
              batch: [],
              M,
              N,
              K,
              options: { transposeA, transposeB, accumulate },
              layoutA: { broadcast: true },
              layoutB: { broadcast: true },
            });
          }
        }
      }
    }
  });

  it('crosses the KC, MC and NC blocks and the direct path boundaries', () => {
    const random = mulberry32(2);
    const shapes: [number, number, number][] = [
      [70, 65, 520],
      [5, 1030, 3],
      [4, 4, 257],
      [3, 40, 40],
      [40, 3, 40],
      [1, 37, 19],
      [16, 16, 16],
      [65, 5, 513],
    ];
    for (const [M, N, K] of shapes) {
      for (const transposeB of FLAGS) {
        check(random, { batch: [], M, N, K, options: { transposeB, accumulate: M % 2 === 1 }, layoutA: {}, layoutB: {}, layoutOut: {} });
      }
    }
  });

  it('batches with shared (stride-0) A or B fold into one product; unshared batches loop', () => {
    const random = mulberry32(3);
    for (const [shareA, shareB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as [boolean, boolean][]) {
      for (const batch of [[3], [2, 3], [1, 4], [3, 0]]) {
        for (let trial = 0; trial < 3; trial++) {
          const options = { transposeA: random() < 0.5, transposeB: random() < 0.5, accumulate: random() < 0.5 };
          check(random, { batch, M: pick(random, [5, 17]), N: pick(random, [6, 33]), K: pick(random, [7, 40]), options, shareA, shareB });
        }
      }
    }
  });

  it('handles random batched, strided and broadcast operands with strided outputs', () => {
    const random = mulberry32(4);
    for (let trial = 0; trial < 40; trial++) {
      const batch = Array.from({ length: Math.floor(random() * 3) }, () => pick(random, [1, 2, 3]));
      const options = { transposeA: random() < 0.5, transposeB: random() < 0.5, accumulate: random() < 0.3 };
      const [M, N, K] = [pick(random, SIZES), pick(random, SIZES), pick(random, SIZES)];
      check(random, { batch, M, N, K, options, layoutA: { broadcast: true }, layoutB: { broadcast: true } });
    }
  });

  it('K = 0 writes zeros, or leaves out unchanged when accumulating; M or N = 0 writes nothing', () => {
    const random = mulberry32(5);
    const a = makeView(backend, random, 'float32', [4, 0], { contiguous: true });
    const b = makeView(backend, random, 'float32', [0, 6], { contiguous: true });
    const out = makeView(backend, random, 'float32', [4, 6]);
    expectWrites(backend, out, () => backend.matmul(a, b, out), new Array<number>(24).fill(0));
    backend.fill(out, 2.5);
    expectWrites(backend, out, () => backend.matmul(a, b, out, { accumulate: true }), new Array<number>(24).fill(2.5));
    const wide = makeView(backend, random, 'float32', [0, 5]);
    const empty = makeView(backend, random, 'float32', [0, 3]);
    expectWrites(backend, empty, () => backend.matmul(wide, makeView(backend, random, 'float32', [5, 3]), empty), []);
  });

  it('throws typed errors with both shapes', () => {
    const random = mulberry32(6);
    const view = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => makeView(backend, random, dtype, shape, { contiguous: true });
    expect(() => backend.matmul(view([2, 3]), view([4, 5]), view([2, 5]))).toThrow(
      new ShapeError('matmul: inner dimensions differ: [2,3] · [4,5]'),
    );
    expect(() => backend.matmul(view([2, 3]), view([5, 4]), view([2, 5]), { transposeB: true })).toThrow(
      new ShapeError('matmul: inner dimensions differ: [2,3] · [5,4] (transposeB)'),
    );
    expect(() => backend.matmul(view([2, 3]), view([3, 5]), view([2, 4]))).toThrow(ShapeError);
    expect(() => backend.matmul(view([2, 2, 3]), view([3, 3, 5]), view([2, 2, 5]))).toThrow(ShapeError);
    expect(() => backend.matmul(view([2, 3]), view([2, 3, 5]), view([2, 2, 5]))).toThrow(ShapeError);
    expect(() => backend.matmul(view([3]), view([3]), view([1]))).toThrow(ShapeError);
    expect(() => backend.matmul(view([2, 3], 'int32'), view([3, 5]), view([2, 5]))).toThrow(DTypeError);
  });
});
