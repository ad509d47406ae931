// reduce against a naive reference: every op and dtype it allows, random axis sets over strided
// and broadcast inputs, strided outputs, empty axes (identities), NaN and first-index rules.

import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, ValueError, sizeOf, type DType, type ReduceOp, mulberry32 } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import { exact, expectWrites, forEachIndex, makeView, randomShape, readView, store, type CpuView } from './test-helpers.js';

const backend = createCpuBackend();

const IDENTITY: Record<'sum' | 'prod' | 'max' | 'min', Record<DType, number>> = {
  sum: { float32: 0, int32: 0, bool: 0 },
  prod: { float32: 1, int32: 1, bool: 1 },
  max: { float32: -Infinity, int32: -2147483648, bool: 0 },
  min: { float32: Infinity, int32: 2147483647, bool: 1 },
};

/** The reduced groups of x: for each out element (row-major), x's elements in row-major order. */
function groups(x: CpuView, values: number[], axes: readonly number[]): number[][] {
  const outShape = x.shape.map((size, d) => (axes.includes(d) ? 1 : size));
  const result: number[][] = Array.from({ length: sizeOf(outShape) }, () => []);
  forEachIndex(x.shape, (index, flat) => {
    let outFlat = 0;
    index.forEach((i, d) => (outFlat = outFlat * outShape[d]! + (axes.includes(d) ? 0 : i)));
    result[outFlat]!.push(values[flat]!);
  });
  return result;
}

function reference(op: ReduceOp, dtype: DType, group: number[]): number {
  switch (op) {
    case 'sum':
      return group.reduce((acc, x) => acc + x, 0);
    case 'prod':
      if (dtype === 'int32') return Number(group.reduce((acc, x) => BigInt.asIntN(32, acc * BigInt(x)), 1n));
      return group.reduce((acc, x) => acc * x, 1);
    case 'max':
    case 'min': {
      if (group.some(Number.isNaN)) return Number.NaN;
      return group.reduce((acc, x) => (op === 'max' ? Math.max(acc, x) : Math.min(acc, x)), IDENTITY[op][dtype]);
    }
    case 'argmax':
    case 'argmin': {
      const nan = group.findIndex(Number.isNaN);
      if (nan >= 0) return nan;
      const extreme = op === 'argmax' ? Math.max(...group) : Math.min(...group);
      return group.indexOf(extreme);
    }
  }
}

function randomAxes(random: () => number, rank: number, single: boolean): number[] {
  if (single) return [Math.floor(random() * rank)];
  return Array.from({ length: rank }, (_, d) => d).filter(() => random() < 0.5);
}

function valuesFor(op: ReduceOp, dtype: DType): ((random: () => number) => number) | undefined {
  if (op === 'prod' && dtype === 'float32') return (random) => 0.5 + random();
  if (op === 'prod' && dtype === 'int32') return (random) => Math.floor(random() * 7) - 3 || 5;
  if (dtype === 'float32') return (random) => (random() < 0.03 ? Number.NaN : Math.round((random() * 2 - 1) * 8) / 2);
  if (dtype === 'int32') return (random) => (random() < 0.1 ? 2147483000 : Math.floor((random() * 2 - 1) * 6));
  return undefined;
}

const CASES: [ReduceOp, DType[]][] = [
  ['sum', ['float32', 'int32']],
  ['prod', ['float32', 'int32']],
  ['max', ['float32', 'int32', 'bool']],
  ['min', ['float32', 'int32', 'bool']],
  ['argmax', ['float32', 'int32', 'bool']],
  ['argmin', ['float32', 'int32', 'bool']],
];

describe('reduce', () => {
  for (const [op, dtypes] of CASES) {
    for (const dtype of dtypes) {
      it(`${op} ${dtype} over random axes and layouts`, () => {
        const random = mulberry32(op.length * 53 + dtype.length);
        const arg = op === 'argmax' || op === 'argmin';
        const outDType: DType = arg ? 'int32' : dtype;
        let checked = 0;
        for (let trial = 0; trial < 40; trial++) {
          const shape = randomShape(random, 4, !arg);
          if (arg && shape.length === 0) shape.push(5);
          const axes = randomAxes(random, shape.length, arg);
          const x = makeView(backend, random, dtype, shape, { broadcast: true, contiguous: trial % 3 === 0, values: valuesFor(op, dtype) });
          const outShape = shape.map((size, d) => (axes.includes(d) ? 1 : size));
          const out = makeView(backend, random, outDType, outShape, { contiguous: trial % 4 === 0 });
          const values = readView(backend, x);
          const expected = groups(x, values, axes).map((group) => store(outDType, reference(op, dtype, group)));
          const scale = groups(x, values.map(Math.abs), axes).map((group) => group.reduce((acc, v) => acc + v, 0));
          expectWrites(
            backend,
            out,
            () => backend.reduce(op, x, axes, out),
            expected,
            (actual, want, flat) => {
              if (Number.isNaN(want) || dtype !== 'float32') return exact(actual, want, flat);
              if (op === 'sum') return Math.abs(actual - want) <= 1e-6 * (scale[flat]! + 1);
              if (op === 'prod') return Math.abs(actual - want) <= 1e-5 * Math.abs(want);
              return actual === want;
            },
          );
          checked += expected.length;
        }
        expect(checked).toBeGreaterThan(50);
      });
    }
  }

  it('reduces a leading axis (kept dims innermost) and interleaved axes', () => {
    const random = mulberry32(99);
    for (const [shape, axes] of [
      [[33, 17], [0]],
      [
        [5, 7, 3],
        [0, 2],
      ],
      [[4, 9, 6], [1]],
      [[6, 1, 40], [0]],
    ] as [number[], number[]][]) {
      const x = makeView(backend, random, 'float32', shape, { contiguous: true });
      const outShape = shape.map((size, d) => (axes.includes(d) ? 1 : size));
      const out = makeView(backend, random, 'float32', outShape, { contiguous: true });
      const values = readView(backend, x);
      const expected = groups(x, values, axes).map((group) => Math.fround(group.reduce((acc, v) => acc + v, 0)));
      expectWrites(
        backend,
        out,
        () => backend.reduce('sum', x, axes, out),
        expected,
        (actual, want) => Math.abs(actual - want) <= 1e-5,
      );
    }
  });

  it('writes the identity when a reduced axis is empty', () => {
    const random = mulberry32(5);
    for (const op of ['sum', 'prod', 'max', 'min'] as const) {
      for (const dtype of ['float32', 'int32'] as const) {
        const x = makeView(backend, random, dtype, [3, 0, 2]);
        const out = makeView(backend, random, dtype, [3, 1, 2]);
        expectWrites(backend, out, () => backend.reduce(op, x, [1], out), new Array<number>(6).fill(IDENTITY[op][dtype]));
      }
    }
  });

  it('reduces a 0-d scalar over no axes and a 0-size kept dim to nothing', () => {
    const random = mulberry32(6);
    const x = makeView(backend, random, 'float32', []);
    const out = makeView(backend, random, 'float32', []);
    expectWrites(backend, out, () => backend.reduce('sum', x, [], out), readView(backend, x));
    const empty = makeView(backend, random, 'float32', [0, 4]);
    const emptyOut = makeView(backend, random, 'float32', [0, 1]);
    expectWrites(backend, emptyOut, () => backend.reduce('max', empty, [1], emptyOut), []);
  });

  it('argmax and argmin return the first extreme, and a NaN wins', () => {
    const x = backend.alloc(6, 'float32');
    const out = backend.alloc(1, 'int32');
    const view = { buffer: x, dtype: 'float32' as const, shape: [6], strides: [1], offset: 0 };
    const outView = { buffer: out, dtype: 'int32' as const, shape: [1], strides: [1], offset: 0 };
    backend.write(x, new Float32Array([1, 3, 3, -2, -2, 0]));
    backend.reduce('argmax', view, [0], outView);
    expect(backend.readSync!(out)[0]).toBe(1);
    backend.reduce('argmin', view, [0], outView);
    expect(backend.readSync!(out)[0]).toBe(3);
    backend.write(x, new Float32Array([1, 3, Number.NaN, 9, Number.NaN, 0]));
    backend.reduce('argmin', view, [0], outView);
    expect(backend.readSync!(out)[0]).toBe(2);
  });

  it('throws typed errors naming the kernel', () => {
    const random = mulberry32(8);
    const x = makeView(backend, random, 'float32', [2, 3], { contiguous: true });
    const out = makeView(backend, random, 'float32', [2, 1], { contiguous: true });
    expect(() => backend.reduce('sum', x, [0], out)).toThrow(new ShapeError('reduce(sum): out shape [2,1], expected [1,3] for x [2,3]'));
    expect(() => backend.reduce('sum', x, [2], out)).toThrow(IndexError);
    expect(() => backend.reduce('sum', x, [1, 1], out)).toThrow(ValueError);
    expect(() => backend.reduce('argmax', x, [0, 1], makeView(backend, random, 'int32', [1, 1]))).toThrow(ValueError);
    expect(() => backend.reduce('argmax', x, [1], out)).toThrow(new DTypeError('reduce(argmax): out must be int32, got float32'));
    expect(() => backend.reduce('sum', makeView(backend, random, 'bool', [2, 3]), [1], makeView(backend, random, 'bool', [2, 1]))).toThrow(
      DTypeError,
    );
    const empty = makeView(backend, random, 'float32', [2, 0]);
    expect(() => backend.reduce('argmax', empty, [1], makeView(backend, random, 'int32', [2, 1]))).toThrow(ShapeError);
  });
});
