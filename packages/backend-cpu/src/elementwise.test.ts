// Elementwise kernels against naive references on random strided, broadcast, 0-d and 0-size
// views, through generated loops and through the closure loops used under strict CSP.

import { describe, expect, it } from 'vitest';
import {
  BINARY_OPS,
  BackendError,
  DTYPES,
  DTypeError,
  IndexError,
  ShapeError,
  UNARY_OPS,
  ValueError,
  opOutDType,
  type BinaryOp,
  type DType,
  type UnaryOp,
  mulberry32,
} from '@recur/backend';
import { createCpuBackend } from './backend.js';
import {
  close,
  exact,
  expectWrites,
  makeView,
  randomShape,
  randomValue,
  readView,
  store,
  type Backend,
  type Compare,
} from './test-helpers.js';

const wrap = (value: bigint): number => Number(BigInt.asIntN(32, value));
const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-30, 3e38];

/** Float inputs with occasional specials; int32 inputs with occasional extremes to force wrapping. */
function inputValue(dtype: DType): (random: () => number) => number {
  return (random) => {
    if (dtype === 'float32' && random() < 0.1) return SPECIALS[Math.floor(random() * SPECIALS.length)]!;
    if (dtype === 'int32' && random() < 0.2) return random() < 0.5 ? 2147483647 - Math.floor(random() * 3) : -2147483648;
    return randomValue(random, dtype);
  };
}

const UNARY_REFERENCE: Record<UnaryOp, (x: number, dtype: DType) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x, dtype) => (dtype === 'int32' ? wrap(BigInt(x) * BigInt(x)) : x * x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  // relu passes NaN through as PyTorch does; the table maps sign(NaN) to 0.
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  sin: Math.sin,
  cos: Math.cos,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isNaN: (x) => (Number.isNaN(x) ? 1 : 0),
};

const nanOr = (a: number, b: number, pick: number): number => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : pick);

const BINARY_REFERENCE: Record<BinaryOp, (a: number, b: number, dtype: DType) => number> = {
  add: (a, b, dtype) => (dtype === 'int32' ? wrap(BigInt(a) + BigInt(b)) : a + b),
  sub: (a, b, dtype) => (dtype === 'int32' ? wrap(BigInt(a) - BigInt(b)) : a - b),
  mul: (a, b, dtype) => (dtype === 'int32' ? wrap(BigInt(a) * BigInt(b)) : a * b),
  // Integer division truncates toward zero; a zero divisor stores 0 (documented, not an error).
  div: (a, b, dtype) => (dtype === 'int32' ? (b === 0 ? 0 : Math.trunc(a / b) | 0) : a / b),
  pow: Math.pow,
  maximum: (a, b) => nanOr(a, b, Math.max(a, b)),
  minimum: (a, b) => nanOr(a, b, Math.min(a, b)),
  eq: (a, b) => Number(a === b),
  ne: (a, b) => Number(a !== b),
  lt: (a, b) => Number(a < b),
  le: (a, b) => Number(a <= b),
  gt: (a, b) => Number(a > b),
  ge: (a, b) => Number(a >= b),
  logicalAnd: (a, b) => Number(a !== 0 && b !== 0),
  logicalOr: (a, b) => Number(a !== 0 || b !== 0),
};

function compareFor(dtype: DType): Compare {
  return dtype === 'float32' ? (actual, expected) => close(actual, expected) : exact;
}

const MODES = [
  { name: 'generated loops', codegen: true },
  { name: 'closure loops', codegen: false },
] as const;

describe.each(MODES)('elementwise kernels ($name)', ({ codegen }) => {
  const backend: Backend = createCpuBackend({ codegen });

  describe('unary', () => {
    for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
      for (const dtype of UNARY_OPS[op].dtypes) {
        it(`${op} ${dtype}`, () => {
          const random = mulberry32(op.length * 131 + dtype.length);
          const outDType = opOutDType(UNARY_OPS[op], dtype);
          for (let trial = 0; trial < 12; trial++) {
            const shape = randomShape(random);
            const x = makeView(backend, random, dtype, shape, { broadcast: true, values: inputValue(dtype) });
            const out = makeView(backend, random, outDType, shape);
            const expected = readView(backend, x).map((value) => store(outDType, UNARY_REFERENCE[op](value, dtype)));
            expectWrites(backend, out, () => backend.unary(op, x, out), expected, compareFor(outDType));
          }
        });
      }
    }
  });

  describe('binary', () => {
    for (const op of Object.keys(BINARY_OPS) as BinaryOp[]) {
      for (const dtype of BINARY_OPS[op].dtypes) {
        it(`${op} ${dtype}`, () => {
          const random = mulberry32(op.length * 977 + dtype.length);
          const outDType = opOutDType(BINARY_OPS[op], dtype);
          for (let trial = 0; trial < 12; trial++) {
            const shape = randomShape(random);
            const a = makeView(backend, random, dtype, shape, { broadcast: true, values: inputValue(dtype) });
            const b = makeView(backend, random, dtype, shape, { broadcast: true, values: inputValue(dtype) });
            const left = readView(backend, a);
            const right = readView(backend, b);
            const expected = left.map((value, i) => store(outDType, BINARY_REFERENCE[op](value, right[i]!, dtype)));
            const out = makeView(backend, random, outDType, shape);
            expectWrites(backend, out, () => backend.binary(op, a, b, out), expected, compareFor(outDType));
          }
        });
      }
    }
  });

  it.each(DTYPES)('where %s', (dtype) => {
    const random = mulberry32(7 + dtype.length);
    for (let trial = 0; trial < 20; trial++) {
      const shape = randomShape(random);
      const cond = makeView(backend, random, 'bool', shape, { broadcast: true });
      const a = makeView(backend, random, dtype, shape, { broadcast: true });
      const b = makeView(backend, random, dtype, shape, { broadcast: true });
      const [c, left, right] = [cond, a, b].map((view) => readView(backend, view)) as [number[], number[], number[]];
      const out = makeView(backend, random, dtype, shape);
      expectWrites(
        backend,
        out,
        () => backend.where(cond, a, b, out),
        c.map((flag, i) => (flag ? left[i]! : right[i]!)),
      );
    }
  });

  it.each(DTYPES)('copy %s', (dtype) => {
    const random = mulberry32(11 + dtype.length);
    for (let trial = 0; trial < 20; trial++) {
      const shape = randomShape(random);
      const x = makeView(backend, random, dtype, shape, { broadcast: true, contiguous: trial % 4 === 0 });
      const out = makeView(backend, random, dtype, shape, { contiguous: trial % 4 === 0 });
      expectWrites(backend, out, () => backend.copy(x, out), readView(backend, x));
    }
  });

  const castReference = (value: number, to: DType): number => (to === 'bool' ? Number(value !== 0) : store(to, Math.trunc(value)));
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      it(`cast ${from} → ${to}`, () => {
        const random = mulberry32(from.length * 31 + to.length);
        for (let trial = 0; trial < 16; trial++) {
          const shape = randomShape(random);
          const values = from === 'float32' ? (r: () => number) => (r() < 0.2 ? 0 : (r() * 2 - 1) * 100) : undefined;
          const x = makeView(backend, random, from, shape, { broadcast: true, contiguous: trial % 3 === 0, values });
          const out = makeView(backend, random, to, shape, { contiguous: trial % 3 === 0 });
          const expected = readView(backend, x).map((value) => (to === 'float32' ? value : castReference(value, to)));
          expectWrites(backend, out, () => backend.cast(x, out), expected);
        }
      });
    }
  }

  it('cast float32 → int32 truncates toward zero and → bool treats NaN as true', () => {
    const x = backend.alloc(5, 'float32');
    backend.write(x, new Float32Array([2.7, -2.7, -0.5, Number.NaN, 0]));
    const asInt = backend.alloc(5, 'int32');
    const asBool = backend.alloc(5, 'bool');
    const view = (buffer: typeof x, dtype: DType) => ({ buffer, dtype, shape: [5], strides: [1], offset: 0 });
    backend.cast(view(x, 'float32'), view(asInt, 'int32'));
    backend.cast(view(x, 'float32'), view(asBool, 'bool'));
    expect(Array.from(backend.readSync!(asInt))).toEqual([2, -2, 0, 0, 0]);
    expect(Array.from(backend.readSync!(asBool))).toEqual([1, 1, 1, 1, 0]);
  });

  it.each(DTYPES)('fill %s', (dtype) => {
    const random = mulberry32(13 + dtype.length);
    for (let trial = 0; trial < 20; trial++) {
      const shape = randomShape(random);
      const value = pickFill(trial);
      const out = makeView(backend, random, dtype, shape, { contiguous: trial % 3 === 0 });
      const expected = dtype === 'bool' ? Number(value !== 0) : store(dtype, dtype === 'int32' ? Math.trunc(value) : value);
      expectWrites(backend, out, () => backend.fill(out, value), new Array<number>(readView(backend, out).length).fill(expected));
    }
  });
});

function pickFill(trial: number): number {
  return [0, 1, -2.75, 3.5, Number.NaN, 1e10][trial % 6]!;
}

describe('elementwise edge shapes', () => {
  const backend = createCpuBackend();
  const contiguous = (shape: number[], dtype: DType = 'float32') => {
    let size = 1;
    for (const d of shape) size *= d;
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, s) => p * s, 1));
    return { buffer: backend.alloc(size, dtype), dtype, shape, strides, offset: 0 };
  };

  it('computes a 0-d scalar', () => {
    const a = contiguous([]);
    const b = contiguous([]);
    const out = contiguous([]);
    backend.write(a.buffer, new Float32Array([1.5]));
    backend.write(b.buffer, new Float32Array([2.25]));
    backend.binary('mul', a, b, out);
    expect(Array.from(backend.readSync!(out.buffer))).toEqual([3.375]);
  });

  it('does nothing on 0-size dims, even with empty buffers', () => {
    for (const shape of [[0], [3, 0, 2], [0, 0]]) {
      const x = contiguous(shape);
      const out = contiguous(shape);
      expect(x.buffer.size).toBe(0);
      backend.unary('exp', x, out);
      backend.fill(out, 2);
      backend.copy(x, out);
      backend.binary('add', x, x, out);
    }
  });

  it('adds a broadcast scalar across a transposed matrix into a strided out', () => {
    const x = contiguous([3, 2]);
    backend.write(x.buffer, new Float32Array([1, 2, 3, 4, 5, 6]));
    const transposed = { ...x, shape: [2, 3], strides: [1, 2] };
    const scalar = { ...contiguous([1]), shape: [2, 3], strides: [0, 0] };
    backend.write(scalar.buffer, new Float32Array([10]));
    const outBuffer = backend.alloc(12, 'float32');
    const out = { buffer: outBuffer, dtype: 'float32' as const, shape: [2, 3], strides: [6, 2], offset: 1 };
    backend.binary('add', transposed, scalar, out);
    expect(Array.from(backend.readSync!(outBuffer))).toEqual([0, 11, 0, 13, 0, 15, 0, 12, 0, 14, 0, 16]);
  });
});

describe('elementwise errors', () => {
  const backend = createCpuBackend();
  const view = (shape: number[], dtype: DType = 'float32', size = 64) => ({
    buffer: backend.alloc(size, dtype),
    dtype,
    shape,
    strides: shape.map((_, d) => shape.slice(d + 1).reduce((p, s) => p * s, 1)),
    offset: 0,
  });

  it('names the kernel and both shapes when operand shapes differ', () => {
    expect(() => backend.binary('add', view([2, 3]), view([3, 2]), view([2, 3]))).toThrow(
      new ShapeError('binary(add): operand shapes differ: [2,3] vs [3,2]'),
    );
    expect(() => backend.unary('exp', view([2, 3]), view([6]))).toThrow(ShapeError);
    expect(() => backend.where(view([2], 'bool'), view([2]), view([2]), view([3]))).toThrow(ShapeError);
  });

  it('rejects dtypes outside the op table', () => {
    expect(() => backend.binary('add', view([2]), view([2], 'int32'), view([2]))).toThrow(
      new DTypeError('binary(add): operand dtypes differ: float32 vs int32'),
    );
    expect(() => backend.unary('exp', view([2], 'int32'), view([2], 'int32'))).toThrow(
      new DTypeError('unary(exp): x must be float32, got int32'),
    );
    expect(() => backend.unary('isNaN', view([2]), view([2]))).toThrow(new DTypeError('unary(isNaN): out must be bool, got float32'));
    expect(() => backend.binary('logicalAnd', view([2]), view([2]), view([2], 'bool'))).toThrow(DTypeError);
    expect(() => backend.where(view([2], 'int32'), view([2]), view([2]), view([2]))).toThrow(DTypeError);
    expect(() => backend.copy(view([2]), view([2], 'int32'))).toThrow(DTypeError);
  });

  it('rejects unknown ops and views that leave their buffer', () => {
    expect(() => backend.unary('nope' as UnaryOp, view([2]), view([2]))).toThrow(ValueError);
    const small = view([2], 'float32', 4);
    expect(() => backend.fill({ ...small, shape: [5] }, 1)).toThrow(IndexError);
    expect(() => backend.fill({ ...small, offset: 3 }, 1)).toThrow(IndexError);
    expect(() => backend.fill({ ...small, strides: [-1], offset: 0 }, 1)).toThrow(IndexError);
    expect(() => backend.copy(small, { ...small, dtype: 'int32' })).toThrow(DTypeError);
  });

  it('names the kernel on use after free', () => {
    const x = view([2]);
    backend.free(x.buffer);
    expect(() => backend.unary('exp', x, view([2]))).toThrow(new BackendError('unary(exp): buffer was freed'));
  });
});
