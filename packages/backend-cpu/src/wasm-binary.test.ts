// The wasm SIMD float32 + − × ÷ against the TypeScript loops (simd: false) bit for bit: dense,
// row and column broadcasts, splats on either side, tails past a multiple of 4, offsets, in place,
// IEEE edge values; layouts the kernels do not take (strided, shifted overlap) fall back unchanged.

import { describe, expect, it } from 'vitest';
import { contiguousStrides, mulberry32, type BinaryOp, type View } from '@recur/backend';
import { createCpuBackend } from './backend.js';
import type { CpuBuffer } from './memory.js';
import { wasmBinary } from './wasm-binary.js';
import { WasmRuntime, wasmSimdAvailable } from './wasm-runtime.js';

type Backend = ReturnType<typeof createCpuBackend>;
const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div'];
const EDGES = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3.4e38, -3.4e38, 1, -1];

interface Operand {
  readonly values: Float32Array<ArrayBuffer>;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
}

const random = mulberry32(5);
function values(size: number): Float32Array<ArrayBuffer> {
  return new Float32Array(size).map((_, i) => (i % 7 === 3 ? EDGES[i % EDGES.length]! : (random() - 0.5) * 8));
}

/** A dense operand of `shape` at `offset`, seen through `strides` (0 repeats it). */
const operand = (shape: number[], strides = contiguousStrides(shape), offset = 0, size = 0): Operand => ({
  values: values(Math.max(size, offset + shape.reduce((s, n, d) => s + (n - 1) * strides[d]!, 1))),
  shape,
  strides,
  offset,
});

/** out = a op b on `backend`, out of `shape` contiguous (or in place over a when `inPlace`). */
function run(backend: Backend, op: BinaryOp, a: Operand, b: Operand, shape: number[], inPlace = false): Float32Array {
  const load = (o: Operand) => {
    const buffer = backend.alloc(o.values.length, 'float32');
    backend.write(buffer, o.values);
    return buffer;
  };
  const view = (buffer: CpuBuffer, o: { shape: number[]; strides: number[]; offset: number }): View<CpuBuffer> => ({
    buffer,
    dtype: 'float32',
    ...o,
  });
  const [bufferA, bufferB] = [load(a), load(b)];
  const out = inPlace
    ? bufferA
    : backend.alloc(
        shape.reduce((x, y) => x * y, 1),
        'float32',
      );
  const outView = inPlace ? view(out, a) : view(out, { shape, strides: contiguousStrides(shape), offset: 0 });
  backend.binary(op, view(bufferA, a), view(bufferB, b), outView);
  const result = (backend.readSync!(out) as Float32Array).slice();
  for (const buffer of new Set([bufferA, bufferB, out])) backend.free(buffer);
  return result;
}

/** The float32 bit patterns, every NaN as the canonical one (payloads are not compared). */
const bits = (array: Float32Array) =>
  Array.from(array, (x) => (Number.isNaN(x) ? 0x7fc00000 : new Uint32Array(Float32Array.of(x).buffer)[0]!));

describe.runIf(wasmSimdAvailable())('wasm SIMD float32 binary ops', () => {
  const simd = createCpuBackend({ threads: 1 });
  const plain = createCpuBackend({ simd: false });
  const cases: [string, Operand, Operand, number[]][] = [
    ['dense, tail of 3', operand([67]), operand([67]), [67]],
    ['dense across the staging chunk, offsets', operand([20003], [1], 5), operand([20003], [1], 2), [20003]],
    ['bias over a batch [5, 66] + [66]', operand([5, 66]), operand([5, 66], [0, 1]), [5, 66]],
    ['column broadcast [33, 10] · [33, 1]', operand([33, 10]), operand([33, 10], [1, 0]), [33, 10]],
    ['scalar b', operand([9, 13]), operand([9, 13], [0, 0]), [9, 13]],
    ['scalar a', operand([130], [0]), operand([130]), [130]],
    ['padded rows [6, 21] of a [6, 32] buffer', operand([6, 21], [32, 1], 3), operand([6, 21]), [6, 21]],
    ['transposed a (declined: strided rows)', operand([12, 16], [1, 12]), operand([12, 16]), [12, 16]],
  ];
  for (const op of OPS) {
    it(`${op}: equal to the TypeScript loops bit for bit (NaN payloads aside)`, () => {
      for (const [, a, b, shape] of cases) {
        const got = run(simd, op, a, b, shape);
        const want = run(plain, op, a, b, shape);
        expect(bits(got)).toEqual(bits(want));
      }
    });
  }

  it('in place (out is a) equals the TypeScript loops', () => {
    for (const op of OPS) {
      const a = operand([4, 40]);
      const b = operand([4, 40], [0, 1]);
      expect(run(simd, op, a, b, [4, 40], true)).toEqual(run(plain, op, a, b, [4, 40], true));
    }
  });

  it('host arrays: a flat run is staged through scratch; two-dimensional ones are declined', () => {
    const runtime = WasmRuntime.create()!;
    const host = (size: number): View<CpuBuffer> => ({
      buffer: { backend: 'cpu', size, dtype: 'float32' } as CpuBuffer,
      dtype: 'float32',
      shape: [size],
      strides: [1],
      offset: 0,
    });
    const [a, b, out] = [values(104), values(104), new Float32Array(104)] as const;
    expect(wasmBinary(runtime, 'sub', host(101), host(101), host(101), [out, a, b])).toBe(true);
    expect(runtime.stats.stagedBytes).toBe(3 * 101 * 4);
    expect(bits(out.subarray(0, 101))).toEqual(bits(Float32Array.from(a.subarray(0, 101), (x, i) => x - b[i]!)));
    // Rows of 25 with a gap of 1 do not merge into one run.
    const rows = { ...host(104), shape: [4, 25], strides: [26, 1] };
    expect(wasmBinary(runtime, 'sub', rows, rows, { ...rows }, [out, a, b])).toBe(false);
    // Not theirs: other ops, short arrays.
    expect(wasmBinary(runtime, 'pow', host(101), host(101), host(101), [out, a, b])).toBe(false);
    expect(wasmBinary(runtime, 'add', host(8), host(8), host(8), [out, a, b])).toBe(false);
  });
});
